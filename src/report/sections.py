"""The report's sections, each a list of markdown lines; a missing input becomes a sentence
naming the file and the stage that makes it."""
from __future__ import annotations

import re

from src.report import figures, tables
from src.report.context import Context
from src.report.inputs import (EVAL_METRICS, EVAL_REPORT, EXPLAIN_METRICS, EXPLAIN_SUMMARY,
                               RANK_VS_ACTUAL, STACK_METRICS, TITLE_ODDS, TRAIN_A_METRICS,
                               TRAIN_B_METRICS)

# Why Model A's attention curves barely move (said on the figure when they are measured flat):
# the attention logits carry log(minutes share) (model_a.minutes_bias_weight), so the weights
# follow playing time from the first epoch and training adjusts them only slightly
ATTENTION_FLAT = ("attention follows each player's minutes share from the start, "
                  "model_a.minutes_bias_weight, and training adjusts it only slightly")


def _missing(ctx: Context, rel: str) -> list[str]:
    return [ctx.sources.missing_note(rel), ""]


def results(ctx: Context) -> list[str]:
    lines = ["## Results over all test seasons (pooled)", ""]
    flat = ctx.sources.json(EVAL_METRICS)
    if flat is None:
        return lines + _missing(ctx, EVAL_METRICS)
    lines += [f"From `{EVAL_METRICS}`. Ranking metrics are means over test seasons; Brier and "
              "ECE pool the playoff team-seasons; log-loss is the mean over seasons of "
              "-log p(champion).", ""]
    lines += tables.pooled_table(flat, ctx.cfg.pooled_metrics, ctx.cfg.digits) + [""]
    lines += ["### Is the difference more than noise?", ""]
    found = tables.comparisons(flat)
    if not found:
        return lines + [f"`{EVAL_METRICS}` holds no paired bootstrap (it needs ensemble scores, "
                        "stage `stack`): the differences above are not tested against noise.", ""]
    interval = ctx.params.get("evaluation", {}).get("interval")
    lines += [f"Paired bootstrap over test seasons (`{EVAL_METRICS}`, `bootstrap.*`): the "
              "difference is candidate minus baseline.", ""]
    lines += tables.bootstrap_table(found, interval, ctx.cfg.digits) + [""]
    for c in found:
        lines.append(f"- {c.candidate} vs {c.baseline}, {c.metric}: difference "
                     f"{ctx.number(c.diff)}, {c.verdict}.")
    return lines + [""]


def per_season(ctx: Context) -> list[str]:
    lines = ["## Per test season", ""]
    report = ctx.sources.json(EVAL_REPORT)
    if report is None:
        return lines + _missing(ctx, EVAL_REPORT)
    lines += [f"From `{EVAL_REPORT}` (primary model: {report.get('primary')}, title odds by "
              f"{report.get('odds_method')}).", ""]
    for metric in ctx.cfg.per_season_metrics:
        table = tables.per_season_table(report.get("per_season", {}), metric, ctx.cfg.digits)
        lines += [f"### {metric}", ""]
        lines += (table if table else [f"No model in `{EVAL_REPORT}` has `{metric}`."]) + [""]
    return lines


RECORD_SPLITS = (("series_asof", "series as of game 1, all"), ("series_asof_rounds2_4", "series as of game 1, rounds 2-4"),
                 ("games", "every playoff game as of its morning"), ("games_games2_7", "games 2-7 of a series"))


def playoff_record(ctx: Context) -> list[str]:
    """The ensemble with its players' earlier playoff record beside it without (stage evaluate,
    src/evaluation/record_asof.py), and which seasons had box scores to read."""
    flat, report = ctx.sources.json(EVAL_METRICS), ctx.sources.json(EVAL_REPORT)
    if not flat or not report or not report.get("playoff_record"):
        return []
    lines = ["## The players' playoff record", "",
             f"From `{EVAL_METRICS}`: the ensemble's as-of forecasts with each player's earlier playoff "
             "plus-minus (`ensemble_record`) beside them without; (shrink, weight) chosen per season on "
             "earlier seasons. Difference: with minus without, paired season bootstrap.", ""]
    rows = []
    for prefix, label in RECORD_SPLITS:
        # the game yardstick's `ensemble` is the product's chosen variant; the record is judged
        # against the update alone there (`ensemble_plain`, src/evaluation/game_variant.py)
        base = "ensemble_plain" if f"{prefix}.ensemble_plain.log_loss" in flat else "ensemble"
        boot = f"bootstrap.{prefix}.ensemble_record_vs_{base}.log_loss"
        if f"{prefix}.ensemble_record.log_loss" not in flat:
            continue
        rows.append([label, ctx.number(flat.get(f"{prefix}.{base}.log_loss")),
                     ctx.number(flat.get(f"{prefix}.ensemble_record.log_loss")),
                     f"{ctx.number(flat.get(boot + '.diff'))} [{ctx.number(flat.get(boot + '.low'))}, "
                     f"{ctx.number(flat.get(boot + '.high'))}]"])
    lines += tables.md_table(["yardstick", "ensemble", "with the record", "difference [interval]"], rows) + [""]
    partial = [f"{s} ({c['with_record']} of {c['n']} series)"
               for s, c in report["playoff_record"].get("series_with_record", {}).items() if c["with_record"] < c["n"]]
    full = [s for s, c in report["playoff_record"].get("series_with_record", {}).items() if c["with_record"] == c["n"]]
    if full or partial:
        span = f"{full[0]}-{full[-1]}" if len(full) > 1 else "".join(full) or "none"
        lines.append(f"Seasons with box scores for every series: {span}"
                     + ("; in part (the record held as of the day the box scores stop): " + ", ".join(partial) if partial else "")
                     + ".")
    return lines + [""]


