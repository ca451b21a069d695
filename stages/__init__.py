"""One thin module per DVC stage (`python -m stages.<name>`).

dvc.yaml's commands call `python`: outside the project's virtual environment that is a
Python without the project's packages. Say so in one line instead of a traceback ending in
`ModuleNotFoundError: No module named 'pandas'`.
"""
import sys

try:
    import pandas  # noqa: F401  (every stage reads or writes tables with it)
    import yaml  # noqa: F401  (every stage reads params.yaml)
except ModuleNotFoundError as _missing:
    sys.stderr.write(
        f"error: {_missing} ({sys.executable}): the stage commands need the project's virtual "
        "environment. Run `make repro` (sets it up and runs the pipeline), or `make setup` once "
        "and then `source .venv/bin/activate` before `dvc repro` / `python -m stages.<name>`.\n")
    raise SystemExit(2) from None
