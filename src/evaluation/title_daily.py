"""Title odds judged every playoff day: for every day of the test window with a playoff game, the
title odds as they stood that morning (every playoff game of earlier days known, the bracket state
from them, strengths updated with the setting the game yardstick chose for the season), scored by
-log P(champion); and how far a team's odds move from one playoff morning to the next.

Metrics (flat keys): title_daily.<name>.log_loss (mean over days, every day weighing the same),
title_daily.<name>.n_days, title_daily.<name>.max_change (largest one-day change of a team's
title probability, absolute), title_daily.<name>.p99_change. The report lists the largest changes
with the games of the day before (their cause). A variant (the ensemble with its players' playoff
record, src/evaluation/record_asof.py) is its base model's odds with a per-team term added to the
updated strengths each morning, as the forecast adds it (src/inference/forecast_asof.py).
"""
from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from src.evaluation.series_asof import title_odds_asof
from src.evaluation.title_damping import TitleDamping, damped_table
from src.odds.playoff_update import UpdateSetting
from src.odds.title_odds import SeasonInputs
from src.league.monte_carlo import GameModel
from src.odds.series_likelihood import PROB_FLOOR
from src.utils.parallel import fan_out, local_jobs

WORKER_MODULES = (__name__,)     # what a season's daily odds import in a worker (parallel.warm_up)

PREFIX = "title_daily"
N_LARGEST = 5
ODDS_COLUMNS = ["season", "date", "team", "p_champion"]


class MorningTerm(Protocol):
    """Points added to each team's updated strength as of a morning (src/odds/playoff_record.RecordTerm)."""
    def at(self, teams: list[str], morning: pd.Timestamp) -> pd.Series: ...


def daily_odds(pre: pd.Series, season_games: pd.DataFrame, inputs: SeasonInputs, season: int,
               setting: UpdateSetting, model: GameModel, term: MorningTerm | None = None) -> pd.DataFrame:
    """ODDS_COLUMNS: the bracket's title odds on the morning of each playoff day of `season`
    (`term`: points added to the updated strengths that morning; None = nothing)."""
    return daily_odds_of(pre, season_games, inputs, season, setting, model, [term])[0]


def daily_odds_of(pre: pd.Series, season_games: pd.DataFrame, inputs: SeasonInputs, season: int,
                  setting: UpdateSetting, model: GameModel, terms: list[MorningTerm | None],
                  dampings: list[float] | None = None) -> list[pd.DataFrame]:
    """daily_odds for each of `terms` (None: the model as it is), the update and the bracket state
    of each morning computed once for all of them; `dampings` (one per term): that entry's update
    shrunk toward the pre-playoff strength (src/evaluation/title_damping.py; None: all 1)."""
    bracket = inputs.brackets[season]
    teams = list(bracket.teams)
    dates = season_games["date"].to_numpy()
    rows: list[list[pd.DataFrame]] = [[] for _ in terms]
    for day in np.unique(dates):
        shifts = np.array([np.zeros(len(teams)) if t is None else t.at(teams, pd.Timestamp(day)).to_numpy(float)
                           for t in terms])
        probs = title_odds_asof(pre, season_games[dates < day], bracket, setting, model, shifts, dampings)
        for out, p in zip(rows, probs):
            out.append(pd.DataFrame({"season": season, "date": pd.Timestamp(day), "team": teams, "p_champion": p}))
    return [pd.concat(r, ignore_index=True) if r else pd.DataFrame(columns=ODDS_COLUMNS) for r in rows]


def one_day_changes(odds: pd.DataFrame) -> pd.DataFrame:
    """season, team, date (the morning after), before, after, change: each team's move between
    consecutive playoff mornings of a season."""
    odds = odds.sort_values(["season", "team", "date"], kind="stable")
    before = odds.groupby(["season", "team"])["p_champion"].shift(1)
    out = odds.assign(before=before, after=odds["p_champion"]).dropna(subset=["before"])
    out = out.assign(change=out["after"] - out["before"])
    return out[["season", "team", "date", "before", "after", "change"]].reset_index(drop=True)


