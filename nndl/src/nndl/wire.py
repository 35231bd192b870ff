"""Plain data across the grading boundary, and the kernel's end of a function call.

When a submission is graded, the learner's notebook runs in a sandboxed
kernel and the grader, in another process, calls the learner's functions
through a narrow channel: the arguments go in as a file, the return value
comes back as a file, and only *plain data* crosses:

* ``None``, ``bool``, ``int``, ``float``, ``str``;
* NumPy scalars (``np.float64(0.5)`` stays an ``np.float64``);
* NumPy arrays of numbers or booleans (exactly ``np.ndarray``, no subclass);
* tuples, lists and dicts (with keys of those kinds) holding plain data;
* NumPy random generators (``np.random.Generator`` over PCG64 or MT19937,
  ``np.random.RandomState``), sent as their state, so an exercise that takes
  a generator gets one that draws what the grader's would.

Anything else (an object with its own ``__eq__``, an ``ndarray`` subclass, a
function, an object array) cannot be sent: it arrives as
:class:`Unsupported`, which names its type, so the grader scores it as a
wrong answer. A message is a ``.npz`` file: the arrays, plus one entry
``__tree__`` holding the structure as JSON text. It is read with
``np.load(..., allow_pickle=False)``: nothing in it can run code.

Three kinds of value travel only from the grader to the kernel, for
exercises that take a function as an argument: :class:`ConstantFunction`
(returns a fixed value), :class:`RemoteName` (one of the notebook's own
functions, passed by name) and :class:`SourceFunction` (a function written
in a visible test cell, sent as source).

The kernel side is :func:`serve_call` and :func:`describe`; the grader runs
them in the learner's kernel by name. This module is part of the student
package because the kernel needs it; it holds no solution and no check.
"""

from __future__ import annotations

import copy
import inspect
import json
import os
import warnings
import zipfile

import numpy as np

__all__ = [
    "ConstantFunction",
    "RemoteName",
    "SourceFunction",
    "Unsupported",
    "WireError",
    "describe",
    "dump",
    "load",
    "serve_call",
]

MAX_BYTES = 512 * 2**20  # largest message read, uncompressed
MAX_ITEMS = 200_000  # most values in one message
MAX_DEPTH = 32  # deepest nesting of tuples, lists and dicts
_NUMERIC_KINDS = "biufc"  # bool, int, unsigned, float, complex
_BIT_GENERATORS = ("PCG64", "MT19937")
_TREE = "__tree__"


class WireError(ValueError):
    """A message that is not plain data, or not a well-formed message."""


class Unsupported:
    """Stands for a value that is not plain data; ``type_name`` says what it was."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"Unsupported({self.type_name!r})"


class ConstantFunction:
    """A function that ignores its arguments and returns a copy of ``value``."""

    def __init__(self, value):
        self.value = value

    def __call__(self, *args, **kwargs):
        return copy.deepcopy(self.value)


class RemoteName:
    """One of the kernel's own functions, named ``name`` in its namespace."""

    def __init__(self, name: str):
        self.name = name


class SourceFunction:
    """A function of a visible test cell, sent as its source and defined in the kernel.

    It runs beside the learner's functions (a test may wrap one of them), in
    a copy of the notebook's namespace so that it leaves no name behind.
    """

    def __init__(self, name: str, source: str):
        self.name = name
        self.source = source


def _type_name(value) -> str:
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


# -- encoding --------------------------------------------------------------------


class _Encoder:
    def __init__(self, allow_functions: bool):
        self.arrays: dict[str, np.ndarray] = {}
        self.items = 0
        self.allow_functions = allow_functions

    def encode(self, value, depth: int = 0):
        self.items += 1
        if self.items > MAX_ITEMS or depth > MAX_DEPTH:
            raise WireError(f"too many or too deeply nested values (limits {MAX_ITEMS} and {MAX_DEPTH})")
        t = type(value)
        if value is None:
            return {"t": "none"}
        if t is bool:
            return {"t": "bool", "v": value}
        if t is int:
            return {"t": "int", "v": str(value)}
        if t is float:
            return {"t": "float", "v": repr(value)}
        if t is str:
            return {"t": "str", "v": value}
        if isinstance(value, np.generic) and t.__module__ == "numpy" and value.dtype.kind in _NUMERIC_KINDS:
            return {"t": "npscalar", "a": self._array(np.asarray(value))}
        if t is np.ndarray:
            if value.dtype.kind not in _NUMERIC_KINDS:
                return {"t": "unsupported", "v": f"numpy.ndarray of dtype {value.dtype}"}
            return {"t": "array", "a": self._array(value)}
        if t in (tuple, list):
            return {"t": t.__name__, "v": [self.encode(v, depth + 1) for v in value]}
        if t is np.random.Generator and type(value.bit_generator).__name__ in _BIT_GENERATORS:
            return {"t": "generator", "v": self.encode(value.bit_generator.state, depth + 1)}
        if t is np.random.RandomState:
            return {"t": "randomstate", "v": self.encode(value.get_state(legacy=False), depth + 1)}
        if t is dict:
            return {
                "t": "dict",
                "v": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()],
            }
        if self.allow_functions and t is ConstantFunction:
            return {"t": "constfn", "v": self.encode(value.value, depth + 1)}
        if self.allow_functions and t is RemoteName:
            return {"t": "remotefn", "v": value.name}
        if self.allow_functions and t is SourceFunction:
            return {"t": "sourcefn", "v": [value.name, value.source]}
        return {"t": "unsupported", "v": _type_name(value)}

    def _array(self, array: np.ndarray) -> str:
        key = f"a{len(self.arrays)}"
        self.arrays[key] = np.array(array, order="C", copy=True)
        return key


