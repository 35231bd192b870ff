"""TeX to MathML, for feedback pages that need no script to show their maths.

The converter is `temml <https://temml.org>`_ (pinned in
``autograder/pipeline/temml/package.json``, installed there by ``make venv``
with ``npm ci``), run by node: ``temml/tex_to_mathml.mjs`` answers one JSON
line per formula. One node process serves every formula a Python process
converts, and each distinct formula is converted once per process (the same
formulas recur in every student's copy of a notebook), so a feedback page
costs a dictionary look-up per formula after the first copy.

:func:`markdown_to_html` is nbconvert's own Markdown renderer (mistune with
its maths rules, which leave code spans and code blocks alone) with the
maths rendered as ``<math>`` elements. A formula temml cannot parse keeps its
TeX, visible, in ``<code class="tex-unrendered">``, and is counted.
"""

from __future__ import annotations

import atexit
import base64
import functools
import html as html_lib
import json
import os
import select
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course.paths import CourseError

TEMML_DIR = Path(__file__).with_name("temml")
SCRIPT = TEMML_DIR / "tex_to_mathml.mjs"
TEMML_PACKAGE = TEMML_DIR / "node_modules" / "temml"
UNRENDERED_CLASS = "tex-unrendered"
# a formula temml takes longer than this to answer is given up (kept as TeX)
REPLY_TIMEOUT = 30.0


class TexError(ValueError):
    """temml could not turn one formula into MathML; the message is temml's."""


def _install_hint() -> str:
    return f"run `make venv`, or `npm ci --prefix {TEMML_DIR}`"


class TemmlProcess:
    """One node process running ``tex_to_mathml.mjs``; safe to share between threads.

    Started on first use, again after it died, and anew in a forked child
    (which must not talk on its parent's pipes); :meth:`close` ends it.
    """

    def __init__(self, node: str | None = None):
        self._node = node
        self._proc: subprocess.Popen | None = None
        self._pid = os.getpid()
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen:
        node = self._node or shutil.which("node")
        if node is None:
            raise CourseError(f"node is not installed, and feedback needs it to render maths: {_install_hint()}")
        if not (TEMML_PACKAGE / "package.json").is_file():
            raise CourseError(f"temml is not installed in {TEMML_DIR / 'node_modules'}: {_install_hint()}")
        try:
            return subprocess.Popen(
                [node, str(SCRIPT)],
                cwd=TEMML_DIR,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                bufsize=1,
            )
        except OSError as exc:
            raise CourseError(f"cannot run node at {node} to render maths ({exc}): {_install_hint()}") from None

    def convert(self, tex: str, display: bool) -> str:
        """The MathML of one formula: a ``<math>`` element as text.

        Raises
        ------
        TexError
            If temml cannot parse ``tex`` or does not answer within
            :data:`REPLY_TIMEOUT` seconds (the process is then replaced).
        CourseError
            If node or temml is not installed.
        """
        with self._lock:
            if self._pid != os.getpid():
                self._proc, self._pid = None, os.getpid()
            if self._proc is not None and self._proc.poll() is not None:
                self._stop()
            if self._proc is None:
                self._proc = self._start()
            proc = self._proc
            try:
                proc.stdin.write(json.dumps({"tex": tex, "display": bool(display)}) + "\n")
                proc.stdin.flush()
                ready, _, _ = select.select([proc.stdout], [], [], REPLY_TIMEOUT)
                line = proc.stdout.readline() if ready else ""
            except (BrokenPipeError, OSError):
                line = ""
            if not line:
                self._stop()
                raise TexError("the converter stopped or did not answer")
        reply = json.loads(line)
        if "mathml" not in reply:
            # temml's message ends with the formula, its failing part underlined: keep the first line
            raise TexError(str(reply.get("error", "no answer")).strip().splitlines()[0].rstrip(":"))
        return reply["mathml"]

    def _stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            for pipe in (self._proc.stdin, self._proc.stdout):
                try:
                    pipe.close()
                except OSError:  # the unflushed end of a pipe to a dead process
                    pass
            self._proc = None

    def close(self) -> None:
        """End the node process (a later :meth:`convert` starts a new one)."""
        with self._lock:
            if self._proc is not None and self._pid == os.getpid():
                try:
                    self._proc.stdin.close()
                    self._proc.wait(timeout=5)
                except (OSError, subprocess.TimeoutExpired):
                    pass
                self._stop()


