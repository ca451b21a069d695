"""The downloader against a loopback HTTP server: good, failing, truncated, already present."""
from __future__ import annotations

import hashlib
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest

from src.config import DataConfig
from src.data.download import ensure_raw_data
from src.data.sources import BASE_URL_ENV, RAW_SOURCES, REQUIRED_SOURCES, RawSource
from src.errors import DataError

GOOD_BODY = b"season,team\n2016,GSW\n2016,CLE\n"
TRUNCATED_BODY = b"season,team\n2016,G"
TRUNCATED_CLAIMED_LENGTH = 1000


def _source(name: str, body: bytes = GOOD_BODY) -> RawSource:
    return RawSource(name, "owner/repo", "abc1234", f"Data/{name}", hashlib.sha256(body).hexdigest())


class _Handler(BaseHTTPRequestHandler):
    """Routes by file name: 'good*' -> 200, 'missing*' -> 404, 'broken*' -> 500, 'trunc*' -> short body."""

    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        name = unquote(self.path.rsplit("/", 1)[-1])
        type(self).requests.append(name)
        if name.startswith("good"):
            self._reply(200, GOOD_BODY, len(GOOD_BODY))
        elif name.startswith("missing"):
            self._reply(404, b"not found", len(b"not found"))
        elif name.startswith("trunc"):
            self._reply(200, TRUNCATED_BODY, TRUNCATED_CLAIMED_LENGTH)
        else:
            self._reply(500, b"boom", len(b"boom"))

    def _reply(self, status: int, body: bytes, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(length))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass


@pytest.fixture()
def server():
    _Handler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/files", _Handler.requests
    httpd.shutdown()
    httpd.server_close()


def _cfg(tmp_path: Path, retries: int = 2) -> DataConfig:
    return DataConfig(raw_dir=str(tmp_path), first_season=1997, download_retries=retries,
                      download_timeout_s=5)


def test_good_download_writes_file_and_logs_matching_checksum(tmp_path, server, caplog):
    base, requests = server
    source = _source("good file.csv")
    with caplog.at_level(logging.INFO, logger="download"):
        paths = ensure_raw_data(tmp_path, _cfg(tmp_path), [source], base_url=base, backoff_s=0)
    assert paths == [tmp_path / "good file.csv"]
    assert paths[0].read_bytes() == GOOD_BODY
    assert requests == ["good file.csv"]
    assert source.sha256 in caplog.text and "matches" in caplog.text
    assert [p.name for p in tmp_path.iterdir()] == ["good file.csv"]  # no temp files left


def test_base_url_from_environment(tmp_path, server, monkeypatch):
    base, requests = server
    monkeypatch.setenv(BASE_URL_ENV, base)
    ensure_raw_data(tmp_path, _cfg(tmp_path), [_source("good.csv")], backoff_s=0)
    assert requests == ["good.csv"]


def test_checksum_difference_is_a_warning_not_an_error(tmp_path, server, caplog):
    base, _ = server
    source = _source("good.csv", body=b"another version of the file")
    with caplog.at_level(logging.WARNING, logger="download"):
        ensure_raw_data(tmp_path, _cfg(tmp_path), [source], base_url=base, backoff_s=0)
    assert (tmp_path / "good.csv").read_bytes() == GOOD_BODY
    assert "differs" in caplog.text


@pytest.mark.parametrize("name, reason", [("broken.csv", "HTTP 500"), ("missing.csv", "HTTP 404")])
def test_failing_response_retries_then_names_file_and_local_copy(tmp_path, server, name, reason):
    base, requests = server
    with pytest.raises(DataError) as err:
        ensure_raw_data(tmp_path, _cfg(tmp_path, retries=2), [_source(name)], base_url=base, backoff_s=0)
    message = str(err.value)
    assert name in message and reason in message and "3 attempts" in message
    assert "data.raw_dir" in message and "NBA_RAW_DIR" in message
    assert requests == [name] * 3
    assert list(tmp_path.iterdir()) == []