def calibration(ctx: Context) -> list[str]:
    lines = ["## Title odds calibration", "",
             "Reliability diagram over all test seasons: predicted title probability (bin mean) "
             "against the observed title rate; points on the dashed diagonal are calibrated.", ""]
    for spec in ctx.specs_of("calibration"):
        lines += ctx.figure(spec)
    return lines


def ranks(ctx: Context) -> list[str]:
    lines = ["## Predicted vs actual rank", ""]
    for spec in ctx.specs_of("ranks"):
        lines += ctx.figure(spec)
    return lines


def title_odds(ctx: Context) -> list[str]:
    lines = ["## Title odds of the favourites", ""]
    odds = ctx.table(TITLE_ODDS)
    if odds is None:
        lines += _missing(ctx, TITLE_ODDS)
    else:
        lines += [f"From `{TITLE_ODDS}` (P(title) by model: the primary model's favourites and "
                  f"the SRS Monte Carlo baseline's odds for them) and `{RANK_VS_ACTUAL}` (actual "
                  "final rank).", ""]
        lines += tables.title_odds_table(tables.by_model(odds), ctx.table(RANK_VS_ACTUAL),
                                         ctx.cfg.digits) + [""]
    suffix = f" - {int(odds['season'].max())}" if odds is not None and len(odds) else ""
    for spec in ctx.specs_of("title_odds"):
        lines += ctx.figure(spec, title_suffix=suffix)
    return lines


def model_a(ctx: Context) -> list[str]:
    lines = ["## Model A training: loss and attention stability", "",
             "The last Model A training (the final model on all training seasons), per epoch: "
             "the model-selection run (with its validation loss) and the refit on all training "
             "seasons are separate curves; grey references are the collapse threshold of "
             "params.yaml and uniform attention over a full roster.", ""]
    for spec in ctx.specs_of("model_a"):
        flat = ATTENTION_FLAT if "attention" in spec.title.lower() else ""
        lines += ctx.figure(spec, figures.Extras(flat_reason=flat))
    summary = ctx.sources.json(TRAIN_A_METRICS)
    lines += ["### Summary", ""]
    lines += (tables.key_value_table(summary, ctx.cfg.digits) if summary is not None
              else _missing(ctx, TRAIN_A_METRICS)[:1]) + [""]
    return lines


def other_models(ctx: Context) -> list[str]:
    lines = ["## Model B and the stack", ""]
    for title, rel in (("Model B", TRAIN_B_METRICS), ("Stacking", STACK_METRICS)):
        values = ctx.sources.json(rel)
        lines += [f"### {title} (`{rel}`)", ""]
        lines += (tables.key_value_table(values, ctx.cfg.digits) if values is not None
                  else _missing(ctx, rel)[:1]) + [""]
    return lines


def explain(ctx: Context) -> list[str]:
    lines = ["## Explanations: who drives each team's score", ""]
    metrics = ctx.sources.json(EXPLAIN_METRICS)
    if metrics is None:
        lines += _missing(ctx, EXPLAIN_METRICS)
    else:
        lines += [f"Agreement between attention, leave-one-out and RFX-Fuse over all test seasons "
                  f"(`{EXPLAIN_METRICS}`), against within-team shuffles (chance).", ""]
        lines += tables.explain_table(metrics, ctx.cfg.chance_p_value, ctx.cfg.digits) + [""]
        lines += _minutes_caveat(ctx, metrics)
    summary = ctx.sources.text(EXPLAIN_SUMMARY)
    if summary is None:
        return lines + _missing(ctx, EXPLAIN_SUMMARY)
    return lines + [f"From `{EXPLAIN_SUMMARY}`:", "", _demote(summary, levels=2), ""]


def _minutes_caveat(ctx: Context, metrics: dict) -> list[str]:
    """Attention carries a minutes bias: say so when it tracks minutes more than leave-one-out."""
    key = "attention_vs_{}_spearman_mean"
    minutes, loo = metrics.get(key.format("minutes")), metrics.get(key.format("loo"))
    if minutes is None or loo is None or minutes <= loo:
        return []
    return [f"Attention ranks players closer to their minutes share (Spearman "
            f"{ctx.number(minutes)}) than to their leave-one-out importance "
            f"({ctx.number(loo)}): read attention weights largely as a minutes signal.", ""]


def other_plots(ctx: Context) -> list[str]:
    specs = ctx.unclaimed_specs()
    if not specs:
        return []
    lines = ["## Other plots declared in dvc.yaml", ""]
    for spec in specs:
        lines += ctx.figure(spec)
    return lines


def _demote(markdown: str, levels: int) -> str:
    """Headings of an included file moved under this report's own."""
    return re.sub(r"^(#{1,6}) ", lambda m: "#" * min(6, len(m.group(1)) + levels) + " ",
                  markdown, flags=re.MULTILINE).strip()


SECTIONS = (results, playoff_record, per_season, calibration, ranks, title_odds, model_a, other_models, explain,
            other_plots)
