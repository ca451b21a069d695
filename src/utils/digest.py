"""SHA-256 digests of tables: what a content-addressed cache keys on."""
from __future__ import annotations

import hashlib

import pandas as pd


def frame_digest(frame: pd.DataFrame) -> str:
    """Column names and dtypes, then every row's values in order (not the index)."""
    h = hashlib.sha256(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()


def season_digests(frame: pd.DataFrame) -> dict[int, str]:
    """season -> frame_digest of the frame's rows of that season (in their order): hashed once
    for a table that many fits cut by season (a fit's cache key takes its seasons' digests)."""
    return {int(s): frame_digest(rows) for s, rows in frame.groupby("season", sort=True)}
