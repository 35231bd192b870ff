# Two commands: `make demo` and `make test`. Everything else here is what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test venv check browser sandbox postgres lint bench clean hub hub-packages

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

# A class on JupyterHub (deploy/jupyterhub/): Debian's python3 with venv for the course environment,
# setfacl for the course folder's shared rights, npm for the pinned proxy, bubblewrap for grading.
HUB_ENV := .venv-hub
HUB_STAMP := $(HUB_ENV)/.installed
HUB_PROXY := deploy/jupyterhub/node_modules/.bin/configurable-http-proxy
NNDL_SOURCES := $(shell find nndl/src nndl/jupyter-config -name '*.py')

hub-packages:
	@command -v setfacl >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && /usr/bin/python3 -c 'import ensurepip' 2>/dev/null \
	  || { $(APT_INSTALL) acl python3 python3-venv nodejs npm >/dev/null; }

$(HUB_PROXY): deploy/jupyterhub/package.json deploy/jupyterhub/package-lock.json | hub-packages
	cd deploy/jupyterhub && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The environment every hub user's server runs in: requirements.txt and nndl, never autograder.
$(HUB_STAMP): requirements.txt deploy/jupyterhub/debian12-pins.txt nndl/pyproject.toml $(NNDL_SOURCES) deploy/jupyterhub/nndl_hub.py | hub-packages
	rm -rf $(HUB_ENV)
	/usr/bin/python3 deploy/jupyterhub/nndl_hub.py environment $(HUB_ENV)
	touch $@

hub: $(HUB_STAMP) $(HUB_PROXY) sandbox

demo: $(STAMP) $(TEMML) sandbox
	OPENBLAS_NUM_THREADS=1 $(PY) -m autograder demo

test: $(STAMP) $(TEMML) browser sandbox postgres hub lint
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
	rm -rf $(VENV) $(HUB_ENV) submitted autograded feedback gradebook.db .exchange demo
