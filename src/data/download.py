"""Make sure every raw input file is in `data.raw_dir`, with the pinned checksum.

A file already present is kept only if its SHA256 matches the pinned source; a file that
differs is fetched again (copied from the local source folder, env NBA_RAW_DIR, when it is
there, else downloaded with retries and exponential backoff). A fetched file must match the
pin too: a mismatch is an error unless `data.accept_changed_checksums` is true (a newer
upstream file, kept with a warning). Each download attempt has an overall deadline
(`data.download_deadline_s`) besides the per-read timeout, and a body without
Content-Length is judged by its checksum alone. Files are renamed into place only when
complete and checked; a failed, cut or interrupted fetch (SIGTERM included: stage_main
turns it into an exception) leaves no file and no temp file.
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
from src.utils.logging import ONCE, progress_disabled

log = logging.getLogger("download")

CHUNK_BYTES = 1 << 16
# Wait before retry k (k = 1, 2, ...) is BACKOFF_BASE_S * 2**(k-1): 1 s, 2 s, 4 s ...
BACKOFF_BASE_S = 1.0
LOCAL_COPY_HINT = ("set the NBA_RAW_DIR environment variable to a local copy of the files "
                   "(e.g. NBA_RAW_DIR=../shared/data/nba-bref; the stage copies from it), or point "
                   "`data.raw_dir` in params.yaml at a folder that already holds them")


def from_users_repo(local_source: Path | None) -> Path | None:
    """NBA_RAW_DIR made absolute: a relative path is read from the repo the user ran dvc in.

    DVC sets DVC_ROOT to that repo for every stage command, also for a queued experiment,
    which runs in a temporary copy of the repo where the path as typed points nowhere.
    Outside DVC (a stage run by hand) the current folder stands in for it.
    """
    if local_source is None:
        return None
    path = Path(local_source).expanduser()
    if path.is_absolute():
        return path
    return Path(os.path.normpath(Path(os.environ.get("DVC_ROOT") or os.getcwd()) / path))


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
    the missing ones and the ones whose checksum differs from the pin.

    A file is copied from `local_source` when it holds it, else downloaded.
    `base_url` (or env NBA_DATA_BASE_URL) replaces GitHub with `<base_url>/<file name>`.
    """
    base_url = base_url or os.environ.get(BASE_URL_ENV) or None
    raw_dir = Path(raw_dir)
    paths = []
    for source in sources:
        path = raw_dir / source.name
        changed = path.exists() and not present_and_trusted(path, source, cfg)
        if changed or not path.exists():
            try:
                fetch(source, path, cfg, local_source, base_url, backoff_s)
            except DataError as exc:
                if not changed:
                    raise
                raise DataError(changed_file_message(path, source, exc)) from exc
        paths.append(path)
    return paths


def changed_file_message(path: Path, source: RawSource, fetch_error: Exception) -> str:
    """A present file that differs from its pin, and the pinned one could not be fetched
    (offline): say that first, and both ways out."""
    return (f"{path}: this file differs from the pinned source (sha256 {sha256_of(path)}, pinned "
            f"{source.sha256} at {source.repo}@{source.commit}), and the pinned file could not be "
            f"fetched to replace it ({fetch_error}). To keep your file (a newer upstream "
            "version), set data.accept_changed_checksums: true in params.yaml; to restore the "
            f"pinned one without a network, {LOCAL_COPY_HINT}")


def present_and_trusted(path: Path, source: RawSource, cfg: DataConfig) -> bool:
    """True for a file matching its pin (or any file when changed checksums are accepted)."""
    actual = sha256_of(path)
    if actual == source.sha256:
        log.info("%s: present, sha256 %s matches %s@%s", path, actual, source.repo, source.commit,
                 extra=ONCE)
        return True
    if cfg.accept_changed_checksums:
        log.warning("%s: present, sha256 %s differs from the pinned source %s@%s (%s); kept "
                    "because data.accept_changed_checksums is true", path, actual, source.repo,
                    source.commit, source.sha256)
        return True
    log.warning("%s: present, but sha256 %s differs from the pinned %s: fetching it again",
                path, actual, source.sha256)
    return False


