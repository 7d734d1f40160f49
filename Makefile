# Medspil: the two commands. `make run` serves the app, `make test` lints and runs every test.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: run test lint format bench bench-scale clean

$(PY):
	python3.11 -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	# setuptools reports every editable install as a warning (information only): keep it quiet
	PYTHONWARNINGS=ignore $(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m surveys.cli prepare
	$(PY) serve.py --server.port $(PORT) --server.fileWatcherType none --runner.postScriptGC false

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# one run on two workers: the kernel, storage and statistics strict (the overrides in
	# pyproject [tool.mypy]), the domain, the pages and the frame in the default mode
	$(VENV)/bin/mypy -n 2 medspil data analytics surveys pages app.py serve.py

test: lint
	# two workers (pytest-xdist), one test file each at a time: the suite fits in 10 minutes on 2 cores
	$(VENV)/bin/pytest -n 2 --dist loadfile --durations=15

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every benchmark; writes benchmarks/results.json. Builds the large kommune once (about 45 s, 0.86 GB).
bench: $(STAMP)
	$(PY) benchmarks/run_all.py

# The same plus scale_150m: ten years of weekly pulses (opt-in: 8.6 GB, a 22-minute build, 24 GB RAM).
bench-scale: $(STAMP)
	$(PY) benchmarks/run_all.py --scale

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
