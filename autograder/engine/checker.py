"""The verdict of a test cell, computed outside the learner's kernel.

A graded test cell has a visible part (checks the learner reads) and a
hidden part (calls to :mod:`autograder.assignments.<name>.checks`, fresh
draws compared with the reference). Both run *here*, in the grading process,
in a namespace built from the source notebook's own import lines. Every name
the cell uses that the notebook defines is looked up in the sandboxed kernel:
a function becomes a :class:`RemoteFunction` that forwards each call through
:mod:`nndl.wire` (arguments in, return value out, plain data only), a value
is copied out as plain data. The learner's code can therefore neither see
the reference or the checks nor change how they compare: it only ever
returns data.

A cell passes when both parts run without an assertion or error; otherwise
its :class:`Verdict` carries the message that names the cause, and the
failing call's inputs. Nothing of the checks' code, tracebacks or file paths
reaches the message.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import inspect
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.assignments.cells import split_hidden, to_python
from nndl import wire

_MAX_MESSAGE = 1500


class KernelTrouble(Exception):
    """The kernel died, or did not answer in time, while the checker was calling into it.

    ``usable`` says whether the kernel answers again (an interrupted call) or must be replaced.
    """

    def __init__(self, message: str, usable: bool = False):
        super().__init__(message)
        self.usable = usable


class StudentFunctionError(AssertionError):
    """The learner's function raised when the checker called it."""


@dataclass(frozen=True)
class Verdict:
    """The checker's result for one test cell: passed, or the message naming the cause."""

    passed: bool
    message: str = ""


def import_lines(sources) -> str:
    """The import statements of trusted cells (the source notebook's), as one block of code."""
    lines = []
    for source in sources:
        try:
            tree = ast.parse(to_python(source))
        except SyntaxError:
            continue
        lines.extend(ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom)))
    return "\n".join(dict.fromkeys(lines))


def free_names(code: str) -> list[str]:
    """Names ``code`` reads but never assigns, in order of first use."""
    tree = ast.parse(code)
    stored, loaded = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                loaded.append(node.id)
            else:
                stored.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            stored.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stored.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.arg):
            stored.add(node.arg)
    return [n for n in dict.fromkeys(loaded) if n not in stored and not hasattr(builtins, n)]


