"""One thin module per DVC stage (`python -m stages.<name>`).

Importing this package comes before any stage imports torch or the project's packages:

* it pins the CPU code paths torch's kernels and MKL's matrix products take: their float
  rounding depends on the instruction set (AVX-512 vs AVX2 vs SSE), and Model A trained on
  another x86-64 machine came out with other weights and another early-stopping epoch. AVX2
  is on every x86-64 server CPU of the last decade and cost ~15% of train_a's time here (the
  SSE-only `default` path: ~2x). The environment may override both (e.g. for speed, giving
  up reproducibility across CPUs);
* dvc.yaml's commands call `python`: outside the project's virtual environment that is a
  Python without the project's packages. Say so in one line instead of a traceback ending in
  `ModuleNotFoundError: No module named 'pandas'`. (find_spec looks packages up without
  importing them, so the check costs nothing.)
"""
import importlib.util
import os
import sys

os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")
os.environ.setdefault("MKL_CBWR", "AVX2")

_NEEDED = ("numpy", "pandas", "pyarrow", "yaml", "scipy", "sklearn", "xgboost", "torch", "rich", "tqdm")


def _missing_packages() -> list[str]:
    missing = []
    for name in _NEEDED:
        try:
            if importlib.util.find_spec(name) is None:
                missing.append(name)
        except (ImportError, ValueError):      # a package set to None in sys.modules, or broken
            missing.append(name)
    return missing


if _missing_packages():
    sys.stderr.write(
        f"error: {sys.executable} lacks the package(s) {', '.join(_missing_packages())}: the stage "
        "commands need the project's virtual environment. Run `make repro` (sets it up and runs "
        "the pipeline), or `make setup` once and then `source .venv/bin/activate` before "
        "`dvc repro` / `python -m stages.<name>`.\n")
    raise SystemExit(2)
