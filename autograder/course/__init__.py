"""The course's bookkeeping around nbgrader: settings, paths, the gradebook, records."""

from autograder.course.folder import (  # noqa: F401 - the package's public names
    ASSIGNMENTS,
    PROJECT_ROOT,
    RELEASE_DIR,
    SOURCE_DIR,
    CellScore,
    Course,
    CourseError,
    available_assignments,
    notebook_path,
    validate_student_id,
)
