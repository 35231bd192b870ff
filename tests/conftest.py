"""Test-wide environment: Jupyter and matplotlib state in a temporary folder.

Nothing the suite runs (nbgrader, kernels, JupyterLab) may write to the home
folder, and OpenBLAS is held to one thread so a busy second core does not
slow every matrix product.
"""

import os
import tempfile

_state = tempfile.mkdtemp(prefix="nndl-test-jupyter-")
for _var, _sub in {
    "JUPYTER_CONFIG_DIR": "config",
    "JUPYTER_DATA_DIR": "data",
    "JUPYTER_RUNTIME_DIR": "runtime",
    "IPYTHONDIR": "ipython",
    "MPLCONFIGDIR": "matplotlib",
}.items():
    os.environ[_var] = os.path.join(_state, _sub)
    os.makedirs(os.environ[_var], exist_ok=True)
os.environ["JUPYTER_PLATFORM_DIRS"] = "1"
os.environ["MPLBACKEND"] = "Agg"
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.pop("NBGRADER_EXECUTION", None)


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def demo_a01(tmp_path_factory):
    """``make demo`` on its first assignment, graded on the embedded cluster: (course folder, result, printed text)."""
    from autograder.pipeline.demo import run_demo

    root = tmp_path_factory.mktemp("demo-a01") / "demo"
    printed = []
    result = run_demo(root, ["01_numpy_basics"], progress=False, out=printed.append)
    return root, result, "\n".join(str(line) for line in printed)