def test_truncated_response_is_retried_and_leaves_no_partial_file(tmp_path, server):
    base, requests = server
    with pytest.raises(DataError, match="trunc.csv.*truncated"):
        ensure_raw_data(tmp_path, _cfg(tmp_path, retries=1), [_source("trunc.csv")],
                        base_url=base, backoff_s=0)
    assert requests == ["trunc.csv"] * 2
    assert list(tmp_path.iterdir()) == []


def test_no_network_error_names_the_file(tmp_path):
    # Port 9 on loopback (discard) has no listener here: connection refused, no real network used.
    with pytest.raises(DataError, match="good.csv.*network error.*NBA_RAW_DIR"):
        ensure_raw_data(tmp_path, _cfg(tmp_path, retries=0), [_source("good.csv")],
                        base_url="http://127.0.0.1:9", backoff_s=0)


def test_present_files_use_no_network(tmp_path, server, caplog):
    base, requests = server
    (tmp_path / "broken.csv").write_bytes(GOOD_BODY)  # would fail if it were fetched
    with caplog.at_level(logging.INFO, logger="download"):
        paths = ensure_raw_data(tmp_path, _cfg(tmp_path), [_source("broken.csv")], base_url=base)
    assert paths == [tmp_path / "broken.csv"]
    assert requests == []
    assert hashlib.sha256(GOOD_BODY).hexdigest() in caplog.text


def test_sources_cover_shared_checksums_and_build_raw_urls():
    names = [s.name for s in RAW_SOURCES]
    assert len(names) == len(set(names)) == 18
    assert {s.name for s in REQUIRED_SOURCES} == {
        "Team Summaries.csv", "Team Abbrev.csv", "Team_Records.csv", "play_off_totals_2010_2024.csv",
        "Player Play By Play.csv", "Player Shooting.csv", "Player Season Info.csv", "All-Star Selections.csv",
        "Per 100 Poss.csv"}
    per_100 = next(s for s in RAW_SOURCES if s.name == "Per 100 Poss.csv")
    assert per_100.url().endswith("/6918b05/Data/Per%20100%20Poss.csv")   # its own pinned commit
    records = next(s for s in RAW_SOURCES if s.name == "Team_Records.csv")
    assert records.url() == ("https://raw.githubusercontent.com/Tmaku18/NBA-Playoff-Strength-Project/"
                             "4ea72b2/data/raw/Team_Records.csv")
    summaries = next(s for s in RAW_SOURCES if s.name == "Team Summaries.csv")
    assert summaries.url().endswith("/2d86687/Data/Team%20Summaries.csv")


def test_real_copy_matches_pinned_checksums(real_raw_dir):
    sums = dict(reversed(line.split("  ", 1)) for line in
                (real_raw_dir / "SHA256SUMS").read_text().splitlines() if line.strip())
    for source in RAW_SOURCES:
        assert sums[source.name] == source.sha256, source.name


def test_missing_file_is_copied_from_local_source_without_network(tmp_path, server):
    base, requests = server
    local, raw = tmp_path / "local", tmp_path / "raw"
    local.mkdir()
    (local / "broken.csv").write_bytes(GOOD_BODY)  # the server would fail on this name
    paths = ensure_raw_data(raw, _cfg(raw), [_source("broken.csv")], local_source=local, base_url=base)
    assert paths[0].read_bytes() == GOOD_BODY
    assert requests == []
    assert sorted(p.name for p in raw.iterdir()) == ["broken.csv"]


def test_file_absent_from_local_source_is_downloaded(tmp_path, server):
    base, requests = server
    local = tmp_path / "local"
    local.mkdir()
    ensure_raw_data(tmp_path / "raw", _cfg(tmp_path), [_source("good.csv")], local_source=local,
                    base_url=base, backoff_s=0)
    assert requests == ["good.csv"]
    assert (tmp_path / "raw" / "good.csv").read_bytes() == GOOD_BODY
