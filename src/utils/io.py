"""Atomic writers: an output is either the previous complete file (or folder) or the new
complete one. Model files are written as bytes built in memory, so no temp file name and
no clock time ends up inside them: same params + data = same bytes."""
from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import pandas as pd

from src.artifacts import by_path
from src.errors import DataError, OutputError


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it over `path` only if the block succeeds."""
    path = Path(path)
    with _writable_folder(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with _writable_folder(path):
            os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get normal permissions
            os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


@contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Yield an empty temp folder beside `path`; when the block succeeds it replaces `path`
    (the old folder is removed only after the new one is in place). A failed or killed run
    leaves `path` as it was; a temp folder a killed run left behind is removed next time."""
    path = Path(path)
    prefix = f".{path.name}.tmp-"
    with _writable_folder(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(prefix + "*"):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=path.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        old = path.parent / f".{path.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def _writable_folder(path: Path) -> Iterator[None]:
    """An OSError of setting up or renaming an output as one error naming its folder (a
    read-only or missing folder, a full disk): the old output is left as it was."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, OutputError):
            raise
        folder = path.parent
        if not folder.is_dir():
            state = "is not a folder and cannot be made one"
        else:
            state = "is read-only" if not os.access(folder, os.W_OK) else "cannot be written"
        raise OutputError(f"cannot write {path}: the folder {folder} {state} "
                          f"({exc.strerror or exc}); make it writable, or run from a copy "
                          "of the project you can write") from None


def write_bytes(data: bytes, path: str | Path) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def canonical_zip(data: bytes, renames: dict[str, str] | None = None,
                  rewrite: Callable[[str, bytes], bytes] | None = None) -> bytes:
    """The same zip archive with every member's timestamp set to 1980-01-01 (zip's epoch),
    members renamed by `renames` and their bytes passed through `rewrite(name, data)`."""
    renames = renames or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            name = renames.get(info.filename, info.filename)
            fixed = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            content = src.read(info.filename)
            dst.writestr(fixed, rewrite(info.filename, content) if rewrite else content)
    return out.getvalue()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_parquet(df: pd.DataFrame, path: str | Path) -> Path:
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False)
    return Path(path)


def write_json(obj: Any, path: str | Path) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=False, default=_json_default) + "\n")
    return Path(path)


def write_text(text: str, path: str | Path) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    return Path(path)


def read_input(path: str | Path, made_by: str | None = None) -> pd.DataFrame:
    """A stage's parquet input; if missing, say which stage writes it (src/artifacts.py)."""
    path = Path(path)
    registered = by_path(path)
    if registered is not None and made_by not in (None, registered.stage):
        raise ValueError(f"{path} is written by stage '{registered.stage}' (src/artifacts.py), "
                         f"not '{made_by}'")
    stage = registered.stage if registered is not None else made_by
    if not path.exists():
        hint = f"written by stage '{stage}'; run `dvc repro {stage}`" if stage else "not a stage output"
        raise DataError(f"{path}: not found ({hint})")
    return pd.read_parquet(path)


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")
