"""The forecast page (reports/forecast_<season>.html) on the synthetic league: one self-contained
file with every team, and, where Chromium is installed, rendered headless with no request to
any network and a working sort."""
import re

import pandas as pd
import pytest

from src.inference.forecast_page import PastCalibration, render_page
from src.inference.forecast_files import write_forecast
from src.utils.browser import find_browser, page_width, visit
from test_forecast import CFG, SEASON, run_forecast, strip_outcomes

CALIBRATION = PastCalibration(
    bins=pd.DataFrame({"model": ["ensemble", "ensemble", "baseline_srs_mc", "perfect calibration"],
                       "pred_mean": [0.03, 0.4, 0.05, 0.0], "actual_rate": [0.02, 0.5, 0.04, 0.0],
                       "count": [250, 8, 240, None]}),
    metrics={"ensemble.log_loss": 1.729, "ensemble.brier": 0.05, "baseline_srs_mc.log_loss": 1.725},
    seasons="2006-2015", digits=3)


@pytest.fixture(scope="module")
def page(synthetic_tables, tmp_path_factory):
    teams = strip_outcomes(synthetic_tables.team_seasons, SEASON, in_progress=True)
    fc = run_forecast(teams, synthetic_tables.playoff_series)
    out = tmp_path_factory.mktemp("page")
    write_forecast(fc, out, CFG.top_players, CALIBRATION)
    return fc, out / f"forecast_{SEASON}.html"


def _body_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body)


def test_page_is_one_file_with_every_team(page):
    fc, path = page
    html = path.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)     # nothing fetched
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    rows = _body_rows(html)
    assert len(rows) == len(fc.table) == 30
    top = fc.table.sort_values("rank").iloc[0]
    assert f">{top['team']}<" in rows[0] and top["player_1"] in rows[0]
    for header in ("rating", "proj. W-L", "80% wins", "P(playoffs)", "P(top-6)", "P(conf. finals)", "P(title)"):
        assert f'data-h="{header}">' in html
    assert "How past title odds held up (2006-2015" in html and "<svg" in html and "1.729" in html


def test_page_without_calibration_says_why(page):
    fc, _ = page
    html = render_page(fc, CFG.top_players, None)
    assert "Not available" in html and "dvc repro evaluate" in html


@pytest.mark.skipif(find_browser() is None, reason="Chromium not installed (apt-get install chromium)")
def test_page_renders_offline_in_headless_chromium(page, tmp_path):
    fc, path = page
    shot = tmp_path / "forecast.png"
    result = visit(path, shot)
    assert result.external_requests == []
    assert len(_body_rows(result.dom)) == 30
    assert shot.exists() and shot.stat().st_size > 20_000
    # the sort script ran: #sort=team orders the rows by team code
    by_team = visit(path, fragment="sort=team")
    first_cells = [re.search(r'data-v="([^"]*)"', row.split("</td>", 2)[1]).group(1)
                   for row in _body_rows(by_team.dom)]
    assert first_cells == sorted(fc.table["team"])


@pytest.mark.skipif(find_browser() is None, reason="Chromium not installed (apt-get install chromium)")
@pytest.mark.parametrize("window", [1280, 1024])
def test_page_fits_the_window_without_scrolling_sideways(page, window):
    _, path = page
    assert page_width(path, window) <= window


def test_players_are_one_name_that_opens_to_the_list(page):
    fc, path = page
    first = _body_rows(path.read_text())[0]
    top = fc.table.sort_values("rank").iloc[0]
    assert f"<details><summary>{top['player_1']}</summary>" in first
    assert "<br>" in first.split("<details>", 1)[1]          # every listed player inside
