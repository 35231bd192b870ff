"""nbgrader's HTML feedback, its maths rendered when the page is written.

nbgrader's feedback template leaves the maths as TeX for MathJax, loaded from
a CDN: offline, a student sees raw ``$...$``, and inlining MathJax costs
2.7 MB a file. Here every formula of the Markdown (cells, and the graders'
comments the template shows) becomes MathML while the page is generated
(:mod:`autograder.pipeline.mathml`), which current browsers lay out without
any script, so a page is the size of its content and still reads offline.
Dollar signs in code cells and outputs are left as they are.

Generation comes in two parts, so the rendering can be spread over machines:

* :func:`render_feedback` is pure: a :class:`FeedbackJob` of plain data (the
  graded notebook as JSON text, the values nbgrader's ``GetGrades`` puts in
  ``resources["nbgrader"]``) in, a :class:`FeedbackPage` with the HTML text
  out. It reads no gradebook and no course folder. It uses nbgrader's
  feedback template and HTML exporter settings (nbgrader's
  ``GenerateFeedback`` converter, instantiated for its configuration), so
  the page looks as nbgrader's does.
* :func:`generate_feedback` coordinates: nbgrader's ``GenerateFeedback``
  prepares each destination (``feedback/<student>/<assignment>/``, with the
  ``timestamp.txt`` and other files ``nbgrader release_feedback`` reads) and
  its ``GetGrades`` preprocessor reads the scores and comments from the
  gradebook; the jobs go through ``mapper`` (in-process by default, or e.g. a
  cluster's map) and nbgrader's writer puts each page at
  ``<notebook>.html``, with a progress bar.

A submission nbgrader could not grade at all has no autograded notebook to
render; it gets a short HTML page giving the reason instead.
"""

from __future__ import annotations

import html as html_lib
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from autograder.course import Course, CourseError

TEMPLATES = Path(__file__).with_name("feedback_templates")

_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.I)
_CSS_REMOTE = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//[^)]*\)|@import\s+["']\s*(?:https?:)?//[^"']*""", re.I)


@dataclass(frozen=True)
class FeedbackJob:
    """One feedback page to render, as plain data.

    Attributes
    ----------
    student, assignment, notebook_id : str
        Which page (``notebook_id`` is the notebook's file name without ``.ipynb``).
    notebook : str
        The graded notebook as nbformat JSON, its cells' ``metadata.nbgrader``
        holding the ``score``, ``points`` and ``comment`` that nbgrader's
        ``GetGrades`` wrote there.
    nbgrader : dict
        ``resources["nbgrader"]`` as ``GetGrades`` leaves it, less the
        gradebook URL: ``student``, ``assignment``, ``notebook`` (str),
        ``score``, ``max_score``, ``late_penalty`` (float).
    """

    student: str
    assignment: str
    notebook_id: str
    notebook: str
    nbgrader: dict

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.student, self.assignment, self.notebook_id)


@dataclass
class FeedbackPage:
    """What :func:`render_feedback` made of one :class:`FeedbackJob`.

    ``html`` is the page's text, or ``None`` with ``error`` saying why it
    could not be made. ``formulas`` counts the formulas rendered as MathML;
    ``unrendered`` lists the ones temml could not convert (kept as TeX in a
    ``<code class="tex-unrendered">``), each with temml's reason.
    """

    student: str
    assignment: str
    notebook_id: str
    html: str | None
    formulas: int = 0
    unrendered: list[str] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.student, self.assignment, self.notebook_id)


def _exporter_class():
    from jinja2 import pass_context
    from nbconvert.exporters import HTMLExporter

    from autograder.pipeline.mathml import markdown_to_html

    class MathMLHTMLExporter(HTMLExporter):
        """nbconvert's HTML exporter whose ``markdown2html`` filter writes the maths as MathML.

        The filter is nbconvert's own (same renderer options), with the
        formulas counted into :attr:`math_count`, which the caller sets
        before each page.
        """

        math_count = None

        @pass_context
        def markdown2html(self, context, source):
            cell = context.get("cell", {})
            return markdown_to_html(
                source,
                self.math_count,
                attachments=cell.get("attachments", {}),
                embed_images=self.embed_images,
                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links,
                **self.lexer_options,
            )

    return MathMLHTMLExporter


