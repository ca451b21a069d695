"""Write the results tables from the metrics files, with the date and the command that made them:
README.md gets the short ones between its markers (RESULTS, ASOF, EXPLAIN, BENCH), docs/results.md
every table with every bootstrap.

Usage: python scripts/readme_results.py   (after `dvc repro`)
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from src.config import load_params  # noqa: E402
from src.report import tables  # noqa: E402

METRICS = ["spearman", "ndcg_at_4", "playoff_spearman", "rank_mae", "top1",
           "log_loss", "brier", "brier_season_sum", "ece"]


def _digits(params: dict) -> int:
    """Decimals of every shown metric (params report.digits; src/utils/display.py rounds)."""
    return params["report"]["digits"]


def results_markdown(flat: dict, params: dict) -> str:
    seasons, interval = params["seasons"], params["evaluation"]["interval"]
    lines = [f"Measured {date.today().isoformat()} with `make repro` (= `dvc repro`), walk-forward over "
             f"the test seasons {seasons['first_test']}..{seasons['last_test']}, copied from "
             "`metrics/eval.json` by `python scripts/readme_results.py`. Ranking metrics: mean over "
             "seasons; log-loss: mean over seasons of -log p(champion); Brier: mean over playoff "
             "team-seasons (`brier_season_sum` = per-season sum); ECE over pooled playoff team-seasons.",
             "", *tables.pooled_table(flat, METRICS, _digits(params)), "",
             "Paired bootstrap over test seasons (2,000 resamples): ensemble minus baseline "
             "(lower is better for log-loss/Brier, higher for NDCG@4).", "",
             *tables.bootstrap_table(tables.comparisons(flat), interval, _digits(params))]
    return "\n".join(lines)


SERIES_METRICS = ["log_loss", "brier", "accuracy", "n"]
SERIES_BLOCKS = [("series", "every series of the test seasons"),
                 ("series_recent", "the seasons of the playoff game file (real home team of every series)"),
                 ("games_preplayoff", "every playoff game of the game file (home team of each game), "
                  "before the playoffs")]


def prefixed_comparisons(flat: dict, prefix: str) -> list:
    """The bootstrap comparisons of one yardstick window (`bootstrap.<prefix>.<cand>_vs_<base>...`)."""
    head = f"bootstrap.{prefix}."
    return tables.comparisons({"bootstrap." + k[len(head):]: v for k, v in flat.items() if k.startswith(head)})


def series_block(flat: dict, prefix: str, interval: float, digits: int) -> list[str]:
    """One window of the series yardstick: pooled metrics per model, then its bootstrap."""
    names = list(dict.fromkeys(k.split(".")[1] for k in flat if k.startswith(prefix + ".")))
    rows = [[n, *(tables.fmt(flat.get(f"{prefix}.{n}.{m}"), digits) for m in SERIES_METRICS)] for n in names]
    boot = {k[len("bootstrap.") + len(prefix) + 1:]: v for k, v in flat.items()
            if k.startswith(f"bootstrap.{prefix}.")}
    comps = [c for c in tables.comparisons({f"bootstrap.{k}": v for k, v in boot.items()})
             if c.metric == "log_loss"]
    return [*tables.md_table(["model", *SERIES_METRICS], rows), "",
            *tables.bootstrap_table(comps, interval, digits)]


def series_markdown(flat: dict, params: dict) -> str:
    interval = params["evaluation"]["interval"]
    lines = [f"Measured {date.today().isoformat()} with `dvc repro`, copied from `metrics/eval.json` by "
             "`python scripts/readme_results.py`. P(home-court team wins) from the simulator's game "
             "model with each model's strength in points for season t fitted on seasons < t only; "
             "log-loss, Brier and accuracy pooled over series (games). Bootstrap: seasons resampled "
             f"whole ({params['evaluation']['n_bootstrap']:,} resamples), model minus baseline, "
             "negative = the model is better."]
    for prefix, what in SERIES_BLOCKS:
        first, last = flat.get(f"window.{prefix}.first_season"), flat.get(f"window.{prefix}.last_season")
        if first is None and prefix == "games_preplayoff":
            first, last = flat.get("window.series_recent.first_season"), flat.get("window.series_recent.last_season")
        if not any(k.startswith(prefix + ".") for k in flat):
            continue
        lines += ["", f"**{prefix}**: {what}, seasons {first}..{last}.", "", *series_block(flat, prefix, interval, _digits(params))]
    return "\n".join(lines)


ASOF_SPLITS = [("series_asof_round1", "round 1"), ("series_asof_rounds2_4", "rounds 2-4"),
               ("series_asof", "all")]


def asof_markdown(flat: dict, params: dict) -> str:
    """As-of series log-loss (knowing the playoff games before each series) beside pre-playoff,
    the bootstrap of as-of minus pre-playoff, and the title log-loss as of each round."""
    first, last = flat.get("window.series_asof.first_season"), flat.get("window.series_asof.last_season")
    names = list(dict.fromkeys(k.split(".")[1] for k in flat
                               if k.startswith("series_asof.") and not k.split(".")[1].endswith("_preplayoff")))
    head = ["model", *(f"{what}: as-of / pre" for _, what in ASOF_SPLITS), "as-of minus pre, all (90% CI)",
            *(f"title r{r}" for r in range(1, 5))]
    rows = []
    for n in names:
        cells = [f"{tables.fmt(flat.get(f'{p}.{n}.log_loss'), _digits(params))} / {tables.fmt(flat.get(f'{p}.{n}_preplayoff.log_loss'), _digits(params))}"
                 for p, _ in ASOF_SPLITS]
        boot = f"bootstrap.series_asof.{n}_vs_{n}_preplayoff.log_loss"
        ci = (f"{flat[boot + '.diff']:+.3f} [{flat[boot + '.low']:+.3f}, {flat[boot + '.high']:+.3f}]"
              if boot + ".diff" in flat else "–")
        titles = [tables.fmt(flat.get(f"title_asof.{n}.round{r}.log_loss"), _digits(params)) for r in range(1, 5)]
        rows.append([n, *cells, ci, *titles])
    return "\n".join([
        f"Measured {date.today().isoformat()} with `dvc repro`, copied from `metrics/eval.json` by "
        f"`python scripts/readme_results.py`: every series of {first}..{last} (the seasons of the playoff "
        f"game file: {flat.get('series_asof.ensemble.n', '?')} series, of which "
        f"{flat.get('series_asof_round1.ensemble.n', '?')} in round 1) forecast at its start knowing every "
        "playoff game before its game 1 (as-of), beside the same series forecast before the playoffs "
        "(pre); series log-loss, lower is better. Title rR: mean -log P(champion) as of the first game "
        "of round R. Bootstrap: seasons resampled whole. Reference: the betting market's game-1 line "
        "scores about 0.44 (round 1) and 0.54 (rounds 2-4) on these series (MISSION.md).", "",
        *tables.md_table(head, rows)])


GAME_SPLITS = [("games", "all"), ("games_round1", "round 1"), ("games_rounds2_4", "rounds 2-4"),
               ("games_game1", "game 1"), ("games_games2_7", "games 2-7")]


def games_markdown(flat: dict, params: dict) -> str:
    """The game yardstick: every playoff game as of its morning, log-loss by split, Brier, margin
    MAE, the bootstrap against SRS, and title odds judged every playoff day."""
    first, last = flat.get("window.games.first_season"), flat.get("window.games.last_season")
    digits = _digits(params)
    names = list(dict.fromkeys(k.split(".")[1] for k in flat if k.startswith("games.")))
    head = ["model", *(f"log-loss {what}" for _, what in GAME_SPLITS), "Brier", "margin MAE",
            "pre-playoff", "all minus SRS (90% CI)", "title daily", "largest 1-day move"]
    rows = []
    for n in names:
        boot = f"bootstrap.games.{n}_vs_baseline_srs.log_loss"
        ci = (f"{flat[boot + '.diff']:+.4f} [{flat[boot + '.low']:+.4f}, {flat[boot + '.high']:+.4f}]"
              if boot + ".diff" in flat else "–")
        rows.append([n, *(tables.fmt(flat.get(f"{p}.{n}.log_loss"), digits) for p, _ in GAME_SPLITS),
                     tables.fmt(flat.get(f"games.{n}.brier"), digits),
                     tables.fmt(flat.get(f"games.{n}.margin_mae"), 2),
                     tables.fmt(flat.get(f"games_preplayoff.{n}.log_loss"), digits), ci,
                     tables.fmt(flat.get(f"title_daily.{n}.log_loss"), digits),
                     tables.fmt(flat.get(f"title_daily.{n}.max_change"), 3)])
    return "\n".join([
        f"Every playoff game of {first}..{last} ({flat.get('games.ensemble.n', '?')} games) forecast as of "
        "the morning of its day: the pre-playoff strengths updated by every earlier playoff game, the "
        "update's settings chosen per season on earlier seasons (its reaction to earlier series by the "
        "series as-of log-loss, the weight of a series in progress by the game log-loss: "
        "src/odds/game_asof.py); ensemble_plain is that update alone, ensemble_record adds the players' "
        "earlier playoff record (src/odds/playoff_record.py), ensemble_avail the players absent from the "
        "previous game, ensemble_record_avail both; ensemble (games) is the product's game forecast: "
        "the variant with the lowest game log-loss over earlier seasons, per season "
        "(src/evaluation/game_variant.py). Its title daily column is the update alone's; the product's "
        "title path is ensemble_record's, damped per season in the forecast (docs/asof.md). "
        "Log-loss of P(home team wins); Brier; margin MAE = mean |expected - actual home margin| "
        "(points); pre-playoff = the same games without the update; title daily = mean over playoff "
        "days of -log P(champion) that morning, largest 1-day move = the largest change of a team's "
        "title probability from one playoff morning to the next.", "",
        *tables.md_table(head, rows)])


def explain_markdown(flat: dict, params: dict) -> str:
    return "\n".join([
        f"Measured {date.today().isoformat()} with `dvc repro explain` over the test seasons, copied from "
        "`metrics/explain.json`; chance = the same statistic with ranks shuffled within each team.", "",
        *tables.explain_table(flat, params["report"]["chance_p_value"], _digits(params))])


def bench_markdown(bench: dict) -> str:
    from scripts.bench import TARGETS       # the targets `make bench` prints its numbers against

    def target(key: str, value: float) -> str:
        if key not in TARGETS:
            return ""
        return f"<= {TARGETS[key]:g} ({'met' if value <= TARGETS[key] else 'missed'})"
    rows = [[key, f"{value:g}", target(key, value)] for key, value in bench.items()
            if isinstance(value, (int, float)) and key != "cpus"]
    return "\n".join([f"Measured {bench['date']} by `make bench` on {bench['cpus']} cores "
                      f"({bench['machine']}, Python {bench['python']}); copied from `metrics/bench.json`.",
                      "", *tables.md_table(["what", "value", "target"], rows)])


def replace_block(readme: str, name: str, body: str) -> str:
    start, end = f"<!-- {name}:START -->", f"<!-- {name}:END -->"
    if start not in readme or end not in readme:
        sys.exit(f"README.md lacks the {start} / {end} markers")
    return re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: f"{start}\n{body}\n{end}",
                  readme, flags=re.S)


SUMMARY_COLUMNS = [("title log-loss", "{m}.log_loss"), ("Spearman", "{m}.spearman"),
                   ("NDCG@4", "{m}.ndcg_at_4"), ("series 2006-24", "series.{m}.log_loss"),
                   ("series 2011-24", "series_recent.{m}.log_loss"),
                   ("as-of 2011-24", "series_asof.{m}.log_loss"),
                   ("games 2011-24", "games.{m}.log_loss"), ("games 2-7", "games_games2_7.{m}.log_loss")]
SUMMARY_MODELS = ["model_a", "xgb", "xgb_playoff", "rf", "ensemble", "baseline_srs", "baseline_win_pct",
                  "baseline_srs_mc"]


def summary_markdown(flat: dict, params: dict) -> str:
    """README's one results table: every model on the title, ranking and series yardsticks."""
    seasons = params["seasons"]
    rows = [[m, *(tables.fmt(flat.get(key.format(m=m)), _digits(params)) for _, key in SUMMARY_COLUMNS)]
            for m in SUMMARY_MODELS]
    verdicts = [replace(c, candidate=f"{c.candidate} ({what})") for prefix, what in
                (("series", "2006-24"), ("series_asof", "as-of 2011-24"), ("games", "games 2011-24"))
                for c in prefixed_comparisons(flat, prefix)
                if c.metric == "log_loss" and c.candidate == "ensemble"]
    return "\n".join([
        f"Measured {date.today().isoformat()} with `make repro`, copied from `metrics/eval.json` by "
        f"`python scripts/readme_results.py`; test seasons {seasons['first_test']}..{seasons['last_test']}, "
        "walk-forward. Title log-loss: mean over seasons of -log P(champion) before the playoffs; "
        "series: log-loss of P(home-court team wins) pooled over series, before the playoffs; as-of: "
        "each series forecast at its start with the playoff games before it; games: every playoff game's "
        "P(home team wins) as of that morning. Lower log-loss is better. "
        "baseline_srs_mc is the SRS Monte Carlo for title odds.", "",
        *tables.md_table(["model", *(h for h, _ in SUMMARY_COLUMNS)], rows), "",
        "Paired season bootstrap, ensemble minus baseline (series log-loss):", "",
        *tables.bootstrap_table(verdicts, params["evaluation"]["interval"], 3)])


