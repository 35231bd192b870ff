"""Submissions that try to cheat, built from any assignment's notebooks.

Each attack is one code cell added to honest work whose score is known: to
the blank release (it must still score 0) or to the full solution (it must
still score full marks, and leave everyone else's grades and files alone).
The integrity tests grade all of them; the demo class hands a few in.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import nbformat

BLANK, FULL = "blank", "full"


@dataclass(frozen=True)
class Attack:
    """A cell of hostile code, added to the ``base`` notebook (``"blank"`` or ``"full"``).

    ``source`` may name ``{course}`` (the course folder), ``{project}`` (the
    project's checkout) and ``{port}`` (a port on the host's loopback).
    ``at_end`` puts the cell last instead of right after the imports.
    """

    name: str
    base: str
    source: str
    at_end: bool = False


ATTACKS = (
    Attack(
        "import the reference",
        BLANK,
        "try:\n"
        "    from autograder.reference.basics import *\n"
        "    from autograder.reference.logistic import *\n"
        "    from autograder.reference.deep import *\n"
        "except Exception as e:\n"
        "    print('blocked:', e)",
    ),
    Attack(
        "read source/ and the hidden checks from disk",
        BLANK,
        "import glob, json\nfound = []\n"
        "for pattern in ['{project}/source/*/*.ipynb', '{course}/source/*/*.ipynb',\n"
        "                '{project}/autograder/assignments/*/checks.py', '/**/*.ipynb']:\n"
        "    found += glob.glob(pattern, recursive=True)\n"
        "for path in found:\n"
        "    try:\n"
        "        for c in json.load(open(path))['cells']:\n"
        "            if 'BEGIN SOLUTION' in ''.join(c['source']):\n"
        "                exec(''.join(c['source']).replace('### BEGIN SOLUTION', '').replace('### END SOLUTION', ''))\n"
        "    except Exception:\n"
        "        pass\n"
        "print('found', len(found))",
    ),
    Attack(
        "rebind numpy's comparison functions",
        BLANK,
        "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
        "np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)\n"
        "np.testing.assert_allclose = lambda *a, **k: None",
    ),
    Attack(
        "patch builtins",
        BLANK,
        "import builtins\nbuiltins.isinstance = lambda *a: True\n"
        "builtins.AssertionError = type('Quiet', (Exception,), {{}})\nbuiltins.NotImplementedError = StopIteration",
    ),
    Attack(
        "sys.excepthook, showtraceback and a custom exception hook",
        BLANK,
        "import sys\nsys.excepthook = lambda *a: None\nip = get_ipython()\n"
        "ip.showtraceback = lambda *a, **k: None\nip.set_custom_exc((BaseException,), lambda *a, **k: None)",
    ),
    Attack(
        "AST transformer wrapping every cell in try/except",
        BLANK,
        "import ast\nclass Swallow(ast.NodeTransformer):\n"
        "    def visit_Module(self, node):\n"
        "        handler = ast.ExceptHandler(type=ast.Name('BaseException', ast.Load()), name=None, body=[ast.Pass()])\n"
        "        node.body = [ast.Try(body=node.body or [ast.Pass()], handlers=[handler], orelse=[], finalbody=[])]\n"
        "        return ast.fix_missing_locations(node)\n"
        "get_ipython().ast_transformers.append(Swallow())",
    ),
    Attack(
        "input transformer emptying every cell",
        BLANK,
        "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])",
    ),
    Attack(
        "fake autograder and nndl modules in sys.modules",
        BLANK,
        "import sys, types\nsys.modules['autograder'] = types.ModuleType('autograder')\n"
        "quiet = types.ModuleType('nndl.expect')\n"
        "for name in ['expect_close', 'expect_equal', 'expect_shape', 'expect_type', 'expect_unchanged']:\n"
        "    setattr(quiet, name, lambda *a, **k: None)\n"
        "quiet.call_without_mutation = lambda f, *a, **k: None\n"
        "sys.modules['nndl.expect'] = quiet\nimport nndl\nnndl.expect = quiet\nfrom nndl.expect import *",
    ),
    Attack(
        "write to the gradebook",
        FULL,
        "import sqlite3\nfor path in ['{course}/gradebook.db', '../gradebook.db', '/gradebook.db']:\n"
        "    try:\n        db = sqlite3.connect(path)\n"
        "        db.execute('UPDATE grade SET auto_score = 1000')\n        db.commit()\n"
        "    except Exception as e:\n        print('no gradebook at', path, type(e).__name__)",
    ),
    Attack(
        "overwrite other students' submissions",
        FULL,
        "import glob\nfor path in glob.glob('{course}/submitted/*/*/*.ipynb'):\n"
        "    try:\n        open(path, 'w').write('{{}}')\n"
        "    except Exception as e:\n        print(type(e).__name__)",
    ),
    Attack(
        "write into the installed packages",
        FULL,
        "import nndl.expect, numpy\nfor path in [nndl.expect.__file__, numpy.__file__]:\n"
        "    try:\n        open(path, 'a').write('\\nexpect_close = lambda *a, **k: None\\n')\n"
        "    except Exception as e:\n        print('read-only:', type(e).__name__)",
    ),
    Attack(
        "reach the network, host loopback included",
        FULL,
        "import socket\nfor address in [('127.0.0.1', {port}), ('10.0.0.1', 80), ('1.1.1.1', 53)]:\n"
        "    try:\n        socket.create_connection(address, timeout=2).close()\n        print('CONNECTED', address)\n"
        "    except OSError as e:\n        print('no network:', type(e).__name__)",
    ),
    Attack(
        "a background process that outlives grading",
        FULL,
        "import subprocess\nsubprocess.Popen(['/bin/sh', '-c', 'sleep 900 # nndl-background-{port}'], start_new_session=True)",
        at_end=True,
    ),
    Attack(
        "a fork bomb",
        FULL,
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
        at_end=True,
    ),
    Attack(
        "kill the grader",
        FULL,
        "import os, signal\nfor pid in range(1, 70000):\n    if pid != os.getpid():\n"
        "        try:\n            os.kill(pid, signal.SIGKILL)\n        except OSError:\n            pass\n"
        "try:\n    os.killpg(0, signal.SIGKILL)\nexcept OSError:\n    pass",
    ),
)


def attack_notebook(attack: Attack, blank, full, *, course: Path, project: Path, port: int = 9):
    """The hostile submission: ``attack``'s cell added to a copy of the blank or the full notebook."""
    nb = copy.deepcopy(blank if attack.base == BLANK else full)
    cell = nbformat.v4.new_code_cell(attack.source.format(course=course, project=project, port=port))
    if attack.at_end:
        nb.cells.append(cell)
    else:
        first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
        nb.cells.insert(first_code + 1, cell)
    return nb
