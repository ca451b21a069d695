"""skops.io without torch: the forest's file bytes and skops' trusted types are the same."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent("""
    import hashlib, sys
    import numpy as np
    from sklearn.ensemble import RandomForestRegressor
    if sys.argv[1] == "shim":
        from src.utils.model_files import skops_io
        skops_io()
    else:
        import skops.io
    from skops.io._trusted_types import SKLEARN_ESTIMATOR_TYPE_NAMES
    from src.utils.model_files import skops_bytes
    rng = np.random.default_rng(0)
    forest = RandomForestRegressor(n_estimators=5, random_state=1).fit(
        rng.normal(size=(60, 3)), rng.normal(size=60))
    torch_loaded = "torch" in sys.modules
    import sklearn.externals.array_api_compat.torch as shim    # the real one, on demand
    print(torch_loaded, hasattr(shim, "asarray"), len(SKLEARN_ESTIMATOR_TYPE_NAMES),
          hashlib.sha256(repr(sorted(SKLEARN_ESTIMATOR_TYPE_NAMES)).encode()).hexdigest(),
          hashlib.sha256(skops_bytes(forest)).hexdigest())
""")


def _run(mode: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], cwd=REPO, check=True,
                         capture_output=True, text=True, env={"PYTHONPATH": str(REPO),
                                                              "PATH": "/usr/bin:/bin"})
    return out.stdout.split()


def test_skops_io_skips_torch_and_changes_nothing_else():
    shim, plain = _run("shim"), _run("plain")
    assert shim[0] == "False" and plain[0] == "True"        # torch only without the shim
    assert shim[1] == plain[1] == "True"                    # the real shim imports afterwards
    assert int(shim[2]) > 100 and shim[2:] == plain[2:]     # same trusted types, same bytes
