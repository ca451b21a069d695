"""Model B's saved estimators, loaded for prediction: the XGBoost ranker (or regressor) of the
regular-season order, the playoff-outcome XGBoost and the random forest (fitted and saved by
src/models/model_b/, stage train_b). Each loader refuses a file of another kind or
format with a DataError naming the file (src/utils/model_files.py)."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import xgboost as xgb
from sklearn.ensemble import RandomForestRegressor

from src.errors import DataError
from src.utils.model_files import KIND_KEY, XGB_RANKER, check_kind, guarded

# Types a saved forest may contain; anything else in the file is refused on load.
RF_TRUSTED_TYPES = ["sklearn.tree._tree.Tree"]


def load_xgb(path: str | Path, objective: str, kind: str = XGB_RANKER) -> xgb.XGBModel:
    """Load XGBoost's own JSON format; any other bytes are refused before XGBoost parses them,
    and a file recording another kind (XGB_RANKER / XGB_PLAYOFF) after."""
    def load() -> xgb.XGBModel:
        with open(path, "rb") as fh:
            if fh.read(1) != b"{":
                raise DataError(f"{path}: refused: not an XGBoost JSON model")
        model = xgb.XGBRanker() if objective.startswith("rank:") else xgb.XGBRegressor()
        model.load_model(str(path))
        check_kind(model.get_booster().attr(KIND_KEY), kind, path, "train_b")
        return model
    return guarded(path, "XGBoost JSON model", "train_b", load, (xgb.core.XGBoostError, ValueError))


def load_rf(path: str | Path) -> RandomForestRegressor:
    """Load with skops' trusted-types check: a file holding any other type is refused."""
    def load() -> RandomForestRegressor:
        # imported here: skops' import lists every sklearn estimator (importing torch via
        # sklearn's array-API shim), ~2 s of CPU in every process that imports this module
        import skops.io as sio
        untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in RF_TRUSTED_TYPES]
        if untrusted:
            raise DataError(f"{path}: refused: untrusted types {untrusted}")
        return sio.load(path, trusted=RF_TRUSTED_TYPES)
    model = guarded(path, "skops forest file", "train_b", load,
                    (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError,
                     json.JSONDecodeError, OSError))
    if not isinstance(model, RandomForestRegressor):
        raise DataError(f"{path}: refused: holds a {type(model).__name__}, not a RandomForestRegressor")
    return model
