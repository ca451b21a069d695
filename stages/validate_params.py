"""Stage validate_params: read all of params.yaml into its typed sections, or fail.

The first stage of the graph: every other stage depends on its output, so DVC runs it
first and a bad value (`dvc exp run -S model_a.dropout=-1`) stops the run before DVC
removes any other stage's outputs. The output's bytes never change, so a valid edit of
params.yaml re-runs only the stages whose own params changed.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from src import artifacts
from src.params import read_params
from src.utils.cli import stage_main
from src.utils.io import write_text

VALIDATED = artifacts.PARAMS_VALIDATED.path


def run(args: argparse.Namespace) -> list[Path]:
    read_params(args.params)
    return [write_text("params.yaml: every section read and checked (src/params.py)\n", VALIDATED)]


if __name__ == "__main__":
    stage_main("validate_params", run)
