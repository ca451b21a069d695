"""Model files are data, never code: the one place that opens them, turning every refusal
into a DataError naming the file and the reason (no library traceback, and never the
hint to load it unsafely).

* Model A checkpoints: torch.load(weights_only=True): plain tensors, numbers and strings;
* XGBoost: its own JSON format only (any other first byte is refused before parsing);
* the random forest: skops with an explicit list of trusted types.

Each Model A checkpoint and XGBoost file records its kind (KIND_KEY: a checkpoint entry, a
booster attribute); the loaders refuse a file of another kind (the ranker and the
playoff-outcome XGBoost swapped would otherwise load and score without complaint).
"""
from __future__ import annotations

import io
import itertools
import pickle
import re
import sys
import types
import warnings
import zipfile
from pathlib import Path
from typing import Any, Callable

from src.errors import DataError
from src.utils.io import canonical_zip

_GLOBAL = re.compile(r"unsupported GLOBAL ([\w.]+)", re.IGNORECASE)
_QUOTED_NPY = re.compile(r'"([^"]+\.npy)"')
# an object's id; group 1 is set when the object is a JSON value (a str, number, ...)
_OBJECT_ID = re.compile(r'("is_json": true,\s*)?"__id__": (\d+)')


KIND_KEY = "nba_model_kind"
MODEL_A = "model_a"                      # Model A checkpoints (final and walk-forward)
XGB_RANKER = "model_b_xgb"               # Model B's XGBoost on the regular-season order
XGB_PLAYOFF = "model_b_xgb_playoff"      # the XGBoost fitted on playoff series outcomes


def check_kind(found: object, expected: str, path: str | Path, stage: str,
               allow_missing: bool = False) -> None:
    """Refuse a model file whose recorded kind is not `expected`, or that records none
    unless `allow_missing` (Model A checkpoints older than the kind: still loadable)."""
    if found is None and allow_missing:
        return
    if found != expected:
        what = f"a {found!r} model" if found else "no model kind (an older or foreign file)"
        raise DataError(f"{path}: refused: expected a {expected!r} model file, it records "
                        f"{what}; retrain with `dvc repro {stage}`")


def xgb_json_bytes(booster: Any, kind: str) -> bytes:
    """XGBoost's JSON of `booster` with its kind recorded as a booster attribute."""
    booster.set_attr(**{KIND_KEY: kind})
    return bytes(booster.save_raw(raw_format="json"))


def missing(path: Path, what: str, stage: str) -> DataError:
    return DataError(f"{path}: {what} not found (written by stage '{stage}'; run `dvc repro {stage}`)")


def load_torch_checkpoint(path: str | Path) -> dict[str, Any]:
    """A Model A checkpoint as a dict of plain values; anything else is a DataError."""
    import torch
    path = Path(path)
    if not path.is_file():
        raise missing(path, "Model A checkpoint", "train_a")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)   # pickle-protocol chatter of a refused file
            ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        found = _GLOBAL.search(str(exc))
        if found:
            reason = f"it holds Python code ({found.group(1)}) that would run when loaded"
        elif path.read_bytes()[:1] == b"\x80":        # pickle protocol 2+ opcode
            reason = "a bare Python pickle (it could run code when loaded), not a torch checkpoint"
        else:
            reason = "not a readable torch checkpoint (no weights-only pickle inside)"
        raise DataError(f"{path}: refused: {reason}; retrain with `dvc repro train_a`") from None
    except (RuntimeError, EOFError, OSError, ValueError, zipfile.BadZipFile) as exc:
        raise DataError(f"{path}: refused: not a readable torch checkpoint "
                        f"({_first_line(exc)}); retrain with `dvc repro train_a`") from None
    if not isinstance(ckpt, dict):
        raise DataError(f"{path}: refused: a checkpoint is a dict, found {type(ckpt).__name__}")
    return ckpt


