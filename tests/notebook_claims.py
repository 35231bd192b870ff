"""Check what a notebook's prose claims against what the executed notebook shows.

Two kinds of claim are checked.

**Quoted numbers.** A markdown cell that quotes a number the notebook computes
("the tanh network gets 90.8 % right") says so in its cell metadata::

    "nndl": {"quoted": [{"text": "90.8 %", "expr": "100 * accuracy", "fmt": "{:.1f} %", "tol": 0.5}]}

``text`` is the literal as it appears in the cell's source; ``expr`` is a
Python expression evaluated in the notebook's own kernel after the whole
notebook has run; ``fmt`` formats its value the way the prose writes it; and
the optional ``tol`` is an absolute tolerance on the number. Without ``tol``
the formatted value must equal ``text``; with it, the number in ``text`` and
the value of ``expr`` may differ by at most ``tol`` (for prose that rounds,
"about 83 %").

**Figure widths.** Every image/png output must fit the notebook's content
column; a wider figure is shrunk to fit, and its labels with it.

Typical use, in a test that runs a notebook once::

    nb = nbformat.read(path, as_version=4)
    with live_notebook(nb, cwd=path.parent) as evaluate:
        errors = claim_errors(nb, evaluate, name="notebooks/05_shallow_networks.ipynb")
    errors += figure_width_errors(nb, name=...)
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from PIL import Image

__all__ = [
    "MAX_FIGURE_PX",
    "quoted_claims",
    "claim_errors",
    "figure_width_errors",
    "png_display_width",
    "kernel_evaluator",
    "live_notebook",
]

# JupyterLab (4.x, 100 % zoom) gives a notebook's outputs the window's width
# less the side bar, the prompt gutter and padding: about 900 CSS px on a
# 1280 px laptop screen with the file browser open. A figure up to 1000 px
# still reads there; anything wider is scaled down (`max-width: 100%`) and
# its 10-point labels shrink below 9 points.
MAX_FIGURE_PX = 1000

_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?")


def quoted_claims(nb) -> list[tuple[int, dict]]:
    """Every quoted-number claim of a notebook, with the index of its cell.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    list of (int, dict)
        ``(cell_index, claim)`` for each entry of ``metadata["nndl"]["quoted"]``
        of each markdown cell, in order.
    """
    claims = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for claim in cell.metadata.get("nndl", {}).get("quoted", []):
            claims.append((index, dict(claim)))
    return claims


def _number(text: str) -> float | None:
    found = _NUMBER.search(text)
    if found is None:
        return None
    return float(found.group().replace(",", "").replace("−", "-"))


def claim_errors(nb, evaluate: Callable[[str], float], name: str = "the notebook") -> list[str]:
    """Messages for every quoted number that the executed notebook contradicts.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook whose cells carry the claims (executed or not: only the
        markdown sources and metadata are read).
    evaluate : callable
        ``evaluate(expr) -> float`` evaluates an expression in the live kernel
        of the executed notebook (see :func:`kernel_evaluator`); it may raise.
    name : str
        How messages name the notebook, e.g. its path from the repository root.

    Returns
    -------
    list of str
        Empty when every claim holds. Each message names the cell, the quoted
        text and what the notebook computes, e.g. "notebooks/05_shallow_networks.ipynb
        cell [10] says 66.8% but the notebook computes 67.5% (100 * acc_logreg)".
    """
    errors = []
    for index, claim in quoted_claims(nb):
        where = f"{name} cell [{index}]"
        missing = [key for key in ("text", "expr", "fmt") if key not in claim]
        if missing:
            errors.append(f"{where}: quoted claim {claim} lacks {', '.join(missing)}")
            continue
        text, expr, fmt = claim["text"], claim["expr"], claim["fmt"]
        if text not in nb.cells[index].source:
            errors.append(f"{where}: quoted text {text!r} does not occur in the cell")
            continue
        try:
            value = float(evaluate(expr))
            shown = fmt.format(value)
        except Exception as error:  # any failure is reported against the claim it belongs to
            # nbclient's CellExecutionError carries the kernel's own exception name and message.
            detail = f"{getattr(error, 'ename', type(error).__name__)}: {getattr(error, 'evalue', error)}"
            errors.append(f"{where}: cannot evaluate {expr!r} for {text!r}: {detail}")
            continue
        if "tol" in claim:
            quoted = _number(text)
            if quoted is None:
                errors.append(f"{where}: {text!r} holds no number to compare within tol")
            elif not abs(value - quoted) <= float(claim["tol"]):
                errors.append(
                    f"{where} says {text} but the notebook computes {shown} ({expr}; tolerance {claim['tol']})"
                )
        elif shown != text:
            errors.append(f"{where} says {text} but the notebook computes {shown} ({expr})")
    return errors


def png_display_width(output) -> tuple[float, int, float | None]:
    """Width at which a notebook shows an image/png output.

    A browser shows a PNG at its pixel width, whatever dots-per-inch the file
    records, unless the output's metadata sets a width. IPython sets one for
    high-dpi ("retina") figures: matplotlib saves them at twice the dpi, and
    the metadata halves the width back.

    Returns
    -------
    (css_px, png_px, dpi)
        The displayed width in CSS pixels, the PNG's width in pixels, and the
        horizontal dpi recorded in the PNG (None if it records none).
    """
    image = Image.open(io.BytesIO(base64.b64decode(output["data"]["image/png"])))
    png_px = image.size[0]
    dpi = image.info.get("dpi", (None,))[0]
    metadata = output.get("metadata", {})
    width = metadata.get("image/png", {}).get("width", metadata.get("width"))
    return (float(width) if width else float(png_px)), png_px, (float(dpi) if dpi else None)


def figure_width_errors(nb, max_px: float = MAX_FIGURE_PX, name: str = "the notebook") -> list[str]:
    """Messages for every PNG output wider than the notebook's content column.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.
    max_px : float, default MAX_FIGURE_PX
        The widest figure, in CSS pixels, that fits the column.
    name : str
        How messages name the notebook.

    Returns
    -------
    list of str
        One message per figure that is too wide, naming the cell and its width.
    """
    errors = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if "image/png" not in output.get("data", {}):
                continue
            css_px, png_px, dpi = png_display_width(output)
            if css_px > max_px:
                saved = f"{png_px} px at {dpi:.0f} dpi, {png_px / dpi:.1f} in" if dpi else f"{png_px} px"
                errors.append(
                    f"{name} cell [{index}] draws a figure {css_px:.0f} px wide ({saved}), wider than the "
                    f"{max_px:.0f} px content column: reduce figsize, use fewer columns or wrap into rows"
                )
    return errors


def kernel_evaluator(client: NotebookClient) -> Callable[[str], float]:
    """``evaluate(expr) -> float`` for the live kernel of ``client``.

    Each call runs one extra code cell, ``print(json.dumps(float(expr)))``,
    without storing it in the notebook or the kernel's history.
    """

    def evaluate(expr: str) -> float:
        probe = nbformat.v4.new_code_cell(f"import json as _nndl_json\nprint(_nndl_json.dumps(float({expr})))")
        cells = client.nb.cells
        cells.append(probe)
        try:
            client.execute_cell(probe, len(cells) - 1, store_history=False)
        finally:
            cells.pop()
        text = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
        return float(json.loads(text.strip().splitlines()[-1]))

    return evaluate


@contextmanager
def live_notebook(nb, cwd: str | Path, timeout: int = 120, kernel_name: str = "python3") -> Iterator[Callable]:
    """Execute ``nb`` in place, cell by cell, and keep its kernel alive inside the ``with`` block.

    Raises nbclient's ``CellExecutionError`` when a cell fails, as
    ``NotebookClient.execute`` does. Yields the :func:`kernel_evaluator` of
    the kernel; leaving the block shuts the kernel down.
    """
    client = NotebookClient(nb, kernel_name=kernel_name, timeout=timeout, resources={"metadata": {"path": str(cwd)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        yield kernel_evaluator(client)