def fetch(source: RawSource, path: Path, cfg: DataConfig, local_source: Path | None,
          base_url: str | None, backoff_s: float) -> Path:
    """Copy from the local source when it holds the file, else download; checked either way."""
    if local_source is not None and (Path(local_source) / source.name).is_file():
        return copy_local(Path(local_source) / source.name, path, source, cfg)
    if local_source is not None:
        log.warning("%s: not in the local source %s; downloading it", source.name, local_source)
    return download_file(source, path, cfg, base_url=base_url, backoff_s=backoff_s)


def copy_local(src: Path, dest: Path, source: RawSource, cfg: DataConfig) -> Path:
    with atomic_path(dest) as tmp:
        shutil.copyfile(src, tmp)
        check_fetched(tmp, sha256_of(tmp), source, cfg, "copied from " + str(src), dest)
    return dest


def check_fetched(tmp: Path, actual: str, source: RawSource, cfg: DataConfig, how: str,
                  dest: Path) -> None:
    """A fetched file must match its pin, unless changed checksums are accepted (logged)."""
    if actual == source.sha256:
        log.info("%s: %s, sha256 %s matches the pinned source", dest, how, actual, extra=ONCE)
    elif cfg.accept_changed_checksums:
        log.warning("%s: %s, sha256 %s differs from the pinned %s; kept because "
                    "data.accept_changed_checksums is true", dest, how, actual, source.sha256)
    else:
        raise DataError(f"{dest}: {how}: sha256 {actual} differs from the pinned {source.sha256} "
                        f"({source.repo}@{source.commit}); the file is cut or changed upstream. "
                        "To use a newer upstream file, set data.accept_changed_checksums: true")


def download_file(source: RawSource, dest: Path, cfg: DataConfig, base_url: str | None = None,
                  backoff_s: float = BACKOFF_BASE_S) -> Path:
    """Download `source` to `dest` with `data.download_retries` retries after the first attempt.
    A checksum mismatch is retried like a cut connection (a body without Content-Length
    that stops early is only recognisable by it)."""
    url = source.url(base_url)
    attempts = cfg.download_retries + 1
    for attempt in range(1, attempts + 1):
        try:
            _fetch_once(url, dest, source, cfg)
            return dest
        except (DownloadError, DataError) as exc:
            log.warning("%s: attempt %d/%d failed: %s", source.name, attempt, attempts, exc)
            if attempt == attempts:
                if isinstance(exc, DataError):
                    raise
                raise DataError(
                    f"{dest}: could not download '{source.name}' from {url} after {attempts} "
                    f"attempts (last error: {exc}). Without a network, {LOCAL_COPY_HINT}.") from exc
            time.sleep(backoff_s * 2 ** (attempt - 1))
    return dest


def _fetch_once(url: str, dest: Path, source: RawSource, cfg: DataConfig) -> None:
    """One attempt: stream `url` into a temp file beside `dest`; rename it into place only
    when complete (Content-Length, when sent), in time and matching the pin."""
    digest = hashlib.sha256()
    deadline = time.monotonic() + cfg.download_deadline_s
    try:
        with urllib.request.urlopen(url, timeout=cfg.download_timeout_s) as resp, \
                atomic_path(dest) as tmp:
            expected = _content_length(resp)
            received = 0
            with tmp.open("wb") as out, tqdm(total=expected, unit="B", unit_scale=True,
                                             desc=dest.name, disable=progress_disabled(),
                                             leave=False) as bar:
                # read1: what has arrived (one socket read), so a trickle meets the deadline
                for chunk in iter(lambda: resp.read1(CHUNK_BYTES), b""):
                    if time.monotonic() > deadline:
                        raise DownloadError(f"deadline: {received} bytes after "
                                            f"data.download_deadline_s = {cfg.download_deadline_s:g} s")
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
            if expected is not None and received != expected:
                raise DownloadError(f"truncated: received {received} of {expected} bytes")
            check_fetched(tmp, digest.hexdigest(), source, cfg, "downloaded from " + url, dest)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise DownloadError(f"network error: {exc.reason}") from exc
    except http.client.IncompleteRead as exc:
        raise DownloadError("truncated: the connection closed before Content-Length bytes arrived") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise DownloadError(f"{type(exc).__name__}: {exc}") from exc


def _content_length(resp: http.client.HTTPResponse) -> int | None:
    value = resp.headers.get("Content-Length")
    return int(value) if value and value.isdigit() else None