def dump(value, path: str, *, allow_functions: bool = False) -> None:
    """Write ``value`` as a message to ``path`` (values that are not plain data become :class:`Unsupported`)."""
    encoder = _Encoder(allow_functions)
    tree = encoder.encode(value)
    with open(path, "wb") as fh:
        np.savez(fh, **encoder.arrays, **{_TREE: np.array(json.dumps(tree))})


# -- decoding --------------------------------------------------------------------


def _checked_archive(path: str) -> None:
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        raise WireError(f"message of {size} bytes is larger than the limit of {MAX_BYTES}")
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise WireError(f"not a message: {exc}") from None
    if total > MAX_BYTES:
        raise WireError(f"message of {total} bytes uncompressed is larger than the limit of {MAX_BYTES}")


class _Decoder:
    def __init__(self, arrays, allow_functions: bool, namespace: dict | None):
        self.arrays = arrays
        self.allow_functions = allow_functions
        self.namespace = namespace
        self.items = 0

    def decode(self, node, depth: int = 0):
        self.items += 1
        if self.items > MAX_ITEMS or depth > MAX_DEPTH or not isinstance(node, dict):
            raise WireError("malformed message structure")
        kind, value = node.get("t"), node.get("v")
        if kind == "none":
            return None
        if kind == "bool" and type(value) is bool:
            return value
        if kind == "int" and type(value) is str:
            if len(value) > 4000:
                raise WireError("integer too long")
            return int(value)
        if kind == "float" and type(value) is str:
            return float(value)
        if kind == "str" and type(value) is str:
            return value
        if kind == "array":
            return self._array(node.get("a"))
        if kind == "npscalar":
            array = self._array(node.get("a"))
            if array.ndim != 0:
                raise WireError("malformed NumPy scalar")
            return array[()]
        if kind in ("tuple", "list") and type(value) is list:
            items = [self.decode(v, depth + 1) for v in value]
            return tuple(items) if kind == "tuple" else items
        if kind == "dict" and type(value) is list:
            out = {}
            for pair in value:
                if type(pair) is not list or len(pair) != 2:
                    raise WireError("malformed dict entry")
                key = self.decode(pair[0], depth + 1)
                if type(key) not in (str, int, float, bool, tuple) and key is not None:
                    raise WireError("dict key is not plain data")
                out[key] = self.decode(pair[1], depth + 1)
            return out
        if kind in ("generator", "randomstate"):
            state = self.decode(value, depth + 1)
            try:
                if kind == "randomstate":
                    generator = np.random.RandomState()
                    generator.set_state(state)
                    return generator
                name = state["bit_generator"] if isinstance(state, dict) else None
                if name not in _BIT_GENERATORS:
                    raise WireError(f"unknown bit generator {name!r}")
                bit_generator = getattr(np.random, name)()
                bit_generator.state = state
                return np.random.Generator(bit_generator)
            except WireError:
                raise
            except Exception as exc:  # a state of the wrong form
                raise WireError(f"malformed random generator state: {exc}") from None
        if kind == "unsupported" and type(value) is str:
            return Unsupported(value[:200])
        if self.allow_functions and kind == "constfn":
            return ConstantFunction(self.decode(value, depth + 1))
        if self.allow_functions and kind == "remotefn" and type(value) is str and self.namespace is not None:
            return self.namespace.get(value)
        if (
            self.allow_functions
            and kind == "sourcefn"
            and self.namespace is not None
            and type(value) is list
            and len(value) == 2
            and all(type(v) is str for v in value)
        ):
            scope = dict(self.namespace)
            exec(compile(value[1], "<test cell>", "exec"), scope)  # noqa: S102 - the visible test's own function
            return scope.get(value[0])
        raise WireError(f"unknown value kind {kind!r}")

    def _array(self, key):
        if type(key) is not str or key == _TREE or key not in self.arrays:
            raise WireError("message names an array it does not hold")
        array = self.arrays[key]
        if type(array) is not np.ndarray or array.dtype.kind not in _NUMERIC_KINDS:
            raise WireError("array of a kind that is not plain data")
        return array