def _stylesheet_preprocessor():
    from nbconvert.preprocessors import Preprocessor

    from autograder.pipeline.mathml import stylesheet

    class MathMLStylesheet(Preprocessor):
        """Adds temml's stylesheet to the CSS nbgrader's template inlines in ``<head>``."""

        def preprocess(self, nb, resources):
            resources.setdefault("inlining", {}).setdefault("css", []).append(stylesheet())
            return nb, resources

    return MathMLStylesheet


_local = threading.local()


def _exporter():
    """This thread's exporter, configured as nbgrader's ``GenerateFeedback`` configures its own."""
    exporter = getattr(_local, "exporter", None)
    if exporter is None:
        from nbgrader.converters import GenerateFeedback
        from nbgrader.preprocessors import GetGrades

        converter = GenerateFeedback()
        config = converter.config.copy()
        # our folder first: its mathjax macro replaces the CDN script nbgrader's template asks for
        config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), *config.HTMLExporter.extra_template_basedirs]
        exporter = _exporter_class()(config=config)
        for pp in converter.preprocessors:
            if pp is not GetGrades:  # the grades are already in the job
                exporter.register_preprocessor(pp, enabled=True)
        exporter.register_preprocessor(_stylesheet_preprocessor(), enabled=True)
        _local.exporter = exporter
    return exporter


def render_feedback(job: FeedbackJob) -> FeedbackPage:
    """The HTML feedback page of one graded notebook, its maths as MathML.

    Pure: reads only ``job`` (no gradebook, no course folder), so it can run
    in another process or on another machine. Never raises for a bad
    notebook: the page then has ``html=None`` and ``error`` set.

    Parameters
    ----------
    job : FeedbackJob

    Returns
    -------
    FeedbackPage
    """
    import nbformat

    from autograder.pipeline.mathml import MathCount

    start = time.perf_counter()
    count = MathCount()
    page = FeedbackPage(job.student, job.assignment, job.notebook_id, None)
    try:
        nb = nbformat.reads(job.notebook, as_version=4)
        resources = {
            "unique_key": job.notebook_id,
            "output_files_dir": f"{job.notebook_id}_files",
            "metadata": {"name": job.notebook_id},
            "nbgrader": dict(job.nbgrader),
        }
        exporter = _exporter()
        exporter.math_count = count
        page.html, _ = exporter.from_notebook_node(nb, resources)
    except CourseError:
        raise  # node or temml missing: the same for every page, so stop the batch with the fix
    except Exception as exc:  # every way a notebook can fail to render; the batch goes on
        page.error = f"{type(exc).__name__}: {exc}"
    page.formulas, page.unrendered = count.rendered, count.unrendered
    page.seconds = time.perf_counter() - start
    return page


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
    """What :func:`generate_feedback` wrote.

    ``written`` are the feedback pages, ``not_graded`` the notices for
    submissions that could not be graded, ``errors`` one line per page that
    could not be made; ``formulas`` counts the formulas rendered as MathML
    and ``unrendered`` lists, as ``student/assignment/notebook: $tex$
    (reason)``, those left as TeX.
    """

    written: list[Path] = field(default_factory=list)
    not_graded: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    formulas: int = 0
    unrendered: list[str] = field(default_factory=list)


Mapper = Callable[[Callable[[FeedbackJob], FeedbackPage], Iterable[FeedbackJob]], Iterable[FeedbackPage]]


