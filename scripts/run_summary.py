"""One screen after `make repro`: every output dvc.yaml declares, where it is, its size and
when it was written, plus the headline metrics. Reads dvc.yaml/params.yaml; writes nothing."""
from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
HEADLINE = ["ensemble.spearman", "ensemble.ndcg_at_4", "ensemble.log_loss", "ensemble.brier",
            "baseline_srs.spearman", "baseline_srs_mc.log_loss"]


def declared_outputs(dvc_yaml: dict, params: dict) -> list[tuple[str, str]]:
    """(stage, path) for every out/metric/plot of every stage, ${...} filled from params."""
    rows = []
    for stage, spec in dvc_yaml.get("stages", {}).items():
        for kind in ("outs", "metrics", "plots"):
            for entry in spec.get(kind, []):
                path = next(iter(entry)) if isinstance(entry, dict) else entry
                rows.append((stage, _fill(path, params)))
    return rows


def _fill(path: str, params: dict) -> str:
    while "${" in path:
        key = path[path.index("${") + 2: path.index("}")]
        value = params
        for part in key.split("."):
            value = value[part]
        path = path.replace("${" + key + "}", str(value))
    return path


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def main() -> None:
    dvc_yaml = yaml.safe_load((REPO / "dvc.yaml").read_text())
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    table = Table(title="What the pipeline wrote")
    for col in ("stage", "output", "size", "written"):
        table.add_column(col, overflow="fold")
    for stage, rel in declared_outputs(dvc_yaml, params):
        path = REPO / rel if not Path(rel).is_absolute() else Path(rel)
        if path.exists():
            when = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            table.add_row(stage, rel, f"{_size(path) / 1024:,.0f} KiB", when)
        else:
            table.add_row(stage, rel, "missing", "")
    console = Console()
    console.print(table)
    eval_json = REPO / "metrics/eval.json"
    if eval_json.exists():
        flat = json.loads(eval_json.read_text())
        console.print("headline (metrics/eval.json): " + ", ".join(
            f"{k} {flat[k]:.3f}" for k in HEADLINE if k in flat))
    console.print("next: `make report` (reports/report.md), `dvc plots show`, `make forecast SEASON=2026`")


if __name__ == "__main__":
    sys.exit(main())
