"""`make dag`: the stage graph as a list that fits a 100-column terminal (`dvc dag` draws it
as ASCII art ~500 columns wide). Reads the edges DVC itself computes (`dvc dag --dot`), so
the list is DVC's graph, not a second reading of dvc.yaml; writes nothing.

    python scripts/dag.py            # needs the venv's dvc (make dag puts it on PATH)
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

WIDTH = 100
EDGE = re.compile(r'^"(?P<src>[^"]+)"\s*->\s*"(?P<dst>[^"]+)";$')
NODE = re.compile(r'^"(?P<name>[^"]+)";$')


def parse_dot(dot: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Nodes in DVC's order and (upstream, downstream) edges of `dvc dag --dot` output."""
    nodes, edges = [], []
    for line in (line.strip() for line in dot.splitlines()):
        if edge := EDGE.match(line):
            edges.append((edge["src"], edge["dst"]))
        elif node := NODE.match(line):
            nodes.append(node["name"])
    if not nodes:
        raise ValueError("dvc dag --dot printed no stage: is this a DVC repo with a dvc.yaml?")
    return nodes, edges


def run_order(nodes: list[str], edges: list[tuple[str, str]]) -> list[str]:
    """Stages so that each comes after every stage it reads from (ties: DVC's order)."""
    upstream = {n: {s for s, d in edges if d == n} for n in nodes}
    order: list[str] = []
    while len(order) < len(nodes):
        ready = [n for n in nodes if n not in order and upstream[n] <= set(order)]
        if not ready:
            raise ValueError(f"the stage graph has a cycle among {sorted(set(nodes) - set(order))}")
        order.append(ready[0])
    return order


def listing(nodes: list[str], edges: list[tuple[str, str]], width: int = WIDTH) -> list[str]:
    """One line per stage, `stage <- the stages whose outputs it reads`; a stage every other
    stage reads (validate_params) is said once instead of on every line."""
    order = run_order(nodes, edges)
    everyone = [n for n in order if all((n, m) in edges for m in order if m != n)]
    column = max(len(n) for n in order) + 4
    lines = [f"The pipeline's {len(order)} stages in run order, each with the stages whose "
             "outputs it reads"]
    if everyone:
        lines.append(f"(every stage reads {', '.join(everyone)}; `dvc dag` draws the same graph):")
    for stage in order:
        reads = [s for s in order if (s, stage) in edges and s not in everyone]
        text = "<- " + ", ".join(reads) if reads else ("(first)" if stage in everyone or not any(
            d == stage for _, d in edges) else "<- " + ", ".join(everyone))
        lines.extend(textwrap.wrap(text, width=width, initial_indent=f"  {stage:<{column}}",
                                   subsequent_indent=" " * (column + 5)))
    return lines


def main() -> int:
    dvc = os.environ.get("DVC", "dvc")
    dot = subprocess.run([dvc, "dag", "--dot"], capture_output=True, text=True, check=True).stdout
    nodes, edges = parse_dot(dot)
    print("\n".join(listing(nodes, edges)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