def generate_feedback(
    root: Path,
    assignments=None,
    students=None,
    *,
    mapper: Mapper | None = None,
    progress: bool = True,
) -> FeedbackRun:
    """nbgrader's feedback for the graded submissions, its maths rendered as MathML.

    Parameters
    ----------
    root : path
        The course folder.
    assignments : list of str, optional
        Default: every assignment with an autograded submission.
    students : list of str, optional
        Default: every student.
    mapper : callable, optional
        Called as ``mapper(render_feedback, jobs)``, like :func:`map`; must
        yield one :class:`FeedbackPage` per job, in any order (pages carry
        their key). Default: the built-in ``map``, in this process.
    progress : bool
        Show a tqdm progress bar (unit "file") on stderr.

    Returns
    -------
    FeedbackRun

    Raises
    ------
    CourseError
        If the course has no ``autograded/`` folder, or node or temml is missing.
    """
    from nbconvert.writers import FilesWriter
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from tqdm import tqdm

    from autograder.course.config import load_config
    from autograder.course.gradebook import GradingLog
    from autograder.course.paths import CoursePaths
    from autograder.course.records import FAILED

    if not CoursePaths(load_config(root)).autograded_root.is_dir():
        raise CourseError(f"{root} has no autograded/ folder: run `grade` first")
    course = Course(Path(root))
    names = list(assignments) if assignments else course.paths.assignments(graded=True)
    wanted = set(students) if students else None
    run = FeedbackRun()

    converter = GenerateFeedback(coursedir=CourseDirectory(config=course.config), config=course.config)
    converter.force = True
    writer = FilesWriter(parent=converter, config=course.config)
    submissions = []  # (assignment, student, notebooks) in nbgrader's autograded/ tree
    for assignment in names:
        found = False
        for student in course.paths.students(graded=True):
            folder = course.paths.autograded(student, assignment)
            if (wanted is None or student in wanted) and folder.is_dir():
                found = True
                submissions.append((assignment, student, sorted(folder.glob("*.ipynb"))))
        if not found:
            run.errors.append(f"{assignment}: no graded submission to give feedback on")

    resources_of: dict[tuple[str, str, str], dict] = {}

    def jobs() -> Iterator[FeedbackJob]:
        import nbformat
        from nbgrader.preprocessors import GetGrades

        for assignment, student, notebooks in submissions:
            if not converter.init_destination(assignment, student):
                continue
            converter.init_assignment(assignment, student)
            for path in notebooks:
                resources = converter.init_single_notebook_resources(str(path))
                try:
                    nb, resources = GetGrades(parent=converter).preprocess(
                        nbformat.read(str(path), as_version=4), resources
                    )
                except Exception as exc:  # a notebook the gradebook does not know, or unreadable
                    run.errors.append(f"{student}/{assignment}/{path.name}: {type(exc).__name__}: {exc}")
                    bar.update(1)
                    continue
                grades = {k: v for k, v in resources["nbgrader"].items() if k != "db_url"}
                job = FeedbackJob(student, assignment, resources["unique_key"], nbformat.writes(nb), grades)
                resources_of[job.key] = resources
                yield job

    total = sum(len(notebooks) for _, _, notebooks in submissions)
    bar = tqdm(total=total, unit="file", desc="feedback", disable=not progress, dynamic_ncols=True)
    done = set()
    with bar:
        for page in (mapper or map)(render_feedback, jobs()):
            bar.update(1)
            name = "/".join(page.key)
            run.formulas += page.formulas
            run.unrendered.extend(f"{name}: {formula}" for formula in page.unrendered)
            if page.html is None:
                run.errors.append(f"{name}: {page.error}")
                continue
            resources = resources_of.pop(page.key)
            resources["output_extension"] = ".html"
            writer.build_directory = str(course.paths.feedback(page.student, page.assignment))
            run.written.append(Path(writer.write(page.html, resources, notebook_name=resources["unique_key"])))
            done.add((page.assignment, page.student))
    for assignment, student in sorted(done):
        converter.set_permissions(assignment, student)

    for entry in GradingLog(course.root).load().values():
        if entry.status != FAILED or entry.assignment not in names or (wanted and entry.student not in wanted):
            continue
        folder = course.paths.feedback(entry.student, entry.assignment)
        folder.mkdir(parents=True, exist_ok=True)
        notebooks = course.paths.source_notebooks(entry.assignment)
        stem = notebooks[0].stem if notebooks else entry.assignment
        page = folder / f"{stem}.html"
        page.write_text(failure_page(entry.assignment, entry.student, entry.reason), encoding="utf-8")
        run.written = [p for p in run.written if p.resolve() != page.resolve()]
        run.not_graded.append(page)
    run.written.sort()
    return run
