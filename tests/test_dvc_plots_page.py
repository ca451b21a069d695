"""`dvc plots show` with this repo's dvc.yaml, templates (.dvc/plots) and offline HTML template,
fed long-form plot data made by the project's own functions, rendered in headless Chromium:
every plot draws, no script error (a quote in a title once broke one), no network request."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from src.evaluation.plot_data import plot_tables
from src.evaluation.train_plots import train_a_plot_tables
from src.utils.browser import find_browser, visit
from test_plot_data import _result

REPO = Path(__file__).resolve().parents[1]
DVC = Path(sys.executable).parent / "dvc"

pytestmark = pytest.mark.skipif(find_browser() is None or not DVC.exists(),
                                reason="needs Chromium (apt-get install chromium) and dvc in the venv")


def _history() -> list[dict]:
    return [{"phase": phase, "epoch": e, "train_loss": 2.0 - e / 10, "val_loss": 1.9 if phase == "select" else None,
             "attention_entropy_mean": 2.4, "attention_max_weight_mean": 0.15, "restarts": 0}
            for phase, n in (("select", 5), ("refit", 3)) for e in range(n)]


@pytest.fixture(scope="module")
def plots_page(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dvc_plots_repo")
    for rel in ("dvc.yaml", "params.yaml", "plots/offline_template.html"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / rel, root / rel)
    shutil.copytree(REPO / ".dvc" / "plots", root / ".dvc" / "plots")
    shutil.copy(REPO / ".dvc" / "config", root / ".dvc" / "config")
    result, teams = _result()
    tables = {**plot_tables(result, teams, n_bins=5, n_top=4), **train_a_plot_tables(_history(), 0.25, 15)}
    for rel, table in tables.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(root / rel, index=False)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run([str(DVC), "plots", "show", "-o", "out"], cwd=root, check=True, capture_output=True,
                   env={"PATH": f"{DVC.parent}:/usr/bin:/bin", "DVC_NO_ANALYTICS": "1", "HOME": str(root)})
    return root / "out" / "index.html"


def test_every_declared_plot_renders_offline_without_script_errors(plots_page):
    page = visit(plots_page)
    assert page.external_requests == [] and page.script_errors == []
    n_plots = len(yaml.safe_load((REPO / "dvc.yaml").read_text())["plots"])
    assert page.dom.count('class="vega-embed') == n_plots
    html = plots_page.read_text()
    assert "cdn.jsdelivr" not in html
    for title in ("Spearman per test season", "Model A attention entropy"):
        assert json.dumps(title)[1:-1] in html
