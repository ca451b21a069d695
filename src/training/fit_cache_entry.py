"""One entry of the Model A fit cache, verified before it is used.

An entry is `<key>.pt` (the checkpoint) and `<key>.json`: the fit's record (`meta`), the key
it was stored under (the hash of its inputs), the SHA-256 of the checkpoint's bytes and of
the record. Reading checks all three and that the checkpoint loads as tensors alone
(torch.load weights_only): a flipped byte, a truncated or unreadable file, an edited record
(`val_loss: -5`), a planted pickle or an entry of an older format is `BadEntry`, which the
cache reports as a warning naming the entry before fitting it again.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
from typing import Any

import torch

FORMAT = 2
# record fields that are losses or scores: a finite number (a loss >= 0) or null
LOSSES = ("val_loss",)
SCORES = ("val_spearman",)


class BadEntry(Exception):
    """A cache entry that must not be used (the message says why)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def meta_digest(meta: dict[str, Any]) -> str:
    return sha256(json.dumps(meta, sort_keys=True).encode())


def envelope(key: str, checkpoint: bytes, meta: dict[str, Any]) -> str:
    """The .json text of an entry."""
    return json.dumps({"format": FORMAT, "key": key, "checkpoint_sha256": sha256(checkpoint),
                       "meta_sha256": meta_digest(meta), "meta": meta})


def verified_meta(key: str, checkpoint: bytes, text: str) -> dict[str, Any]:
    """The record of an entry whose .json is `text` and .pt is `checkpoint`, or BadEntry."""
    try:
        entry = json.loads(text)
    except ValueError as exc:
        raise BadEntry(f"the .json is not JSON ({exc})") from None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        raise BadEntry(f"not an entry of format {FORMAT} (written by an older version?)")
    meta = entry.get("meta")
    if entry.get("key") != key:
        raise BadEntry(f"stored under inputs {str(entry.get('key'))[:12]}..., not these")
    if entry.get("checkpoint_sha256") != sha256(checkpoint):
        raise BadEntry(f"the .pt's bytes ({len(checkpoint)}) do not match their recorded hash "
                       "(changed or truncated)")
    if not isinstance(meta, dict) or entry.get("meta_sha256") != meta_digest(meta):
        raise BadEntry("the record in the .json does not match its recorded hash (edited)")
    _check_numbers(meta)
    _check_tensors_only(checkpoint)
    return meta


def _check_numbers(meta: dict[str, Any]) -> None:
    for name in LOSSES + SCORES:
        value = meta.get(name)
        if value is None:
            continue
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise BadEntry(f"{name} = {value!r} is not a finite number")
        if name in LOSSES and value < 0:
            raise BadEntry(f"{name} = {value!r}: a log-loss is never negative")


def _check_tensors_only(checkpoint: bytes) -> None:
    try:
        state = torch.load(io.BytesIO(checkpoint), map_location="cpu", weights_only=True)
    except Exception as exc:       # UnpicklingError (a planted object), EOFError, RuntimeError
        raise BadEntry(f"the .pt does not load as tensors ({type(exc).__name__})") from None
    if not isinstance(state, dict) or "model_state" not in state:
        raise BadEntry("the .pt holds no model_state")
