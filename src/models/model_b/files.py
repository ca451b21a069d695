"""Model B's saved estimators, loaded for prediction: the XGBoost ranker (or regressor) of the
regular-season order, the playoff-outcome XGBoost and the random forest (fitted and saved by
src/models/model_b/, stage train_b). Each loader refuses a file of another kind or
format with a DataError naming the file (src/utils/model_files.py)."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import xgboost as xgb
from sklearn.ensemble import RandomForestRegressor

from src.errors import DataError
from src.utils.model_files import KIND_KEY, XGB_RANKER, check_kind, guarded, skops_io

# Types a saved forest may contain; anything else in the file is refused on load.
RF_TRUSTED_TYPES = ["sklearn.tree._tree.Tree"]


def load_xgb(path: str | Path, objective: str, kind: str = XGB_RANKER) -> xgb.XGBModel:
    """Load XGBoost's own JSON format; any other bytes are refused before XGBoost parses them,
    and a file recording another kind (XGB_RANKER / XGB_PLAYOFF) after."""
    return guarded(path, "XGBoost JSON model", "train_b",
                   lambda: xgb_from_bytes(Path(path).read_bytes(), objective, kind, path),
                   (xgb.core.XGBoostError, ValueError))


def xgb_from_bytes(data: bytes, objective: str, kind: str, where: str | Path) -> xgb.XGBModel:
    """The XGBoost model in `data` (a file's or a fit cache entry's bytes, named `where` in
    errors): JSON only, checked before XGBoost parses it, and of `kind`."""
    if data[:1] != b"{":
        raise DataError(f"{where}: refused: not an XGBoost JSON model")
    model = xgb.XGBRanker() if objective.startswith("rank:") else xgb.XGBRegressor()
    model.load_model(bytearray(data))
    check_kind(model.get_booster().attr(KIND_KEY), kind, where, "train_b")
    return model


def load_rf(path: str | Path) -> RandomForestRegressor:
    """Load with skops' trusted-types check: a file holding any other type is refused."""
    model = guarded(path, "skops forest file", "train_b",
                    lambda: forest_from_bytes(Path(path).read_bytes(), path), SKOPS_ERRORS)
    if not isinstance(model, RandomForestRegressor):
        raise DataError(f"{path}: refused: holds a {type(model).__name__}, not a RandomForestRegressor")
    return model


SKOPS_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError,
                json.JSONDecodeError, OSError)


def forest_from_bytes(data: bytes, where: str | Path) -> RandomForestRegressor:
    """The forest in `data` (skops; a file's or a fit cache entry's bytes, named `where` in
    errors), loaded with skops' trusted-types check: any other type is refused."""
    sio = skops_io()        # here: importing skops lists every sklearn estimator (~1 s of CPU)
    untrusted = [t for t in sio.get_untrusted_types(data=data) if t not in RF_TRUSTED_TYPES]
    if untrusted:
        raise DataError(f"{where}: refused: untrusted types {untrusted}")
    model = sio.loads(data, trusted=RF_TRUSTED_TYPES)
    if not isinstance(model, RandomForestRegressor):
        raise DataError(f"{where}: refused: holds a {type(model).__name__}, not a RandomForestRegressor")
    return model


def skops_entry_bytes(model: RandomForestRegressor) -> bytes:
    """skops' file of `model` for a fit cache entry no output is made of: skops' own format,
    its schema written as compact JSON (skops indents it, with Python's slow encoder: this
    is ~2.5x faster, ~0.1 s a forest; sio.loads reads either). Falls back to sio.dumps if
    skops' internals moved (another skops version)."""
    sio = skops_io()        # first: a bare `import skops` must not be what imports skops.io
    import skops
    try:
        from skops.io._persist import SaveContext, get_state
    except ImportError:
        return sio.dumps(model)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        context = SaveContext(zip_file=archive)
        state = get_state(model, context)
        context.clear_memo()
        state["protocol"], state["_skops_version"] = context.protocol, skops.__version__
        archive.writestr("schema.json", json.dumps(state))
    return buffer.getvalue()
