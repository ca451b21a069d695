"""One thin module per DVC stage (`python -m stages.<name>`).

Importing this package comes before any stage imports torch or the project's packages:

* it pins the CPU code paths torch's kernels and MKL's matrix products take: their float
  rounding depends on the instruction set (AVX-512 vs AVX2 vs SSE), and Model A trained on
  another x86-64 machine came out with other weights and another early-stopping epoch. AVX2
  is on every x86-64 server CPU of the last decade and cost ~15% of train_a's time here (the
  SSE-only `default` path: ~2x). The environment may override both (e.g. for speed, giving
  up reproducibility across CPUs);
* it runs OpenBLAS (numpy's and scipy's BLAS) on one thread: the pipeline's matrices are tiny,
  and with 2 threads the stacker's L-BFGS-B spent 5x the CPU time spin-waiting in BLAS
  (stack: 43 s of CPU -> 8 s, same bytes; profiled with cProfile). Parallel work is spread
  over processes instead (src/utils/parallel.py), and a sum no longer depends on the number
  of cores;
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
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

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