def describe_value(value, limit: int = 12) -> str:
    """A short, readable description of an argument or a result."""
    if isinstance(value, np.ndarray):
        text = f"array of shape {value.shape}"
        if value.size <= limit:
            text += f" {np.array2string(value, precision=4, separator=', ')}"
        return text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {describe_value(v)}" for k, v in list(value.items())[:8]) + "}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(describe_value(v) for v in value[:6])
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, wire.ConstantFunction):
        return "a function"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class RemoteKernel:
    """The checker's end of the channel into one sandboxed kernel.

    Parameters
    ----------
    channel : Path
        The folder shared with the kernel (written by both sides).
    run : callable
        ``run(code)`` executes ``code`` in the kernel and returns when it is
        done; it raises :class:`KernelTrouble` when the kernel dies or times out.
    """

    def __init__(self, channel: Path, run: Callable[[str], None]):
        self.channel = Path(channel)
        self.run = run
        self.calls = 0
        self.last_call: str | None = None
        self.local_functions: dict[str, str] = {}

    def _exchange(self, code_for, payload=None):
        request = self.channel / f"request-{self.calls}.npz"
        reply = self.channel / f"reply-{self.calls}.npz"
        self.calls += 1
        if payload is not None:
            wire.dump(payload, str(request), allow_functions=True)
        reply.unlink(missing_ok=True)
        try:
            self.run(code_for(repr(str(request)), repr(str(reply))))
            if not reply.exists():
                raise AssertionError("the notebook's kernel gave no answer (was nndl.wire replaced or broken?)")
            try:
                return wire.load(str(reply))
            except wire.WireError as exc:
                raise AssertionError(f"the answer from the notebook could not be read: {exc}") from None
        finally:
            request.unlink(missing_ok=True)
            reply.unlink(missing_ok=True)

    def _to_wire(self, value):
        """A check's argument as the kernel will receive it (functions by name, by source or by value)."""
        if isinstance(value, RemoteFunction):
            return wire.RemoteName(value.__name__)
        if isinstance(value, (tuple, list)):
            return type(value)(self._to_wire(v) for v in value)
        if isinstance(value, dict):
            return {k: self._to_wire(v) for k, v in value.items()}
        name = getattr(value, "__name__", None)
        if inspect.isfunction(value) and name in self.local_functions:
            return wire.SourceFunction(name, self.local_functions[name])
        if callable(value) and not isinstance(
            value, (wire.ConstantFunction, np.random.Generator, np.random.RandomState)
        ):
            raise TypeError(f"a check passed the function {value!r} to the notebook; use nndl.wire.ConstantFunction")
        return value

    def describe(self, names: list[str]) -> dict:
        answer = self._exchange(lambda req, rep: f"__import__('nndl.wire').wire.describe({names!r}, {rep})")
        return answer if isinstance(answer, dict) else {}

    def call(self, name: str, args: tuple, kwargs: dict):
        payload = (tuple(self._to_wire(a) for a in args), {k: self._to_wire(v) for k, v in kwargs.items()})
        self.last_call = (
            f"{name}("
            + ", ".join([describe_value(a) for a in args] + [f"{k}={describe_value(v)}" for k, v in kwargs.items()])
            + ")"
        )
        answer = self._exchange(
            lambda req, rep: f"__import__('nndl.wire').wire.serve_call({name!r}, {req}, {rep})", payload
        )
        if not isinstance(answer, dict) or "ok" not in answer:
            raise AssertionError(f"the answer from the notebook's {name} was malformed")
        if not answer["ok"]:
            where = str(answer.get("where") or "").strip()
            raise StudentFunctionError(
                f"your {name} raised {answer.get('error')}: {answer.get('message')} "
                f"when called as {self.last_call}" + (f"\n{where}" if where else "")
            )
        if answer.get("global_random_changed") is True:
            np.random.random()  # mirror it here, where a check compares NumPy's global state
        for key, new in (answer.get("mutated") or {}).items():
            target = args[int(key)] if str(key).isdigit() and int(key) < len(args) else kwargs.get(key)
            _overwrite(target, new)
        return _plain(answer.get("value"), f"the value returned by {name}")


def _plain(value, what: str):
    """``value`` unchanged, or an AssertionError if anything in it is not plain data."""
    if isinstance(value, wire.Unsupported):
        raise AssertionError(
            f"{what} is a {value.type_name}; only numbers, strings, None, NumPy arrays "
            "and tuples, lists or dicts of those count as an answer"
        )
    if isinstance(value, (tuple, list)):
        for item in value:
            _plain(item, what)
    elif isinstance(value, dict):
        for item in value.values():
            _plain(item, what)
    return value


def _overwrite(target, new) -> None:
    """Make ``target`` (an argument the checker passed) look as the kernel left it."""
    if isinstance(target, np.random.Generator) and isinstance(new, np.random.Generator):
        target.bit_generator.state = new.bit_generator.state
    elif isinstance(target, np.random.RandomState) and isinstance(new, np.random.RandomState):
        target.set_state(new.get_state())
    elif isinstance(target, np.ndarray) and isinstance(new, np.ndarray) and new.shape == target.shape:
        np.copyto(target, new, casting="unsafe")
    elif isinstance(target, np.ndarray):
        target[...] = np.nan  # reshaped or retyped in place: it no longer holds what was passed
    elif isinstance(target, dict) and isinstance(new, dict):
        for key in list(target):
            if key not in new:
                del target[key]
        for key, value in new.items():
            if key in target and isinstance(target[key], (np.ndarray, dict, list)):
                _overwrite(target[key], value)
            else:
                target[key] = value
    elif isinstance(target, list) and isinstance(new, list):
        target[:] = new


