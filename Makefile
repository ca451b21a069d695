# Entry points. `make repro` sets everything up on a fresh machine, then runs the pipeline.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
DVC := $(VENV)/bin/dvc
SEASON ?=
AS_OF ?=
UNAVAILABLE ?=
# what a user types reaches the programs as arguments only: never put in the recipes'
# environment (make would expand it) nor evaluated by make or the shell (see `forecast`)
unexport SEASON AS_OF UNAVAILABLE
# $(call arg,NAME): the variable's text unexpanded ($(value)), single-quoted for the shell
arg = '$(subst ','\'',$(value $(1)))'
export DVC_NO_ANALYTICS := 1
export PYTHONHASHSEED := 0
# Python's default, where an environment switched it off: compiled modules are kept in
# __pycache__, else each of the 13 stage processes and their workers compiles src/ again
# (~0.1-0.3 s each)
unexport PYTHONDONTWRITEBYTECODE
# stage commands in dvc.yaml call `python`: make it the venv's
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: help setup repro test demo forecast report bench dag clean-venv

# `make help`: every target's `## ` line
help:  ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 22

setup: $(VENV)/.installed  ## create .venv and install the project (once; again when pyproject.toml changes)

# torch==2.13.0 first: where the index offers a CPU build (as here) it is taken, which keeps
# the venv ~1.6 GB; elsewhere pip's default build is fine.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q "torch==2.13.0"
	$(VENV)/bin/pip install -q -e ".[explain,plots,dev]"
	touch $@

repro: setup  ## run the pipeline (dvc repro), then print the run summary
	$(DVC) repro
	@$(PY) scripts/run_summary.py

# the page tests open the pages in headless Chromium; without it they skip with a reason
CHROMIUM_INSTALL := apt-get install -y chromium
test: setup  ## every test on 2 processes (browser tests need: apt-get install -y chromium)
	@$(PY) -c 'from src.utils.browser import find_browser; find_browser() or print("make test: no Chromium, so the browser tests skip; to run them: $(CHROMIUM_INSTALL) (as root)")'
	$(PY) -m pytest -q -n 2

dag: setup  ## the stage graph: each stage and the stages it reads (fits 100 columns)
	@DVC=$(DVC) $(PY) scripts/dag.py

# A synthetic league (known true strengths) run through the pipeline in a throwaway copy of
# the repo, so the committed dvc.lock and data/ stay untouched.
DEMO_DIR ?= /tmp/nba-demo
demo: setup  ## the pipeline on a synthetic league with known truth (in /tmp/nba-demo)
	rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	git archive HEAD | tar -x -C $(DEMO_DIR)
	$(PY) -m src.data.synthetic --out $(DEMO_DIR)/data/raw --seed 0 --first-season 1997 --last-season 2024
	# the synthetic files are not the pinned downloads: keep them (download logs each one)
	sed -i 's/^  accept_changed_checksums: false/  accept_changed_checksums: true /' $(DEMO_DIR)/params.yaml
	# its players' minutes cover 69-100% of a team's games (the real files: 100-102%)
	sed -i 's/^  min_team_minutes_share: 0.98/  min_team_minutes_share: 0.6 /' $(DEMO_DIR)/params.yaml
	cd $(DEMO_DIR) && git init -q && git add -A && git -c user.name=demo -c user.email=demo@localhost commit -qm demo
	cd $(DEMO_DIR) && $(abspath $(DVC)) repro evaluate
	@echo "demo outputs in $(DEMO_DIR) (metrics/, plots/, data/processed/)"
	@cd $(DEMO_DIR) && $(abspath $(PY)) scripts/run_summary.py --headline

# writes metrics/bench.local.json (git-ignored); `make bench UPDATE=1` updates the committed metrics/bench.json
bench: setup  ## time the stages: metrics/bench.local.json (UPDATE=1: metrics/bench.json)
	$(PY) scripts/bench.py $(if $(UPDATE),--update)

# A season without outcomes. No SEASON: the pipeline's forecast stage (params forecast.season),
# reports/forecast_<season>.{md,html,csv}. SEASON=2025: that season after `dvc repro evaluate`
# (the page shows past calibration), in reports/seasons/ (git-ignored: not a pipeline output);
# AS_OF=2024-05-15 with a past SEASON replays its playoffs to that day; UNAVAILABLE="PHI: Joel Embiid"
# gives the odds without those players. scripts/make_forecast.py checks that SEASON is a year and
# AS_OF a date before it runs anything.
forecast: setup  ## the season in progress (dvc repro forecast); SEASON=2025 [AS_OF=date] [UNAVAILABLE="PHI: Joel Embiid"]: reports/seasons/
	$(PY) scripts/make_forecast.py --season=$(call arg,SEASON) --as-of=$(call arg,AS_OF) --unavailable=$(call arg,UNAVAILABLE)

# reports/report.md + reports/figures/*.png: the pipeline's `report` stage (and what it needs)
report: setup  ## reports/report.md and its figures (the pipeline's report stage)
	$(DVC) repro report

clean-venv:  ## remove .venv (the next make target sets it up again)
	rm -rf $(VENV)
