# Entry points. `make repro` sets everything up on a fresh machine, then runs the pipeline.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
DVC := $(VENV)/bin/dvc
SEASON ?= 2026
export DVC_NO_ANALYTICS := 1
export PYTHONHASHSEED := 0
# stage commands in dvc.yaml call `python`: make it the venv's
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: setup repro test demo forecast report bench dag clean-venv

setup: $(VENV)/.installed

# torch==2.13.0 first: where the index offers a CPU build (as here) it is taken, which keeps
# the venv ~1.6 GB; elsewhere pip's default build is fine.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q "torch==2.13.0"
	$(VENV)/bin/pip install -q -e ".[explain,plots,dev]"
	touch $@

repro: setup
	$(DVC) repro

test: setup
	$(PY) -m pytest -q -n 2

dag: setup
	$(DVC) dag