def results_page(eval_flat: dict, explain_flat: dict, params: dict) -> str:
    """docs/results.md: every table."""
    return "\n".join(["# Results", "", "Written by `python scripts/readme_results.py` from the metrics "
                      "files of the last `dvc repro`.", "", "## Title odds and ranking", "",
                      results_markdown(eval_flat, params), "", "## Playoff series", "",
                      series_markdown(eval_flat, params), "", "## As of each series' start", "",
                      asof_markdown(eval_flat, params), "", "## Every playoff game, as of its morning", "",
                      games_markdown(eval_flat, params), "", "## Player contributions", "",
                      explain_markdown(explain_flat, params), ""])


def main() -> None:
    params = load_params(REPO / "params.yaml")
    flat = json.loads((REPO / "metrics/eval.json").read_text())
    explain = json.loads((REPO / "metrics/explain.json").read_text())
    readme = (REPO / "README.md").read_text()
    readme = replace_block(readme, "RESULTS", summary_markdown(flat, params))
    readme = replace_block(readme, "ASOF", asof_markdown(flat, params) + "\n\n" + games_markdown(flat, params))
    readme = replace_block(readme, "EXPLAIN", explain_markdown(explain, params))
    bench = REPO / "metrics/bench.json"
    if bench.exists():
        readme = replace_block(readme, "BENCH", bench_markdown(json.loads(bench.read_text())))
    (REPO / "README.md").write_text(readme)
    (REPO / "docs/results.md").write_text(results_page(flat, explain, params))
    print("README.md and docs/results.md updated from metrics/eval.json, metrics/explain.json"
          + (", metrics/bench.json" if bench.exists() else ""))


if __name__ == "__main__":
    main()