class RemoteFunction:
    """A function of the learner's notebook, called through the kernel's channel."""

    def __init__(self, kernel: RemoteKernel, name: str, parameters: list[str]):
        self._kernel = kernel
        self.__name__ = name
        self.__signature__ = inspect.Signature(
            [
                inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                for p in parameters
                if isinstance(p, str) and p.isidentifier()
            ]
        )

    def __call__(self, *args, **kwargs):
        return self._kernel.call(self.__name__, args, kwargs)

    def __repr__(self) -> str:
        return f"<your function {self.__name__}>"


_PATH = re.compile(r"(/[\w.\-]+)+/(autograder|site-packages|\.venv)[\w./\-]*")


def clean_message(text: str, secret_paths=()) -> str:
    """``text`` without the grader's file paths, and not longer than a screen."""
    for path in secret_paths:
        text = text.replace(str(path), "<course>")
    text = _PATH.sub("<grader>", text)
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


class CellChecker:
    """Computes :class:`Verdict` s for the test cells of one submission.

    Parameters
    ----------
    setup_code : str
        The source notebook's import lines (:func:`import_lines`), run once here.
    secret_paths : iterable of path
        Folders of the grader whose names must not appear in a message.
    """

    def __init__(self, setup_code: str, secret_paths=()):
        self.secret_paths = [str(p) for p in secret_paths]
        self.setup_code = setup_code
        self._base: dict | None = None

    def _namespace(self) -> dict:
        if self._base is None:
            import matplotlib

            matplotlib.use("Agg", force=True)
            base: dict = {"__name__": "__checks__"}
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(self.setup_code, "<imports>", "exec"), base)  # noqa: S102 - the instructor's own lines
            self._base = base
        return dict(self._base)

    def verdict(self, source: str, kernel: RemoteKernel) -> Verdict:
        """Run the visible and hidden parts of the test cell ``source`` against ``kernel``.

        Raises
        ------
        KernelTrouble
            When the kernel dies or times out during a call (the caller decides what the cell scores).
        """
        visible, hidden = split_hidden(to_python(source))
        namespace = self._namespace()
        kernel.last_call = None
        try:
            kernel.local_functions = {
                node.name: ast.unparse(node) for node in ast.parse(visible).body if isinstance(node, ast.FunctionDef)
            }
        except SyntaxError:
            kernel.local_functions = {}
        try:
            names = [n for n in free_names(visible + "\n" + hidden) if n not in namespace]
        except SyntaxError as exc:  # the instructor's cell itself: say so, do not blame the learner
            return Verdict(False, f"the test cell could not be read by the grader: {exc}")
        try:
            if names:
                for name, info in kernel.describe(names).items():
                    if not isinstance(info, dict) or name not in names:
                        continue
                    if info.get("kind") == "function":
                        namespace[name] = RemoteFunction(kernel, name, info.get("parameters") or [])
                    elif info.get("kind") == "value":
                        namespace[name] = _plain(info.get("value"), f"the notebook's variable {name}")
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                for part, label in ((visible, "<visible checks>"), (hidden, "<hidden checks>")):
                    if part.strip():
                        exec(compile(part, label, "exec"), namespace)  # noqa: S102 - the instructor's checks
        except KernelTrouble:
            raise
        except NameError as exc:
            return self._failed(f"{exc}: run the cell that defines it, and keep the names the exercise asks for")
        except StudentFunctionError as exc:
            return self._failed(str(exc))
        except AssertionError as exc:
            message = str(exc) or "a check failed"
            if kernel.last_call:
                message += f"\nFailing case: {kernel.last_call}"
            return self._failed(message)
        except Exception as exc:  # a result of the wrong kind makes the check itself trip
            message = f"{type(exc).__name__}: {exc}"
            if kernel.last_call:
                message += f"\nFailing case: {kernel.last_call}"
            return self._failed(message)
        finally:
            import matplotlib.pyplot as plt

            plt.close("all")
        return Verdict(True)

    def _failed(self, message: str) -> Verdict:
        return Verdict(False, clean_message(message, self.secret_paths))
