"""Rewrite the `src/` code deps of every dvc.yaml stage from its import closure.

    python scripts/sync_dvc_deps.py          # rewrite dvc.yaml in place (comments kept)
    python scripts/sync_dvc_deps.py --check  # exit 1 if any stage's list would change

The closure is the one tests/test_dvc_deps.py checks (static imports of `python -m
stages.<name>`); the lines are rewritten in place, right after the stage's `stages/` entries.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from test_dvc_deps import import_closure  # noqa: E402

STAGE = re.compile(r"^  (\w+):\s*$")
CMD = re.compile(r"^    cmd: python -m (\S+)")
SRC_DEP = re.compile(r"^      - src/\S+\s*$")


def synced(text: str) -> str:
    out, stage_lines = [], []
    for line in text.splitlines(keepends=True):
        if STAGE.match(line) and stage_lines:
            out += _sync_stage(stage_lines)
            stage_lines = []
        stage_lines.append(line)
    return "".join(out + _sync_stage(stage_lines))


def _sync_stage(lines: list[str]) -> list[str]:
    module = next((m.group(1) for m in map(CMD.match, lines) if m), None)
    if module is None:
        return lines
    files = sorted(str(p.relative_to(REPO)) for p in import_closure(module)
                   if str(p.relative_to(REPO)).startswith("src/"))
    kept = [ln for ln in lines if not SRC_DEP.match(ln)]
    last_stage_dep = max(i for i, ln in enumerate(kept) if ln.startswith("      - stages/"))
    return kept[:last_stage_dep + 1] + [f"      - {f}\n" for f in files] + kept[last_stage_dep + 1:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    path = REPO / "dvc.yaml"
    text = path.read_text()
    new = synced(text)
    if args.check:
        return int(new != text)
    path.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