_PROCESS = TemmlProcess()
atexit.register(_PROCESS.close)


@functools.lru_cache(maxsize=8192)
def _cached(tex: str, display: bool) -> tuple[bool, str]:
    try:
        return True, _PROCESS.convert(tex, display)
    except TexError as exc:
        return False, str(exc)


def tex_to_mathml(tex: str, display: bool = False) -> str:
    """The MathML of the TeX formula ``tex`` (without its ``$`` delimiters).

    Parameters
    ----------
    tex : str
        The formula, e.g. ``"\\\\frac{1}{m}"``.
    display : bool
        Display style (``$$...$$``) rather than inline.

    Returns
    -------
    str
        One ``<math>`` element.

    Raises
    ------
    TexError
        If temml cannot convert it.
    """
    ok, text = _cached(tex, bool(display))
    if not ok:
        raise TexError(text)
    return text


@functools.cache
def stylesheet() -> str:
    """temml's CSS for MathML in the reader's own fonts, with temml's small font inlined.

    Returns the text of ``Temml-Local.css`` whose ``url('Temml.woff2')`` is a
    ``data:`` URL, so the page still loads nothing else.
    """
    dist = TEMML_PACKAGE / "dist"
    if not (dist / "Temml-Local.css").is_file():
        raise CourseError(f"temml is not installed in {TEMML_DIR / 'node_modules'}: {_install_hint()}")
    font = base64.b64encode((dist / "Temml.woff2").read_bytes()).decode("ascii")
    css = (dist / "Temml-Local.css").read_text(encoding="utf-8")
    version = json.loads((TEMML_PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    css = css.replace("url('Temml.woff2')", f"url(data:font/woff2;base64,{font})")
    return f"/* temml {version} (MIT licence): Temml-Local.css */\n{css}\n{_MATH_FONTS}"


# Fonts with an OpenType MATH table, which stretch brackets and radicals: Windows',
# macOS's, then the usual Linux ones (temml's own list names only the first two).
_MATH_FONTS = """math {
  font-family: "Cambria Math", "STIX Two Math", "STIXTwoMath-Regular", "Latin Modern Math",
    "DejaVu Math TeX Gyre", "NotoSansMath-Regular", "Noto Sans Math", math;
}"""


@dataclass
class MathCount:
    """The formulas one page's Markdown held: how many became MathML, and those that did not."""

    rendered: int = 0
    unrendered: list[str] = field(default_factory=list)


def _formula_html(tex: str, display: bool, count: MathCount, shown: str) -> str:
    try:
        mathml = tex_to_mathml(tex, display)
    except TexError as exc:
        count.unrendered.append(f"{shown} ({exc})")
        return (
            f'<code class="{UNRENDERED_CLASS}" title="{html_lib.escape(str(exc))}">'
            f"{html_lib.escape(shown, quote=False)}</code>"
        )
    count.rendered += 1
    return mathml


@functools.cache
def _renderer_class():
    from nbconvert.filters.markdown_mistune import IPythonRenderer

    class MathMLRenderer(IPythonRenderer):
        """nbconvert's renderer, with every formula as MathML instead of TeX left for MathJax."""

        def __init__(self, count: MathCount, **kwargs):
            super().__init__(**kwargs)
            self.math_count = count

        def block_math(self, body: str) -> str:
            return _formula_html(body, True, self.math_count, f"$${body}$$")

        def inline_math(self, body: str) -> str:
            return _formula_html(body, False, self.math_count, f"${body}$")

        def latex_environment(self, name: str, body: str) -> str:
            tex = f"\\begin{{{name}}}{body}\\end{{{name}}}"
            return _formula_html(tex, True, self.math_count, tex)

    return MathMLRenderer


def markdown_to_html(source: str, count: MathCount, **renderer_options) -> str:
    """``source`` (Markdown) as HTML, its maths as MathML; ``count`` is updated.

    ``renderer_options`` go to nbconvert's ``IPythonRenderer`` (attachments,
    anchor links, ...), as nbconvert's HTML exporter passes them.
    """
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    renderer = _renderer_class()(count, escape=False, **renderer_options)
    return MarkdownWithMath(renderer=renderer).render(source)
