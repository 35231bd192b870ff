"""nbgrader's HTML feedback, readable offline with its maths rendered.

nbgrader's feedback template loads MathJax from a CDN, so a student who
opens the file without a network connection sees raw ``$...$``. After
nbgrader writes the files, :func:`make_offline` swaps that ``<script src>``
for MathJax 3 itself, inlined (the single-file ``tex-svg`` build from the
``django-static-mathjax`` package, which renders to SVG and so needs no font
files). Each HTML file then stands alone: it can be mailed, uploaded to an
LMS or sent with ``nbgrader release_feedback``, which copies only the
``.html`` files.

A submission nbgrader could not grade at all has no autograded notebook to
render; it gets a short HTML page giving the reason instead.
"""

from __future__ import annotations

import functools
import html as html_lib
import importlib.resources
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from autograder.course import Course, CourseError

_CDN_MATHJAX = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*mathjax[^\"]*\"[^>]*>\s*</script>", re.I)
_MATHJAX2_CONFIG = re.compile(r"<script type=\"text/x-mathjax-config\">.*?</script>", re.S)
_MARKER = "<!-- MathJax 3 (tex-svg), inlined for offline reading -->"
_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.I)
_CSS_REMOTE = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//[^)]*\)|@import\s+["']\s*(?:https?:)?//[^"']*""", re.I)

_MATHJAX_CONFIG = """<script>
window.MathJax = {
  tex: {
    inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]],
    displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "ams"
  },
  svg: {fontCache: "global"}
};
</script>"""


@functools.lru_cache(maxsize=1)
def mathjax_source() -> str:
    """The JavaScript of MathJax 3's ``tex-svg`` build, ready to sit inside a ``<script>``."""
    path = importlib.resources.files("mathjax") / "static" / "mathjax" / "es5" / "tex-svg.js"
    if not path.is_file():
        raise CourseError("MathJax is not installed: `pip install django-static-mathjax` (pinned in requirements.txt)")
    # a literal "</script" inside the code would end the HTML element early
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


def make_offline(html: str) -> str:
    """``html`` with the CDN MathJax replaced by an inlined local copy (idempotent)."""
    if _MARKER in html:
        return html
    html = _MATHJAX2_CONFIG.sub("", html)
    inline = f"{_MARKER}\n{_MATHJAX_CONFIG}\n<script>\n{mathjax_source()}\n</script>"
    html, count = _CDN_MATHJAX.subn(lambda _m: inline, html, count=1)
    if count == 0 and "$" in html:
        html = html.replace("</head>", inline + "\n</head>", 1)
    return html


class _ResourceFinder(HTMLParser):
    """Collects the ``src``/``href`` of every tag but ``<a>``, whose links load nothing by themselves."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            return
        for name, value in attrs:
            if name in ("src", "href", "data", "poster") and value and _REMOTE.match(value):
                self.found.append(f"<{tag} {name}={value}>")
            if name == "style" and value:
                self.found.extend(_CSS_REMOTE.findall(value))


def external_references(html: str) -> list[str]:
    """Every place where ``html`` would load something from another host.

    Looks at the ``src``/``href`` of scripts, stylesheets, images and frames,
    and at CSS ``url(...)`` and ``@import``. Links (``<a href>``) and text
    that merely mentions a web address (a licence comment) load nothing and
    are not reported.
    """
    finder = _ResourceFinder()
    finder.feed(html)
    finder.close()
    styles = re.findall(r"<style[^>]*>(.*?)</style>", html, re.S | re.I)
    css = [hit for block in styles for hit in _CSS_REMOTE.findall(re.sub(r"/\*.*?\*/", "", block, flags=re.S))]
    return finder.found + css


def localise_file(path: Path) -> None:
    """Rewrite one feedback file in place with :func:`make_offline`."""
    text = Path(path).read_text(encoding="utf-8")
    new = make_offline(text)
    if new != text:
        Path(path).write_text(new, encoding="utf-8")


def failure_page(assignment: str, student: str, reason: str) -> str:
    """A short, self-contained page for a submission that could not be graded."""
    esc = html_lib.escape
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{esc(assignment)}: not graded</title>"
        "<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;line-height:1.5}"
        ".reason{background:#fdecea;border-left:4px solid #d2413a;padding:.6em 1em}</style>"
        "</head><body>"
        f"<h1>{esc(assignment)}</h1>"
        f"<p>The notebook submitted by <b>{esc(student)}</b> could not be graded automatically, "
        "so every automatically graded exercise scored 0.</p>"
        f'<p class="reason">{esc(reason)}</p>'
        "<p>Open the notebook in Jupyter, check that it runs from top to bottom "
        "(Kernel, Restart and Run All), and submit it again.</p>"
        "</body></html>\n"
    )


@dataclass
class FeedbackRun:
    """What :func:`generate_feedback` wrote."""

    written: list[Path] = field(default_factory=list)
    not_graded: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def generate_feedback(root: Path, assignments=None, students=None) -> FeedbackRun:
    """nbgrader's ``generate_feedback`` for the graded submissions, then made offline.

    Parameters
    ----------
    root : path
        The course folder.
    assignments : list of str, optional
        Default: every assignment with an autograded submission.
    students : list of str, optional
        Default: every student.
    """
    from autograder.course.config import load_config
    from autograder.course.gradebook import GradingLog
    from autograder.course.paths import CoursePaths
    from autograder.course.records import FAILED

    if not CoursePaths(load_config(root)).autograded_root.is_dir():
        raise CourseError(f"{root} has no autograded/ folder: run `grade` first")
    course = Course(Path(root))
    names = list(assignments) if assignments else course.paths.assignments(graded=True)
    run = FeedbackRun()
    for assignment in names:
        for student in students or [None]:
            result = course.generate_feedback(assignment, student)
            if not result["success"]:
                run.errors.append(
                    f"{assignment}{'/' + student if student else ''}: "
                    f"{(result.get('error') or '').strip().splitlines()[-1:]}"
                )
        for html in sorted(course.paths.feedback_root.glob(f"*/{assignment}/*.html")):
            if students and html.parent.parent.name not in students:
                continue
            localise_file(html)
            run.written.append(html)
    for entry in GradingLog(course.root).load().values():
        if entry.status != FAILED or entry.assignment not in names or (students and entry.student not in students):
            continue
        folder = course.paths.feedback(entry.student, entry.assignment)
        folder.mkdir(parents=True, exist_ok=True)
        notebooks = course.paths.source_notebooks(entry.assignment)
        stem = notebooks[0].stem if notebooks else entry.assignment
        page = folder / f"{stem}.html"
        page.write_text(failure_page(entry.assignment, entry.student, entry.reason), encoding="utf-8")
        run.not_graded.append(page)
    return run
