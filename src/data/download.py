"""Make sure every raw input file is in `data.raw_dir`: check what is there, fetch what is not.

A file already present is never fetched again; its SHA256 is logged and compared with the
pinned source (a difference is a warning: users may bring newer data). A missing file is
copied from a local source folder (env NBA_RAW_DIR) when it is there, else downloaded with
retries and exponential backoff and checked against Content-Length. Either way it is renamed
into place only when complete, so a failed or truncated fetch never leaves a file.
"""
from __future__ import annotations

import hashlib
import http.client
import logging
import os
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterable

from tqdm import tqdm

from src.config import DataConfig
from src.data.sources import BASE_URL_ENV, REQUIRED_SOURCES, RawSource
from src.errors import DataError
from src.utils.io import atomic_path
from src.utils.logging import progress_disabled

log = logging.getLogger("download")

CHUNK_BYTES = 1 << 16
# Wait before retry k (k = 1, 2, ...) is BACKOFF_BASE_S * 2**(k-1): 1 s, 2 s, 4 s ...
BACKOFF_BASE_S = 1.0
LOCAL_COPY_HINT = ("set the NBA_RAW_DIR environment variable to a local copy of the files "
                   "(e.g. NBA_RAW_DIR=../shared/data/nba-bref; the stage copies from it), or point "
                   "`data.raw_dir` in params.yaml at a folder that already holds them")


class DownloadError(Exception):
    """One attempt failed; retried by `download_file`, turned into a DataError at the end."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ensure_raw_data(raw_dir: Path, cfg: DataConfig, sources: Iterable[RawSource] = REQUIRED_SOURCES,
                    local_source: Path | None = None, base_url: str | None = None,
                    backoff_s: float = BACKOFF_BASE_S) -> list[Path]:
    """Return the paths of the raw files (default: those ingest reads) in `raw_dir`, fetching
    the missing ones.

    A missing file is copied from `local_source` when it holds it, else downloaded.
    `base_url` (or env NBA_DATA_BASE_URL) replaces GitHub with `<base_url>/<file name>`.
    """
    base_url = base_url or os.environ.get(BASE_URL_ENV) or None
    raw_dir = Path(raw_dir)
    paths = []
    for source in sources:
        path = raw_dir / source.name
        if path.exists():
            check_present(path, source)
        elif local_source is not None and (Path(local_source) / source.name).is_file():
            copy_local(Path(local_source) / source.name, path, source)
        else:
            if local_source is not None:
                log.warning("%s: not in the local source %s; downloading it", source.name, local_source)
            download_file(source, path, retries=cfg.download_retries,
                          timeout_s=cfg.download_timeout_s, base_url=base_url, backoff_s=backoff_s)
        paths.append(path)
    return paths


def check_present(path: Path, source: RawSource) -> None:
    actual = sha256_of(path)
    if actual == source.sha256:
        log.info("%s: present, sha256 %s matches %s@%s", path, actual, source.repo, source.commit)
    else:
        log.warning("%s: present, sha256 %s differs from the pinned source %s@%s (%s); "
                    "using the local file", path, actual, source.repo, source.commit, source.sha256)


def copy_local(src: Path, dest: Path, source: RawSource) -> Path:
    with atomic_path(dest) as tmp:
        shutil.copyfile(src, tmp)
    _log_fetched(dest, "copied from " + str(src), sha256_of(dest), source)
    return dest


def _log_fetched(dest: Path, how: str, actual: str, source: RawSource) -> None:
    if actual == source.sha256:
        log.info("%s: %s, sha256 %s matches the pinned source", dest, how, actual)
    else:
        log.warning("%s: %s, sha256 %s differs from the pinned %s", dest, how, actual, source.sha256)


def download_file(source: RawSource, dest: Path, retries: int, timeout_s: float,
                  base_url: str | None = None, backoff_s: float = BACKOFF_BASE_S) -> Path:
    """Download `source` to `dest` with `retries` retries after the first attempt."""
    url = source.url(base_url)
    attempts = retries + 1
    for attempt in range(1, attempts + 1):
        try:
            actual = _fetch_once(url, dest, timeout_s)
            break
        except DownloadError as exc:
            log.warning("%s: attempt %d/%d failed: %s", source.name, attempt, attempts, exc)
            if attempt == attempts:
                raise DataError(
                    f"{dest}: could not download '{source.name}' from {url} after {attempts} "
                    f"attempts (last error: {exc}). Without a network, {LOCAL_COPY_HINT}.") from exc
            time.sleep(backoff_s * 2 ** (attempt - 1))
    _log_fetched(dest, "downloaded from " + url, actual, source)
    return dest


def _fetch_once(url: str, dest: Path, timeout_s: float) -> str:
    """One attempt: stream `url` into a temp file beside `dest`, rename when complete; return sha256."""
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as resp, atomic_path(dest) as tmp:
            expected = _content_length(resp)
            received = 0
            with tmp.open("wb") as out, tqdm(total=expected, unit="B", unit_scale=True,
                                             desc=dest.name, disable=progress_disabled(),
                                             leave=False) as bar:
                for chunk in iter(lambda: resp.read(CHUNK_BYTES), b""):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
            if expected is not None and received != expected:
                raise DownloadError(f"truncated: received {received} of {expected} bytes")
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise DownloadError(f"network error: {exc.reason}") from exc
    except http.client.IncompleteRead as exc:
        raise DownloadError("truncated: the connection closed before Content-Length bytes arrived") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise DownloadError(f"{type(exc).__name__}: {exc}") from exc
    return digest.hexdigest()


def _content_length(resp: http.client.HTTPResponse) -> int | None:
    value = resp.headers.get("Content-Length")
    return int(value) if value and value.isdigit() else None
