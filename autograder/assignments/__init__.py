"""Each assignment's hidden checks and typical mistakes, one subpackage per assignment."""
