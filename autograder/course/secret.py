"""The course secret, and the seed of a submission's hidden draws derived from it.

The secret is 32 random bytes in ``<course>/.nndl_course_secret`` (mode
0600, beside the gradebook, never in git), made on first use. A submission's
seed is an HMAC of the student id, the assignment and the SHA-256 of the
submitted file: the same file always meets the same hidden inputs (a regrade
gives the same score), another file or another student meets other ones, and
nobody without the secret can compute them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_FILE = ".nndl_course_secret"


def course_secret(root: Path) -> bytes:
    """The secret of the course at ``root``, created (readable by its owner only) if missing."""
    path = Path(root) / SECRET_FILE
    if not path.exists():
        # written whole under another name, then linked into place: two grading
        # processes starting at once agree on one secret, and none reads half of it
        draft = path.with_name(f"{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return bytes.fromhex(path.read_text().strip())


def file_checksum(path: Path) -> str:
    """SHA-256 of a file's bytes, hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def submission_seed(secret: bytes, student: str, assignment: str, checksum: str) -> int:
    """A 63-bit seed for the hidden draws of one submitted file."""
    message = f"{assignment}\0{student}\0{checksum}".encode()
    return int(hmac.new(secret, message, hashlib.sha256).hexdigest()[:16], 16) >> 1