def evaluate_title_daily(points: dict[str, pd.Series], games: pd.DataFrame, inputs: SeasonInputs,
                         chosen: dict[str, dict[int, UpdateSetting]], model: GameModel, names: list[str],
                         variants: dict[str, tuple[str, dict[int, MorningTerm]]] | None = None,
                         damping: TitleDamping | None = None) -> tuple[dict[str, float], dict, dict[str, pd.DataFrame]]:
    """Metrics, report (largest one-day changes with their cause) and the daily odds of `names` and
    of each variant (name -> (base model, season -> morning term)): the base model's points and
    update setting with the term added each morning; with `damping`, also `<source>_damped`: the
    source's odds with its update shrunk by the k chosen per season on earlier seasons."""
    metrics: dict[str, float] = {}
    report: dict = {}
    seasons = sorted(int(s) for s in games["season"].unique() if int(s) in inputs.champions)
    plan = {**{n: (n, {}) for n in names}, **(variants or {})}
    grid = [] if damping is None or damping.source not in plan else [k for k in damping.grid if k != 1.0]
    bases = list(dict.fromkeys(b for b, _ in plan.values()))
    # each base with its variants and damped paths, in one pass per season (one task a season)
    passes = {base: [(n, 1.0) for n, (b, _) in plan.items() if b == base]
              + [(damping.source, k) for k in grid if plan[damping.source][0] == base] for base in bases}
    tasks = [(points[base].loc[s], games[games["season"] == s], SeasonInputs({s: inputs.brackets[s]}), s,
              chosen[base][s], model, [plan[n][1].get(s) for n, _ in passes[base]], [k for _, k in passes[base]])
             for base in bases for s in seasons]
    done = iter(fan_out(daily_odds_of, tasks, n_jobs=local_jobs(), desc="daily title odds",
                        labels=[f"{base} {s}" for base in bases for s in seasons],
                        costs=[len(t[1]) * len(t[6]) for t in tasks]))
    by_k: dict[tuple[str, float], pd.DataFrame] = {}
    for base in bases:
        per_season = [next(done) for _ in seasons]
        for j, entry in enumerate(passes[base]):
            by_k[entry] = pd.concat([odds[j] for odds in per_season], ignore_index=True)
    tables = {name: by_k[(name, 1.0)] for name in plan}
    if grid:
        name, table, damping_report, boot = damped_table(by_k, damping, inputs.champions)
        tables[name], report["damping"] = table, damping_report
        metrics.update(boot)
    largest: dict[str, list[dict]] = {}
    for name in tables:
        odds = tables[name]
        champion = odds["team"].to_numpy() == odds["season"].map(inputs.champions).to_numpy()
        nll = -np.log(np.clip(odds.loc[champion, "p_champion"].to_numpy(float), PROB_FLOOR, None))
        changes = one_day_changes(odds)
        size = changes["change"].abs()
        metrics.update({f"{PREFIX}.{name}.log_loss": float(nll.mean()), f"{PREFIX}.{name}.n_days": int(len(nll)),
                        f"{PREFIX}.{name}.max_change": float(size.max()),
                        f"{PREFIX}.{name}.p99_change": float(size.quantile(0.99))})
        largest[name] = [_with_cause(row, games) for row in
                         changes.loc[size.sort_values(ascending=False, kind="stable").index[:N_LARGEST]]
                         .to_dict("records")]
    return metrics, {"largest_changes": largest, **report}, tables


def _with_cause(change: dict, games: pd.DataFrame) -> dict:
    """The change and the games of the playoff day before its morning (what moved the odds)."""
    season = games[games["season"] == change["season"]]
    previous = season.loc[season["date"] < change["date"], "date"].max()
    played = season[season["date"] == previous]
    return {"season": int(change["season"]), "team": change["team"], "morning": str(change["date"].date()),
            "before": float(change["before"]), "after": float(change["after"]),
            "games_of": str(previous.date()),
            "games": [f"{g.home_team} {g.home_pts}-{g.away_pts} {g.away_team}" for g in played.itertuples()]}