def guarded(path: str | Path, what: str, stage: str, load: Callable[[], Any],
            errors: tuple[type[BaseException], ...]) -> Any:
    """Run `load`; a library error from `errors` becomes a DataError naming file and reason."""
    path = Path(path)
    if not path.is_file():
        raise missing(path, what, stage)
    try:
        return load()
    except DataError:
        raise
    except errors as exc:
        raise DataError(f"{path}: refused: not a valid {what} ({_first_line(exc)}); "
                        f"retrain with `dvc repro {stage}`") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = re.sub(r"^\[[\d:]+\] \S+: ", "", text)          # XGBoost's "[time] file.cc:409: "
    return text[:200]


# sklearn's array-API shim for torch: a package that importing skops.io imports (skops lists
# sklearn's estimators with all_estimators, which imports every package of sklearn to walk it,
# the externals' too, though it takes no estimator from them): ~1.8 s of CPU importing torch
_TORCH_SHIM = "sklearn.externals.array_api_compat.torch"


def skops_io() -> types.ModuleType:
    """skops.io, imported without torch in a process that has not loaded torch (train_b's
    final fit, forecast): while skops lists the estimators, the shim is a placeholder (no
    subpackages to walk), then gone again, so a later import of it is the real one. The
    same trusted types: sklearn's externals give none."""
    if "skops.io" in sys.modules:
        return sys.modules["skops.io"]
    placeholder = None
    if "torch" not in sys.modules and _TORCH_SHIM not in sys.modules:
        placeholder = sys.modules[_TORCH_SHIM] = types.ModuleType(_TORCH_SHIM)
    try:
        import skops.io as sio
    finally:
        if placeholder is not None and sys.modules.get(_TORCH_SHIM) is placeholder:
            del sys.modules[_TORCH_SHIM]
    return sio


def skops_bytes(obj: Any) -> bytes:
    """skops' file of `obj` with the same bytes on every run and in every process: skops names
    each array file and each object's `__id__` after a memory address and stamps the clock
    time; here arrays and ids are numbered in the order skops wrote them (the same object keeps
    one number, which is all the loader needs) and every timestamp is zip's epoch. A JSON value
    (a string or number) gets a number of its own at each place: whether two trees share one
    "squared_error" string object depends on the process that built them (a Dask worker's
    did not), and loading a value does not depend on it."""
    data = skops_io().dumps(obj)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        arrays = [n for n in archive.namelist() if n.endswith(".npy")]
    renames = {name: f"array_{i:05d}.npy" for i, name in enumerate(arrays)}

    def rewrite(name: str, content: bytes) -> bytes:
        if name != "schema.json":
            return content
        text = _QUOTED_NPY.sub(lambda m: f'"{renames.get(m.group(1), m.group(1))}"',
                               content.decode("utf-8"))
        ids: dict[str, int] = {}      # "__id__": memory address -> order of first appearance
        numbers = itertools.count(1)

        def number(m: re.Match) -> str:
            if m.group(1):            # a JSON value: never shared
                return f'{m.group(1)}"__id__": {next(numbers)}'
            if m.group(2) not in ids:
                ids[m.group(2)] = next(numbers)
            return f'"__id__": {ids[m.group(2)]}'
        return _OBJECT_ID.sub(number, text).encode("utf-8")
    return canonical_zip(data, renames, rewrite)


STACKER = "stacker"                      # the fitted final stacker (stage stack)
ODDS_FITS = "odds_fits"                  # the odds layer's fits per season (stage evaluate)


def json_model_dict(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """A JSON model file's content: its kind first, then its values."""
    return {KIND_KEY: kind, **values}


def load_json_model(path: str | Path, kind: str, stage: str) -> dict[str, Any]:
    """A JSON model file (plain numbers and strings: nothing in it runs) of `kind`."""
    import json
    path = Path(path)
    if not path.is_file():
        raise missing(path, f"{kind} file", stage)
    try:
        values = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: refused: not a JSON {kind} file ({_first_line(exc)}); "
                        f"rerun `dvc repro {stage}`") from None
    if not isinstance(values, dict):
        raise DataError(f"{path}: refused: a {kind} file is a JSON object, found {type(values).__name__}")
    check_kind(values.pop(KIND_KEY, None), kind, path, stage)
    return values
