"""One content-addressed cache for the fits of every estimator (Model A, Model B, the stacker).

A fit whose inputs were fitted before is read back instead of run again. The key
(`fit_key`) is a SHA-256 of the estimator's kind, its params (`get_params()`, the typed
params section), a digest of the exact rows the fit reads, the source of every project module
the process has loaded (the fit's code and what runs it: a change there is a new key, never
a stale fit), the versions of the libraries that compute it, the CPU pins and this format's
version. The value is the estimator's own saved bytes (one file per part) and a small
record, verified before use (src/training/fit_cache_entry.py); a bad entry is a warning
naming it and a refit, never a crash or a wrong model.

Where (one folder per kind, `<folder>/<key[:2]>/<key>.<part>` + `.json`):
* `FIT_CACHE=/path`: `/path/<kind>_fits/` for every kind (e.g. a team's shared disk);
* `MODEL_A_FIT_CACHE=/path` (older, still honoured): Model A's folder itself;
* neither: `.cache/<kind>_fits/` in the DVC repo (DVC_ROOT: the workspace's repo also for
  queued experiments, which run in temporary copies of it), so Model A's stays
  `.cache/model_a_fits/`.
A folder that cannot be made is refused before any fit runs; one that can be read but not
written is read from, and nothing is stored (said once).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from src.errors import ConfigError
from src.training.fit_cache_entry import FORMAT, BadEntry, envelope, verified_meta
from src.utils.io import write_bytes, write_text
from src.utils.parallel import PINNED_ENV

log = logging.getLogger(__name__)

CACHE_ENV = "FIT_CACHE"                   # the root of every kind's folder (docs/architecture.md)
MODEL_A_ENV = "MODEL_A_FIT_CACHE"         # Model A's folder (the bench and CI set it)
CACHE_ROOT = Path(".cache")
SRC = Path(__file__).resolve().parents[1]


@dataclass
class Entry:
    """A fit as stored: the estimator's saved bytes (part name -> bytes) and its record; and,
    not stored, the fitted estimator itself (as fitted, or as its kind's `check` loaded it)."""
    parts: dict[str, bytes]
    meta: dict[str, Any]
    loaded: Any = None


@dataclass(frozen=True)
class CachedKind:
    """What the cache knows of one estimator kind: its name (the folder and the key), the
    names of its saved parts, and `check(entry, where)`, which loads an entry the kind's safe
    way (returning the estimator, or None where its caller loads it) and raises BadEntry (or
    any exception) for one that must not be used."""
    name: str
    parts: tuple[str, ...]
    check: Callable[[Entry, str], Any]


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The source of every project module this process has loaded (the fit's code and what
    runs it): a change there is a new key, never a stale fit; a change elsewhere in src/
    (a report, the evaluation) keeps the cache. Called after the fit's modules are imported."""
    files = sorted({Path(module.__file__).resolve() for name, module in list(sys.modules.items())
                    if name.split(".")[0] == "src" and getattr(module, "__file__", None)})
    h = hashlib.sha256()
    for path in files:
        h.update(str(path.relative_to(SRC)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def library_versions(*names: str) -> dict[str, str]:
    """The versions of the libraries a fit's numbers come from (imported already)."""
    return {name: getattr(sys.modules[name], "__version__", "?") for name in names}


def fit_key(kind: str, params: Any, data: Any, libraries: Mapping[str, str]) -> str:
    """The cache key of one fit: kind, params, a digest of its rows, code, versions, pins."""
    parts = {"kind": kind, "format": FORMAT, "code": code_digest(), "params": params,
             "data": data, "env": {**libraries, "python": platform.python_version(),
                                   **{k: os.environ.get(k) for k in PINNED_ENV}}}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def seasons_digest(digests: Mapping[int, str], seasons: Sequence[int]) -> dict[str, str]:
    """A fit's share of per-season digests (hashed once per stage, cut per fit)."""
    return {str(s): digests[s] for s in sorted(seasons) if s in digests}


class FitCache:
    """The entries of one kind in one folder; `hits`/`misses` count the fits asked for."""

    def __init__(self, folder: str | Path, kind: CachedKind, writable: bool = True) -> None:
        self.folder, self.kind, self.writable = Path(folder), kind, writable
        self.hits = self.misses = 0

    def _paths(self, key: str) -> tuple[dict[str, Path], Path]:
        base = self.folder / key[:2] / key
        return {name: base.with_suffix(f".{name}") for name in self.kind.parts}, base.with_suffix(".json")

    def peek(self, key: str) -> Entry | None:
        """The verified entry of `key` (not counted), or None (a bad one: said, None)."""
        parts, record = self._paths(key)
        if not record.exists() and not any(p.exists() for p in parts.values()):
            return None
        try:
            data = {name: path.read_bytes() for name, path in parts.items()}
            entry = Entry(data, verified_meta(self.kind.name, key, data, record.read_text()))
            entry.loaded = self.kind.check(entry, str(record.with_suffix("")))
            return entry
        except Exception as exc:       # BadEntry, an unreadable file, a part its loader refuses
            why = exc if isinstance(exc, BadEntry) else f"{type(exc).__name__}: {exc}"
            log.warning("%s fit cache: entry %s not used, fitted again: %s", self.kind.name,
                        record.with_suffix(""), why)
            return None

    def count(self, hit: bool) -> None:
        self.hits, self.misses = self.hits + hit, self.misses + (not hit)

    def get(self, key: str) -> Entry | None:
        entry = self.peek(key)
        self.count(entry is not None)
        return entry

    def put(self, key: str, entry: Entry) -> None:
        if not self.writable:
            return
        parts, record = self._paths(key)
        try:
            for name, path in parts.items():
                write_bytes(entry.parts[name], path)
            write_text(envelope(self.kind.name, key, entry.parts, entry.meta), record)   # last
        except OSError as exc:         # a full disk, a folder made read-only during the run
            self.writable = False
            log.warning("%s fit cache %s: could not store a fit (%s); the run goes on without "
                        "storing fits", self.kind.name, self.folder, exc)

    def summary(self, desc: str) -> str:
        return f"{desc}: {self.hits} fits read from {self.folder}, {self.misses} fitted"


def cached_fits(cache: FitCache | None, keys: Sequence[str],
                fit: Callable[[list[int]], Sequence[Entry]], desc: str) -> list[Entry]:
    """The entry of every key, in order: read back, or made by `fit(indices of the misses)`
    (one call for all of them, so they can run in parallel) and stored."""
    entries = [cache.get(k) if cache is not None else None for k in keys]
    todo = [i for i, e in enumerate(entries) if e is None]
    made = fit(todo) if todo else []
    for i, entry in zip(todo, made, strict=True):
        entries[i] = entry
        if cache is not None:
            cache.put(keys[i], entry)
    if cache is not None:
        log.info("%s", cache.summary(desc))
    return entries


def cache_folder(kind: str) -> tuple[Path, str]:
    """(the kind's folder, how it was named: for messages), from the environment."""
    if kind == "model_a" and os.environ.get(MODEL_A_ENV):
        return Path(os.environ[MODEL_A_ENV]), f"{MODEL_A_ENV}={os.environ[MODEL_A_ENV]}"
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]) / f"{kind}_fits", f"{CACHE_ENV}={os.environ[CACHE_ENV]}"
    return Path(os.environ.get("DVC_ROOT") or ".") / CACHE_ROOT / f"{kind}_fits", "the fit cache"


def default_cache(kind: CachedKind) -> FitCache:
    """The kind's cache in the folder the environment names (cache_folder), checked now."""
    folder, where = cache_folder(kind.name)
    return FitCache(folder, kind, writable=cache_writable(folder, where))


def cache_writable(folder: Path, where: str) -> bool:
    """Checked before any fit runs: True when fits can be stored in `folder`; False (said
    once) for a folder that can be read but not written; ConfigError when it is no folder."""
    env = MODEL_A_ENV if where.startswith(MODEL_A_ENV) else CACHE_ENV
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if not folder.is_dir():
            raise ConfigError(f"{where}: {folder} cannot be made a folder ({exc.strerror}); "
                              f"name a writable folder in {env}, or unset it") from None
    if not folder.is_dir():
        raise ConfigError(f"{where}: {folder} is not a folder; name a writable folder in "
                          f"{env}, or unset it")
    try:
        probe = tempfile.TemporaryFile(dir=folder)
    except OSError as exc:
        log.warning("%s: %s is read-only (%s): cached fits are read from it, new fits are not "
                    "stored", where, folder, exc.strerror)
        return False
    probe.close()
    return True
