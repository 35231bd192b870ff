# Two commands: `make demo` and `make test`. Everything else here is what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test venv check browser sandbox postgres lint bench clean

APT_INSTALL = SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

$(STAMP): requirements.txt pyproject.toml nndl/pyproject.toml nndl/jupyter-config/nbgrader_config.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==26.3
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e nndl -e .
	# The Validate button's settings (nndl/pyproject.toml's data-files, which an editable install skips).
	mkdir -p $(VENV)/etc/jupyter && cp nndl/jupyter-config/nbgrader_config.py $(VENV)/etc/jupyter/
	touch $(STAMP)

venv: $(STAMP)

# Headless Chromium for the JupyterLab tests, from Debian's packages.
browser:
	@command -v chromium >/dev/null 2>&1 || { $(APT_INSTALL) chromium >/dev/null; }

# Debian's bubblewrap: every submission runs in its sandbox (autograder/engine/sandbox.py).
sandbox:
	@command -v bwrap >/dev/null 2>&1 || { $(APT_INSTALL) bubblewrap >/dev/null; }

# Debian's PostgreSQL server, for the test that grades into a PostgreSQL gradebook (tests/servers.py).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(APT_INSTALL) postgresql >/dev/null; }

demo: $(STAMP) sandbox
	OPENBLAS_NUM_THREADS=1 $(PY) -m autograder demo

test: $(STAMP) browser sandbox postgres lint
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: $(STAMP) sandbox
	@test -n "$(NB)" || { echo "usage: make check NB=path/to/notebook.ipynb"; exit 2; }
	OPENBLAS_NUM_THREADS=1 $(PY) -m autograder check "$(NB)"

bench: $(STAMP) sandbox
	OPENBLAS_NUM_THREADS=1 $(PY) bench/grade_throughput.py

clean:
	rm -rf $(VENV) submitted autograded feedback gradebook.db .exchange demo