def load(path: str, *, allow_functions: bool = False, namespace: dict | None = None):
    """Read the message at ``path``; raise :class:`WireError` for anything malformed.

    ``allow_functions`` (the kernel's side only) accepts :class:`ConstantFunction`
    and :class:`RemoteName`, resolved in ``namespace``.
    """
    _checked_archive(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
    except WireError:
        raise
    except Exception as exc:  # every way a hostile file can fail to be an .npz
        raise WireError(f"not a message: {type(exc).__name__}: {exc}") from None
    tree_array = arrays.pop(_TREE, None)
    if tree_array is None or tree_array.dtype.kind != "U" or tree_array.ndim != 0:
        raise WireError("message without its structure")
    try:
        tree = json.loads(str(tree_array[()]))
    except json.JSONDecodeError as exc:
        raise WireError(f"malformed structure: {exc}") from None
    return _Decoder(arrays, allow_functions, namespace).decode(tree)


# -- the kernel's side --------------------------------------------------------------


def _user_namespace() -> dict:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("nndl.wire.serve_call runs inside an IPython kernel")
    return shell.user_ns


def _generator_state(value):
    if isinstance(value, np.random.Generator):
        return value.bit_generator.state
    return value.get_state(legacy=False)


def _changed(before, after) -> bool:
    try:
        if type(before) is not type(after):
            return True
        if isinstance(before, (np.random.Generator, np.random.RandomState)):
            return repr(_generator_state(before)) != repr(_generator_state(after))
        if isinstance(before, np.ndarray):
            return before.shape != after.shape or not np.array_equal(before, after, equal_nan=True)
        if isinstance(before, dict):
            return before.keys() != after.keys() or any(_changed(before[k], after[k]) for k in before)
        if isinstance(before, list):
            return len(before) != len(after) or any(_changed(b, a) for b, a in zip(before, after))
        return False
    except Exception:  # a comparison that fails counts as a change
        return True


def _traceback_of_notebook_code(exc: BaseException) -> str:
    """The frames of the notebook's own cells only (not this module's)."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
    return "".join(traceback.format_list(frames[-6:]))


def serve_call(name: str, request: str, reply: str) -> None:
    """Call the notebook's function ``name`` with the arguments in ``request``; write ``reply``.

    The reply is a dict: ``{"ok": True, "value": ..., "mutated": {index or name: new value},
    "global_random_changed": bool}`` (whether the call moved NumPy's global generator), or
    ``{"ok": False, "error": type name, "message": ..., "where": notebook frames}``.
    """
    namespace = _user_namespace()
    try:
        fn = namespace[name]
        args, kwargs = load(request, allow_functions=True, namespace=namespace)
        args_before, kwargs_before = copy.deepcopy(args), copy.deepcopy(kwargs)
        random_before = np.random.get_state()[1].copy()
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = fn(*args, **kwargs)
        mutated = {str(i): a for i, (b, a) in enumerate(zip(args_before, args)) if _changed(b, a)}
        mutated.update({k: kwargs[k] for k in kwargs_before if _changed(kwargs_before[k], kwargs[k])})
        global_random = not np.array_equal(random_before, np.random.get_state()[1])
        out = {"ok": True, "value": value, "mutated": mutated, "global_random_changed": global_random}
    except Exception as exc:
        out = {
            "ok": False,
            "error": type(exc).__name__,
            "message": str(exc)[:2000],
            "where": _traceback_of_notebook_code(exc),
        }
    dump(out, reply)


def describe(names: list, reply: str) -> None:
    """Say what each of ``names`` is in the notebook: a function (with its parameters), a value, or missing."""
    namespace = _user_namespace()
    out = {}
    for name in names:
        if name not in namespace:
            out[name] = {"kind": "missing"}
        elif callable(namespace[name]):
            try:
                params = list(inspect.signature(namespace[name]).parameters)
            except (TypeError, ValueError):
                params = []
            out[name] = {"kind": "function", "parameters": params}
        else:
            out[name] = {"kind": "value", "value": namespace[name]}
    dump(out, reply)
