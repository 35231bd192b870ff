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

# temml turns the feedback's TeX into MathML (autograder/pipeline/mathml.py), run by
# node: Debian's nodejs and npm where the machine has none, temml pinned by its lock file.
TEMML_DIR := autograder/pipeline/temml
TEMML := $(TEMML_DIR)/node_modules/temml/package.json
$(TEMML): $(TEMML_DIR)/package.json $(TEMML_DIR)/package-lock.json
	@{ command -v node && command -v npm; } >/dev/null 2>&1 || { $(APT_INSTALL) nodejs npm >/dev/null; }
	npm ci --prefix $(TEMML_DIR) --no-audit --no-fund --loglevel=error
	touch $@

venv: $(STAMP) $(TEMML)

# Headless Chromium for the JupyterLab tests, from Debian's packages.
browser:
	@command -v chromium >/dev/null 2>&1 || { $(APT_INSTALL) chromium >/dev/null; }

# Debian's bubblewrap: every submission runs in its sandbox (autograder/engine/sandbox.py).
sandbox:
	@command -v bwrap >/dev/null 2>&1 || { $(APT_INSTALL) bubblewrap >/dev/null; }

# Debian's PostgreSQL server, for the test that grades into a PostgreSQL gradebook (tests/servers.py).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(APT_INSTALL) postgresql >/dev/null; }

demo: $(STAMP) $(TEMML) sandbox
	OPENBLAS_NUM_THREADS=1 $(PY) -m autograder demo

test: $(STAMP) $(TEMML) browser sandbox postgres lint
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: $(STAMP) $(TEMML) sandbox
	@test -n "$(NB)" || { echo "usage: make check NB=path/to/notebook.ipynb"; exit 2; }
	OPENBLAS_NUM_THREADS=1 $(PY) -m autograder check "$(NB)"

bench: $(STAMP) sandbox
	OPENBLAS_NUM_THREADS=1 $(PY) bench/grade_throughput.py

clean:
	rm -rf $(VENV) submitted autograded feedback gradebook.db .exchange demo
