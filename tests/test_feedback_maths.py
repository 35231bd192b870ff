"""Feedback pages carry their maths as MathML: small, script-free, and laid out by the browser offline.

The pages are rendered straight from the source notebooks (the full
solutions, as a graded submission looks before it runs) by the pure
:func:`render_feedback`, so every formula the course uses goes through temml
without grading anything.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nbformat
import pytest
from chromium import CHROMIUM, CHROMIUM_ARGS
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.course import ASSIGNMENTS, SOURCE_DIR, CourseError, notebook_path
from autograder.pipeline.feedback import FeedbackJob, render_feedback
from autograder.pipeline.mathml import UNRENDERED_CLASS, TemmlProcess, TexError, stylesheet

# $$...$$ first, then $...$ that is not an escaped \$ (the course writes its maths with dollars only)
FORMULA = re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<![\\$])\$[^$]+?(?<!\\)\$", re.S)
INLINE_CODE = re.compile(r"`[^`]*`")
TEX_LEFT = re.compile(r"\$|\\[A-Za-z]+|[_^]\{")


def graded_job(nb: nbformat.NotebookNode, assignment: str = "tiny", comment: str | None = None) -> FeedbackJob:
    """The job the coordinator would make of ``nb``: every graded cell full marks, as GetGrades writes them."""
    nb = nbformat.from_dict(nb)
    total = 0.0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            meta["score"] = meta["points"] = float(meta.get("points", 0))
            total += meta["points"]
        if meta.get("solution") or meta.get("task"):
            meta["comment"] = comment
    grades = {
        "student": "ann",
        "assignment": assignment,
        "notebook": "nb",
        "score": total,
        "max_score": total,
        "late_penalty": 0.0,
    }
    return FeedbackJob("ann", assignment, "nb", nbformat.writes(nb), grades)


class _Text(HTMLParser):
    """The page's text as a reader sees it, less code, maths, styles and scripts."""

    SKIP = {"code", "pre", "math", "style", "script", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in self.SKIP

    def handle_endtag(self, tag):
        self.depth -= tag in self.SKIP

    def handle_data(self, data):
        if self.depth == 0:
            self.parts.append(data)


def prose(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def markdown_formulas(nb: nbformat.NotebookNode) -> list[str]:
    """The formulas of ``nb``'s Markdown cells, counted without the renderer (code spans left out)."""
    return [f for c in nb.cells if c.cell_type == "markdown" for f in FORMULA.findall(INLINE_CODE.sub("", c.source))]


@pytest.fixture(scope="module")
def pages():
    out = {}
    for assignment in ASSIGNMENTS:
        nb = nbformat.read(str(notebook_path(assignment, SOURCE_DIR)), as_version=4)
        out[assignment] = (nb, render_feedback(graded_job(nb, assignment)))
    return out


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_formula_of_the_notebook_is_mathml_and_no_tex_is_left(pages, assignment):
    nb, page = pages[assignment]
    assert page.error == "" and page.html, page.error
    assert page.unrendered == [], f"temml could not render: {page.unrendered}"
    expected = markdown_formulas(nb)
    assert len(expected) > 20, f"{assignment} should have plenty of maths, found {len(expected)}"
    assert page.formulas == len(expected) == page.html.count("<math"), (page.formulas, len(expected))
    assert "<script" not in page.html.lower(), "a feedback page needs no script"
    left = TEX_LEFT.findall(prose(page.html))
    assert not left, f"TeX left in the text of {assignment}'s page: {left[:10]}"


def test_the_biggest_page_is_the_size_of_its_content(pages):
    """Against nbgrader's own page (TeX left as text, MathJax from a CDN): only the MathML and temml's CSS are added."""
    from nbconvert.exporters import HTMLExporter
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.converters import GenerateFeedback

    assignment = max(ASSIGNMENTS, key=lambda a: notebook_path(a, SOURCE_DIR).stat().st_size)
    nb, page = pages[assignment]
    job = graded_job(nb, assignment)
    stock = HTMLExporter(config=GenerateFeedback().config)
    stock.register_preprocessor(CSSHTMLHeaderPreprocessor, enabled=True)
    nbgrader_page, _ = stock.from_notebook_node(nbformat.reads(job.notebook, as_version=4), {"nbgrader": job.nbgrader})

    size = len(page.html.encode())
    mathml = sum(len(m.encode()) for m in re.findall(r"<math.*?</math>", page.html, re.S))
    added = len(stylesheet().encode()) + mathml
    assert size <= len(nbgrader_page.encode()) + added, (size, len(nbgrader_page.encode()), added)
    assert size < 450_000, f"{assignment}'s page is {size} bytes"
    assert mathml < 60_000, f"{assignment}'s MathML is {mathml} bytes"


def test_only_markdown_maths_is_converted_and_a_bad_formula_stays_visible():
    nb = new_notebook(
        cells=[
            new_markdown_cell(
                "It costs \\$5. The code `total = $x$` is code. Good: $\\frac{1}{m}\\sum_i x_i$.\n\n"
                "Bad: $\\notacommand{x}$, then $$\\sigma(z) = \\frac{1}{1 + e^{-z}}$$"
            ),
            new_code_cell(
                'price = "$5"  # $\\frac{a}{b}$ stays code',
                outputs=[new_output("stream", name="stdout", text="$10 and $20\n")],
                execution_count=1,
            ),
        ]
    )
    nb.cells[1].metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "x", "schema_version": 3}
    page = render_feedback(graded_job(nb, comment="Right: $\\partial J / \\partial w$."))

    assert page.error == "", page.error
    html = page.html
    assert page.formulas == 3 == html.count("<math"), "two formulas in the cell and one in the grader's comment"
    assert len(page.unrendered) == 1 and "\\notacommand" in page.unrendered[0], page.unrendered
    assert f'<code class="{UNRENDERED_CLASS}"' in html and "$\\notacommand{x}$</code>" in html
    assert "<code>total = $x$</code>" in html, "a code span is not maths"
    assert "$10 and $20" in html, "an output's dollars are not maths"
    assert "$5" in re.sub(r"<[^>]+>", "", html.split('class="input_area"')[1]), "a code cell's dollars are not maths"
    assert "costs $5" in prose(html), "an escaped dollar is a dollar"
    assert "\\frac" not in prose(html) and "\\partial" not in prose(html)


def test_a_notebook_that_cannot_be_rendered_is_reported_not_raised():
    job = FeedbackJob("ann", "tiny", "nb", "this is not JSON", {"score": 0.0, "max_score": 1.0, "late_penalty": 0.0})
    page = render_feedback(job)
    assert page.html is None and page.key == ("ann", "tiny", "nb")
    assert "JSON" in page.error or "NotJSON" in page.error, page.error


def test_the_converter_survives_its_process_dying_and_names_a_missing_node(tmp_path):
    converter = TemmlProcess()
    try:
        assert converter.convert("x^2", False).startswith("<math")
        converter._proc.kill()
        converter._proc.wait()
        assert "<mfrac>" in converter.convert("\\frac{1}{2}", True), "a dead converter is started again"
        with pytest.raises(TexError, match="notacommand"):
            converter.convert("\\notacommand", False)
    finally:
        converter.close()
    with pytest.raises(CourseError, match="node"):
        TemmlProcess(node=str(tmp_path / "no-node")).convert("x", False)


@pytest.mark.browser
def test_chromium_lays_the_maths_out_offline(pages, tmp_path):

    from playwright.sync_api import sync_playwright

    nb, page = pages["02_logistic_regression"]
    path = tmp_path / "logistic_regression.html"
    path.write_text(page.html, encoding="utf-8")
    outside = []

    def only_files(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
            context.route("**/*", only_files)
            tab = context.new_page()
            tab.goto(path.as_uri())
            fraction = tab.locator("math[display=block] mfrac").first
            fraction.scroll_into_view_if_needed()
            layout = fraction.evaluate(
                """f => {
                    const math = f.closest('math'), box = math.getBoundingClientRect();
                    const [num, den] = [f.children[0].getBoundingClientRect(), f.children[1].getBoundingClientRect()];
                    return {display: getComputedStyle(math).display, width: box.width, height: box.height,
                            numBottom: num.bottom, denTop: den.top};
                }"""
            )
            text = tab.evaluate("document.body.innerText")
            count = tab.locator("math").count()
            tab.screenshot(path=str(tmp_path / "feedback_maths.png"))
        finally:
            browser.close()

    assert outside == [], f"the page asked for {outside}"
    assert count == page.formulas, (count, page.formulas)
    assert layout["display"] in ("block math", "math"), f"not laid out as MathML: display is {layout['display']}"
    assert layout["width"] > 20 and layout["height"] > 20, layout
    assert layout["numBottom"] <= layout["denTop"] + 1, (
        f"the fraction's numerator is not above its denominator: {layout}"
    )
    for tex in ("\\frac", "\\sum", "\\hat", "$$", "^{"):
        assert tex not in text, f"the page shows TeX source {tex!r}"
    assert "logistic" in text.lower()
