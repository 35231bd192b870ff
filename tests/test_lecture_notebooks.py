"""The ungraded lecture notebooks in notebooks/.

Each one must run top to bottom in a plain kernel without errors and
without writing to stderr (warnings included), be stored without outputs,
draw its figures no wider than the notebook column, quote only numbers it
computes (see notebook_claims.py), stay independent of the instructor
package, and end with self-check questions whose answers are folded away.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402
from nbclient.exceptions import CellExecutionError  # noqa: E402
from notebook_claims import claim_errors, figure_width_errors, live_notebook, quoted_claims  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
LECTURES = [f"{k:02d}" for k in range(1, 8)]


def _ids(path: Path) -> str:
    return path.stem


def _code_cells(nb):
    return [(i, cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def test_there_is_one_notebook_per_lecture():
    prefixes = sorted(path.name[:2] for path in NOTEBOOKS)
    assert prefixes == LECTURES, (
        f"notebooks/ should hold exactly one notebook per lecture, numbered {LECTURES[0]}..{LECTURES[-1]}; "
        f"found {[p.name for p in NOTEBOOKS]}"
    )


def test_readme_has_one_line_per_notebook():
    readme = (NOTEBOOK_DIR / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        lines = [line for line in readme.splitlines() if path.name in line]
        assert len(lines) == 1, (
            f"notebooks/README.md should describe {path.name} on exactly one line, found {len(lines)}"
        )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebook_runs_top_to_bottom_without_stderr(path, monkeypatch):
    # conftest selects the Agg backend for the test process; the kernel should
    # draw inline, exactly as it does for a learner.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    name = path.relative_to(ROOT).as_posix()
    nb = nbformat.read(str(path), as_version=4)
    start = time.perf_counter()
    try:
        with live_notebook(nb, cwd=NOTEBOOK_DIR) as evaluate:
            elapsed = time.perf_counter() - start
            wrong_numbers = claim_errors(nb, evaluate, name=name)
    except CellExecutionError as error:
        pytest.fail(f"{path.name} stopped with an error:\n{error}")

    stderr = [
        f"cell {i}: {output.text.strip()[:300]}"
        for i, cell in _code_cells(nb)
        for output in cell.outputs
        if output.output_type == "stream" and output.name == "stderr"
    ]
    assert not stderr, f"{path.name} wrote to stderr (warnings count):\n" + "\n".join(stderr)

    figures = sum("image/png" in output.get("data", {}) for _, cell in _code_cells(nb) for output in cell.outputs)
    assert figures >= 2, f"{path.name} drew {figures} figures; a lecture notebook should show at least 2"
    assert not wrong_numbers, "the prose quotes numbers the notebook does not compute:\n" + "\n".join(wrong_numbers)
    too_wide = figure_width_errors(nb, name=name)
    assert not too_wide, "\n".join(too_wide)
    print(f"{path.name} ran top to bottom in {elapsed:.1f} s")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_quoted_numbers_are_well_formed(path):
    """Cheap checks that need no kernel: each claim has its keys, and its text is in its cell."""
    nb = nbformat.read(str(path), as_version=4)
    for index, claim in quoted_claims(nb):
        assert {"text", "expr", "fmt"} <= set(claim), f"{path.name} cell [{index}]: claim {claim} lacks a key"
        assert claim["text"] in nb.cells[index].source, (
            f"{path.name} cell [{index}]: quoted text {claim['text']!r} is not in the cell"
        )


def _claimed(source, *claims):
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata["nndl"] = {"quoted": list(claims)}
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("acc = 0.675"), cell])


def test_claim_errors_names_the_cell_and_both_numbers():
    nb = _claimed("a straight line gets 66.8% right", {"text": "66.8%", "expr": "100 * acc", "fmt": "{:.1f}%"})
    values = {"100 * acc": 67.5}
    errors = claim_errors(nb, values.__getitem__, name="notebooks/05_shallow_networks.ipynb")
    assert errors == [
        "notebooks/05_shallow_networks.ipynb cell [1] says 66.8% but the notebook computes 67.5% (100 * acc)"
    ]
    values["100 * acc"] = 66.84
    assert claim_errors(nb, values.__getitem__) == []


def test_claim_errors_uses_the_tolerance_and_reports_missing_text_and_failures():
    about = {"text": "about 83 %", "expr": "100 * acc", "fmt": "about {:.0f} %", "tol": 1.5}
    assert claim_errors(_claimed("gets about 83 % of 1,000", about), lambda expr: 84.2) == []
    assert "tolerance 1.5" in claim_errors(_claimed("gets about 83 % of 1,000", about), lambda expr: 85.0)[0]
    assert "does not occur" in claim_errors(_claimed("gets 83 %", about), lambda expr: 83.0)[0]

    def broken(expr):
        raise NameError("name 'acc' is not defined")

    assert "NameError" in claim_errors(_claimed("gets about 83 % of 1,000", about), broken)[0]


def test_figure_width_errors_reads_the_png_and_its_metadata():
    import base64
    import io

    def png_output(width_in, dpi, metadata=None):
        fig = plt.figure(figsize=(width_in, 1), dpi=dpi)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
        plt.close(fig)
        data = base64.b64encode(buffer.getvalue()).decode()
        return nbformat.v4.new_output("display_data", data={"image/png": data}, metadata=metadata or {})

    cell = nbformat.v4.new_code_cell("plt.show()")
    cell.outputs = [png_output(6, 100), png_output(12, 100), png_output(12, 200, {"image/png": {"width": 600}})]
    nb = nbformat.v4.new_notebook(cells=[cell])
    errors = figure_width_errors(nb, max_px=1000, name="demo.ipynb")
    assert errors and len(errors) == 1, errors
    assert errors[0].startswith("demo.ipynb cell [0] draws a figure 1200 px wide (1200 px at 100 dpi, 12.0 in)")


def _stored_versions(path: Path) -> dict[str, str]:
    """The notebook's text on disk, and in git's index and last commit when git tracks it."""
    versions = {"working tree": path.read_text(encoding="utf-8")}
    relative = path.relative_to(ROOT).as_posix()
    for label, spec in [("git index", f":{relative}"), ("git HEAD", f"HEAD:{relative}")]:
        try:
            shown = subprocess.run(["git", "-C", str(ROOT), "show", spec], capture_output=True, text=True, check=False)
        except FileNotFoundError:  # no git on this machine: the working tree is all there is
            break
        if shown.returncode == 0:
            versions[label] = shown.stdout
    return versions


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebook_is_stored_without_outputs(path):
    for where, text in _stored_versions(path).items():
        cells = json.loads(text)["cells"]
        dirty = [
            i
            for i, cell in enumerate(cells)
            if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
        ]
        assert not dirty, (
            f"{path.name} ({where}) has outputs or execution counts in code cells {dirty}: "
            f"clear all outputs before saving"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebook_is_independent_of_the_instructor_package(path):
    nb = nbformat.read(str(path), as_version=4)
    for i, cell in _code_cells(nb):
        assert not re.search(r"\bautograder\b", cell.source), (
            f"{path.name} cell {i} uses the instructor package `autograder`; lecture notebooks are for learners"
        )
        assert "np.random.seed" not in cell.source, (
            f"{path.name} cell {i} seeds NumPy's global generator; use rng = np.random.default_rng(seed)"
        )


_DETAILS = re.compile(r"<details>\s*<summary>[^<]+</summary>(.*?)</details>", re.S)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebook_ends_with_self_check_and_hidden_answers(path):
    cells = nbformat.read(str(path), as_version=4).cells
    headings = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and re.match(r"#+\s*Self-check", c.source)]
    assert headings, f"{path.name} has no '## Self-check' markdown cell"
    start = headings[-1]
    questions = re.findall(r"^\d+\.\s+\S", cells[start].source, re.M)
    assert 2 <= len(questions) <= 3, f"{path.name}: the self-check should ask 2 or 3 questions, found {len(questions)}"

    answers = cells[start + 1 :]
    assert answers, f"{path.name}: the self-check questions are not followed by an answer cell"
    for cell in answers:
        assert cell.cell_type == "markdown", f"{path.name}: only answer cells may follow the self-check questions"
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, (
            f"{path.name}: the answer cell must be collapsed (metadata jupyter.source_hidden = true)"
        )
    blocks = [block for cell in answers for block in _DETAILS.findall(cell.source)]
    assert len(blocks) == len(questions), (
        f"{path.name}: {len(questions)} questions but {len(blocks)} <details><summary>…</summary>…</details> answers"
    )
    empty = [k + 1 for k, block in enumerate(blocks) if len(block.strip()) < 20]
    assert not empty, f"{path.name}: answers {empty} are empty or too short to explain anything"
