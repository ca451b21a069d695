"""The downloader against a loopback HTTP server (127.0.0.1 only): good, failing, truncated,
without Content-Length, a trickle past the deadline, a checksum that differs from the pin,
a bad file already present, and a SIGTERM in the middle of a download."""
from __future__ import annotations

import hashlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from src.config import DataConfig
from src.data.download import ensure_raw_data
from src.data.sources import BASE_URL_ENV, RAW_SOURCES, REQUIRED_SOURCES, RawSource
from src.errors import DataError

REPO = Path(__file__).resolve().parents[1]
GOOD_BODY = b"season,team\n2016,GSW\n2016,CLE\n"
TRUNCATED_BODY = b"season,team\n2016,G"
TRUNCATED_CLAIMED_LENGTH = 1000


def _source(name: str, body: bytes = GOOD_BODY) -> RawSource:
    return RawSource(name, "owner/repo", "abc1234", f"Data/{name}", hashlib.sha256(body).hexdigest())


class _Handler(BaseHTTPRequestHandler):
    """Routes by file name: 'good*' -> 200, 'missing*' -> 404, 'broken*' -> 500, 'trunc*' ->
    short body, 'nolen*' -> whole body without Content-Length, 'cutnolen*' -> short body
    without Content-Length, 'slow*' -> the body one byte every 20 ms (any other name -> 500)."""

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
        elif name.startswith("nolen"):
            self._reply(200, GOOD_BODY, None)
        elif name.startswith("cutnolen"):
            self._reply(200, TRUNCATED_BODY, None)
        elif name.startswith("slow"):
            self._trickle(GOOD_BODY * 100)
        else:
            self._reply(500, b"boom", len(b"boom"))

    def _trickle(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for i in range(len(body)):
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                time.sleep(0.02)
        except OSError:          # the client gave up: expected
            pass
        self.close_connection = True

    def _reply(self, status: int, body: bytes, length: int | None) -> None:
        self.send_response(status)
        if length is not None:
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


def _cfg(tmp_path: Path, retries: int = 2, accept: bool = False, deadline_s: float = 30) -> DataConfig:
    return DataConfig(raw_dir=str(tmp_path), first_season=1997, download_retries=retries,
                      download_timeout_s=5, download_deadline_s=deadline_s,
                      accept_changed_checksums=accept, min_team_minutes_share=0.98,
                      min_linked_minutes_share=0.99)


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


def test_checksum_difference_is_an_error_by_default(tmp_path, server):
    base, requests = server
    source = _source("good.csv", body=b"another version of the file")
    with pytest.raises(DataError) as err:
        ensure_raw_data(tmp_path, _cfg(tmp_path, retries=1), [source], base_url=base, backoff_s=0)
    message = str(err.value)
    assert "good.csv" in message and "differs from the pinned" in message
    assert "data.accept_changed_checksums" in message
    assert requests == ["good.csv"] * 2                 # retried like a cut connection
    assert list(tmp_path.iterdir()) == []               # nothing kept, no temp file


def test_accept_switch_keeps_a_newer_upstream_file_and_logs_it(tmp_path, server, caplog):
    base, _ = server
    source = _source("good.csv", body=b"another version of the file")
    with caplog.at_level(logging.WARNING, logger="download"):
        ensure_raw_data(tmp_path, _cfg(tmp_path, accept=True), [source], base_url=base, backoff_s=0)
    assert (tmp_path / "good.csv").read_bytes() == GOOD_BODY
    assert "differs" in caplog.text and "accept_changed_checksums is true" in caplog.text


def test_no_content_length_whole_body_is_checked_by_checksum(tmp_path, server):
    base, _ = server
    ensure_raw_data(tmp_path, _cfg(tmp_path), [_source("nolen.csv")], base_url=base, backoff_s=0)
    assert (tmp_path / "nolen.csv").read_bytes() == GOOD_BODY


def test_no_content_length_cut_short_is_refused_by_checksum(tmp_path, server):
    base, requests = server
    with pytest.raises(DataError, match="cutnolen.csv.*differs from the pinned"):
        ensure_raw_data(tmp_path, _cfg(tmp_path, retries=1), [_source("cutnolen.csv")],
                        base_url=base, backoff_s=0)
    assert requests == ["cutnolen.csv"] * 2
    assert list(tmp_path.iterdir()) == []


def test_trickle_is_stopped_by_the_overall_deadline(tmp_path, server):
    """Every read arrives within the per-read timeout, but the file as a whole does not."""
    base, requests = server
    source = _source("slow.csv", body=GOOD_BODY * 100)
    with pytest.raises(DataError, match="slow.csv.*deadline.*download_deadline_s"):
        ensure_raw_data(tmp_path, _cfg(tmp_path, retries=1, deadline_s=0.2), [source],
                        base_url=base, backoff_s=0)
    assert requests == ["slow.csv"] * 2
    assert list(tmp_path.iterdir()) == []


def test_bad_file_already_present_is_fetched_again(tmp_path, server, caplog):
    base, requests = server
    (tmp_path / "good.csv").write_bytes(GOOD_BODY[:-5])     # an earlier cut copy
    with caplog.at_level(logging.WARNING, logger="download"):
        ensure_raw_data(tmp_path, _cfg(tmp_path), [_source("good.csv")], base_url=base, backoff_s=0)
    assert requests == ["good.csv"]
    assert (tmp_path / "good.csv").read_bytes() == GOOD_BODY
    assert "fetching it again" in caplog.text


def test_bad_file_present_is_kept_only_with_the_accept_switch(tmp_path, server):
    base, requests = server
    (tmp_path / "good.csv").write_bytes(b"season,team\n2026,NEW\n")
    ensure_raw_data(tmp_path, _cfg(tmp_path, accept=True), [_source("good.csv")], base_url=base)
    assert requests == []
    assert (tmp_path / "good.csv").read_bytes() == b"season,team\n2026,NEW\n"


def test_local_copy_with_another_checksum_is_refused(tmp_path, server):
    base, requests = server
    local, raw = tmp_path / "local", tmp_path / "raw"
    local.mkdir()
    (local / "good.csv").write_bytes(GOOD_BODY[:-5])
    with pytest.raises(DataError, match="copied from.*differs from the pinned"):
        ensure_raw_data(raw, _cfg(raw), [_source("good.csv")], local_source=local, base_url=base)
    assert requests == [] and list(raw.iterdir()) == []


class _SlowHandler(_Handler):
    def do_GET(self) -> None:  # noqa: N802
        type(self).requests.append(self.path)
        self._trickle(GOOD_BODY * 1000)


def test_sigterm_during_a_download_leaves_no_temp_file(tmp_path):
    """`python -m stages.download` killed (SIGTERM) while a file streams in: the stage exits
    non-zero and raw_dir holds no hidden `.tmp` file."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    raw = tmp_path / "raw"
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["data"]["raw_dir"] = str(raw)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    env = {**os.environ, BASE_URL_ENV: f"http://127.0.0.1:{httpd.server_address[1]}"}
    env.pop("NBA_RAW_DIR", None)
    proc = subprocess.Popen([sys.executable, "-m", "stages.download", "--params",
                             str(tmp_path / "params.yaml")], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(600):                     # wait (up to 60 s) for the temp file
            if raw.exists() and any(raw.iterdir()):
                break
            time.sleep(0.1)
        assert any(p.name.endswith(".tmp") for p in raw.iterdir())
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
        httpd.shutdown()
        httpd.server_close()
    assert proc.returncode == 128 + signal.SIGTERM, output
    assert list(raw.iterdir()) == []
    assert "terminated" in output


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
    assert len(names) == len(set(names)) == 19
    assert {s.name for s in REQUIRED_SOURCES} == {
        "Team Summaries.csv", "Team Abbrev.csv", "Team_Records.csv", "play_off_totals_2010_2024.csv",
        "Player Play By Play.csv", "Player Shooting.csv", "Player Season Info.csv", "All-Star Selections.csv",
        "Per 100 Poss.csv", "play_off_box_scores_2010_2024.csv"}
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
