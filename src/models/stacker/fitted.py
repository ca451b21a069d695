"""The fitted final stacker: what the stack stage chose and fitted on every season with known
outcomes, saved as one JSON file (models/stacker.json) that the forecast loads and applies.

* objective series: the members (scaling, penalty, half-life and the weight of each level-1
  column; rule average keeps several, averaged with equal shares) and, for the centred scaling,
  the one SD per column of the pre-test seasons: points = mean over the members of
  sum_k w_k x_k, with x the season's level-1 columns scaled as when the weights were fitted;
* objective order: the RidgeCV's alpha, intercept and coefficients on per-season z-scores.

How it is chosen and fitted: src/models/stacker/series.py (the series likelihood's choice) and
estimator.py (the final fit); this module holds only what a prediction needs.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from src.errors import DataError
from src.models.registry import score_column
from src.utils.io import write_bytes
from src.utils.model_files import KIND_KEY, STACKER, check_kind, json_model_dict, load_json_model

log = logging.getLogger(__name__)

ENSEMBLE = "score_ensemble"


def standardise_per_season(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """z-score of each column within each season; a season where a model is constant gets 0s."""
    grouped = frame.groupby("season")[columns]
    std = grouped.transform("std", ddof=0)
    constant = std == 0
    if constant.to_numpy().any():
        log.warning("stacking: constant level-1 scores in season(s) %s set to 0 after standardising",
                    sorted(frame.loc[constant.any(axis=1), "season"].unique().tolist()))
    return ((frame[columns] - grouped.transform("mean")) / std.mask(constant, 1.0)).fillna(0.0)


def season_centred(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Each column minus its season's mean."""
    return frame[columns] - frame.groupby("season")[columns].transform("mean")


def centred_sd(frame: pd.DataFrame, columns: list[str], first_test: int) -> pd.Series:
    """The centred scaling's divisor per column: the SD of the centred scores of the seasons
    before `first_test` (which no test season touches); 1 where that SD is 0."""
    centred = season_centred(frame, columns)
    return centred[frame["season"] < first_test].std(ddof=0).replace(0.0, 1.0)


@dataclass
class Member:
    """A fitted candidate: points = sum of weight * level-1 feature of its scaling."""
    scaling: str
    penalty: float
    half_life: float
    weights: dict[str, float]

    def report(self) -> dict:
        return {"scaling": self.scaling, "penalty": self.penalty, "half_life": self.half_life,
                "weights": self.weights}


def ensemble_points(features: dict[str, pd.DataFrame], members: list[Member], column_of) -> np.ndarray:
    """points = mean over the members of sum of weight * feature (of the member's scaling)."""
    out = None
    for member in members:
        x = features[member.scaling]
        points = np.zeros(len(x))
        for model, w in member.weights.items():
            points += w * x[column_of(model)].to_numpy(float)
        out = points if out is None else out + points
    return out / len(members)


@dataclass
class FittedStacker:
    """The final stacker (fitted on `fit_seasons`, `rows` level-1 rows) and what it reports."""
    objective: str                                  # series | order
    columns: list[str]                              # the level-1 names it reads (score_<name>)
    fit_seasons: list[int]                          # [first, last]
    rows: int
    members: list[Member] = field(default_factory=list)       # series
    centred_sd: dict[str, float] = field(default_factory=dict)  # series, centred scaling
    ridge: dict[str, Any] = field(default_factory=dict)       # order: alpha, intercept, coef
    report: dict[str, Any] = field(default_factory=dict)      # shown on the forecast page

    def predict(self, level1: pd.DataFrame) -> np.ndarray:
        """The ensemble score of `level1`'s rows (whole seasons: the scalings are per season)."""
        cols = [score_column(m) for m in self.columns]
        missing = [c for c in cols if c not in level1.columns]
        if missing:
            raise DataError(f"stacker: level-1 column(s) {', '.join(missing)} missing (the stacker "
                            f"was fitted on {', '.join(self.columns)})")
        if self.objective == "order":
            X = standardise_per_season(level1, cols).to_numpy()
            return X @ np.asarray(self.ridge["coef"], float) + float(self.ridge["intercept"])
        scalings = {m.scaling for m in self.members}
        features = {}
        if "season" in scalings:
            features["season"] = standardise_per_season(level1, cols)
        if "centred" in scalings:
            features["centred"] = season_centred(level1, cols) / pd.Series(self.centred_sd)[cols]
        return ensemble_points(features, self.members, score_column)

    def to_dict(self) -> dict[str, Any]:
        # weights as [name, weight] pairs: their order is the order of the sum
        members = [{"scaling": m.scaling, "penalty": m.penalty, "half_life": m.half_life,
                    "weights": [[k, w] for k, w in m.weights.items()]} for m in self.members]
        return {"objective": self.objective, "columns": self.columns, "fit_seasons": self.fit_seasons,
                "rows": self.rows, "members": members, "centred_sd": self.centred_sd,
                "ridge": self.ridge, "report": self.report}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "FittedStacker":
        members = [Member(m["scaling"], float(m["penalty"]), float(m["half_life"]),
                          {str(k): float(w) for k, w in m["weights"]}) for m in values["members"]]
        return cls(values["objective"], list(values["columns"]), list(values["fit_seasons"]),
                   int(values["rows"]), members, {k: float(v) for k, v in values["centred_sd"].items()},
                   dict(values["ridge"]), dict(values["report"]))

    def to_bytes(self) -> bytes:
        """models/stacker.json's bytes (what `save` writes and the fit cache stores)."""
        return (json.dumps(json_model_dict(STACKER, self.to_dict()), indent=2, default=_plain)
                + "\n").encode()

    def save(self, path: str | Path) -> Path:
        return write_bytes(self.to_bytes(), path)

    @classmethod
    def load(cls, path: str | Path) -> "FittedStacker":
        return cls._of(load_json_model(path, STACKER, "stack"), path)

    @classmethod
    def from_bytes(cls, data: bytes, where: str | Path) -> "FittedStacker":
        """The stacker in `data` (a fit cache entry's part, named `where` in errors)."""
        values = json.loads(data)
        if not isinstance(values, dict):
            raise DataError(f"{where}: refused: a stacker file is a JSON object")
        check_kind(values.pop(KIND_KEY, None), STACKER, where, "stack")
        return cls._of(values, where)

    @classmethod
    def _of(cls, values: dict[str, Any], where: str | Path) -> "FittedStacker":
        try:
            return cls.from_dict(values)
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"{where}: refused: not a complete stacker file ({exc!r}); "
                            "rerun `dvc repro stack`") from None


def _plain(obj: Any) -> Any:
    """numpy numbers and arrays as JSON values (src/utils/io.write_json's rule)."""
    if hasattr(obj, "item"):
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")
