"""One entry of the fit cache (src/training/fit_cache.py), verified before it is used.

An entry is the estimator's saved bytes, one file per part (`<key>.pt` for Model A;
`<key>.ranker`, `<key>.forest`, `<key>.playoff` for Model B; `<key>.stacker` for the stacker),
and `<key>.json`: the fit's small record (`meta`), the kind, the key it was stored under (the
hash of its inputs), the SHA-256 of every part and of the record. Reading checks all of them;
the kind's own check (src/training/fit_cache.py `CachedKind.check`) then loads the parts the
safe way (torch weights_only, XGBoost JSON, skops with its trusted types). A flipped byte, a
truncated or missing part, an edited record, a planted pickle or an entry of an older format
is `BadEntry`, which the cache reports as a warning naming the entry before fitting again.
"""
from __future__ import annotations

import hashlib
import json
import math
from typing import Any, Mapping

FORMAT = 3


class BadEntry(Exception):
    """A cache entry that must not be used (the message says why)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def meta_digest(meta: dict[str, Any]) -> str:
    return sha256(json.dumps(meta, sort_keys=True).encode())


def envelope(kind: str, key: str, parts: Mapping[str, bytes], meta: dict[str, Any]) -> str:
    """The .json text of an entry."""
    return json.dumps({"format": FORMAT, "kind": kind, "key": key,
                       "parts": {name: sha256(data) for name, data in sorted(parts.items())},
                       "meta_sha256": meta_digest(meta), "meta": meta})


def verified_meta(kind: str, key: str, parts: Mapping[str, bytes], text: str) -> dict[str, Any]:
    """The record of an entry whose .json is `text` and whose parts are `parts`, or BadEntry."""
    try:
        entry = json.loads(text)
    except ValueError as exc:
        raise BadEntry(f"the .json is not JSON ({exc})") from None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        raise BadEntry(f"not an entry of format {FORMAT} (written by an older version?)")
    if entry.get("kind") != kind:
        raise BadEntry(f"an entry of kind {entry.get('kind')!r}, not {kind!r}")
    if entry.get("key") != key:
        raise BadEntry(f"stored under inputs {str(entry.get('key'))[:12]}..., not these")
    recorded = entry.get("parts")
    if not isinstance(recorded, dict) or sorted(recorded) != sorted(parts):
        raise BadEntry(f"records the parts {recorded!r}, not {sorted(parts)}")
    for name, data in sorted(parts.items()):
        if recorded[name] != sha256(data):
            raise BadEntry(f"the .{name}'s bytes ({len(data)}) do not match their recorded hash "
                           "(changed or truncated)")
    meta = entry.get("meta")
    if not isinstance(meta, dict) or entry.get("meta_sha256") != meta_digest(meta):
        raise BadEntry("the record in the .json does not match its recorded hash (edited)")
    return meta


def check_numbers(meta: dict[str, Any], losses: tuple[str, ...] = (),
                  scores: tuple[str, ...] = ()) -> None:
    """Record fields that are losses or scores: a finite number (a loss >= 0) or null."""
    for name in losses + scores:
        value = meta.get(name)
        if value is None:
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise BadEntry(f"{name} = {value!r} is not a finite number")
        if name in losses and value < 0:
            raise BadEntry(f"{name} = {value!r}: a log-loss is never negative")
