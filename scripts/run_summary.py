"""One screen after `make repro`: every output dvc.yaml declares, where it is, its size and
when it was written, the headline metrics, and how far the git-tracked outputs are from the
committed ones (git HEAD; another CPU moves numbers in their last digits). Reads dvc.yaml,
params.yaml and git; writes nothing. Fits 100 columns. `--headline` prints the headline
metrics only (the end of `make demo`)."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from src.utils.display import metric_text  # noqa: E402  (the one rounding of shown metrics)
from src.utils.repro_check import compare_file, summary_lines  # noqa: E402
HEADLINE_FILE = "metrics/headline.json"     # src/evaluation/headline.py (stage evaluate)
WIDTH = 100


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


def outputs_table(dvc_yaml: dict, params: dict, every_file: bool = False) -> Table:
    """One row per stage (its outputs' names shortened to fit, total size, latest write, what
    is missing), or with `every_file` one row per output."""
    table = Table(title="What the pipeline wrote" + ("" if every_file else ", per stage (--all: per file)"),
                  width=WIDTH)
    table.add_column("stage", no_wrap=True)
    table.add_column("output", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("written", no_wrap=True)
    rows: dict[str, list[tuple[str, Path]]] = {}
    for stage, rel in declared_outputs(dvc_yaml, params):
        path = REPO / rel if not Path(rel).is_absolute() else Path(rel)
        rows.setdefault(f"{stage}\0{rel}" if every_file else stage, []).append((rel, path))
    for key, outs in rows.items():
        present = [p for _, p in outs if p.exists()]
        names = ", ".join(rel for rel, _ in outs)
        missing = len(outs) - len(present)
        if not present:
            table.add_row(key.split("\0")[0], names, "missing", "")
            continue
        latest = max(p.stat().st_mtime for p in present)
        size = f"{sum(_size(p) for p in present) / 1024:,.0f} KiB"
        table.add_row(key.split("\0")[0], names + (f" ({missing} missing)" if missing else ""), size,
                      datetime.fromtimestamp(latest).strftime("%m-%d %H:%M"))
    return table


def headline_lines(digits: int) -> list[str]:
    path = REPO / HEADLINE_FILE
    if not path.exists():
        return [f"headline: {HEADLINE_FILE} not written yet (stage evaluate)"]
    flat = json.loads(path.read_text())
    lines = [f"headline ({HEADLINE_FILE}):"]
    for pair in (f"{k} {metric_text(v, digits)}" for k, v in flat.items()):   # a pair never splits
        if len(lines[-1]) + len(pair) + 2 > WIDTH:
            lines.append(" ")
        lines[-1] += ("" if lines[-1].endswith((":", " ")) else ",") + " " + pair
    return [line.rstrip() for line in lines]


def _git(*args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, check=True).stdout


def committed_comparison(output_paths: list[str], rev: str = "HEAD") -> list[str]:
    """Each git-tracked output file that differs from `rev`, compared number by number
    (src/utils/repro_check.py); [] where this is not a git checkout."""
    try:
        tracked = _git("ls-files", "-z", "--", *output_paths).decode().split("\0")
        changed = set(_git("diff", "--name-only", "-z", rev, "--", *output_paths).decode().split("\0"))
    except (OSError, subprocess.CalledProcessError):
        return []
    tracked = [p for p in tracked if p]
    verdicts = []
    for path in (p for p in tracked if p in changed):
        now = (REPO / path).read_bytes() if (REPO / path).exists() else b""
        verdicts.append(compare_file(path, _git("show", f"{rev}:{path}"), now))
    lines = summary_lines(verdicts, unchanged=len(tracked) - len(verdicts))
    if verdicts and "dvc.lock" in _git("diff", "--name-only", rev, "--", "dvc.lock").decode():
        lines.append("dvc.lock changed with them: it records the new files' hashes")
    return [f"git-tracked outputs against {rev}: {len(tracked)} files"] + lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="summary of a pipeline run")
    parser.add_argument("--headline", action="store_true", help="print the headline metrics only")
    parser.add_argument("--all", action="store_true", help="one row per output file (default: per stage)")
    parser.add_argument("--against", default="HEAD", metavar="REV",
                        help="the git revision the outputs are compared with (default: HEAD)")
    args = parser.parse_args(argv)
    console = Console(width=WIDTH)
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    if not args.headline:
        dvc_yaml = yaml.safe_load((REPO / "dvc.yaml").read_text())
        console.print(outputs_table(dvc_yaml, params, args.all))
    for line in headline_lines(params["report"]["digits"]):
        console.print(line, highlight=False)
    if not args.headline:
        outputs = sorted({rel for _, rel in declared_outputs(dvc_yaml, params) if not Path(rel).is_absolute()})
        for line in committed_comparison(outputs, args.against):
            console.print(textwrap.fill(line, WIDTH, subsequent_indent="  "), highlight=False)
    if not args.headline:
        season = params["forecast"]["season"]
        console.print(f"read: reports/report.md, reports/forecast_{season}.html, `dvc plots show`;\n"
                      "      another season: `make forecast SEASON=2025` (reports/seasons/)", highlight=False)


if __name__ == "__main__":
    sys.exit(main())
