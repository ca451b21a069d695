"""`dvc plots show` with the repo's offline template renders a page with no external script."""
import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "plots" / "offline_template.html"


def test_repo_config_points_at_the_offline_template():
    config = configparser.ConfigParser()
    config.read(REPO / ".dvc" / "config")
    assert (REPO / ".dvc" / config["plots"]["html_template"]).resolve() == TEMPLATE.resolve()


def test_rendered_page_has_no_external_script(tmp_path):
    dvc = Path(sys.executable).with_name("dvc")
    if not dvc.exists():
        pytest.skip("dvc is not installed in this environment")
    env = {**os.environ, "DVC_NO_ANALYTICS": "1"}
    subprocess.run([str(dvc), "init", "--no-scm", "-q"], cwd=tmp_path, check=True, env=env)
    shutil.copy(TEMPLATE, tmp_path / "offline.html")
    (tmp_path / ".dvc" / "config").write_text("[plots]\n    html_template = ../offline.html\n")
    (tmp_path / "bins.csv").write_text("pred_mean,actual_rate\n0.05,0.04\n0.5,0.6\n")
    (tmp_path / "dvc.yaml").write_text("plots:\n  - reliability:\n      x: pred_mean\n"
                                       "      y:\n        bins.csv: actual_rate\n")
    subprocess.run([str(dvc), "plots", "show", "-o", "out"], cwd=tmp_path, check=True, env=env,
                   capture_output=True)
    page = (tmp_path / "out" / "index.html").read_text()
    assert not re.search(r"<script[^>]*\bsrc\s*=", page)          # nothing loaded from anywhere
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']https?:", page)
    assert "window.vegaEmbed=" in page.replace(" ", "")           # the inlined bundle defines it
    assert "vegaEmbed(" in page and "pred_mean" in page            # and the plot calls it
