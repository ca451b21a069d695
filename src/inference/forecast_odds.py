"""The odds of a forecast season, one row per team with the same columns on either path:
* season in progress (made_playoffs unknown): the season simulation (src/league/season_sim.py):
  rest of the regular season, standings, play-in, playoffs;
* regular season complete (field known): the real field's bracket (src/league/bracket.py)
  and the bracket Monte Carlo the evaluate stage uses (src/odds/title_odds.py); the
  record is final, so projected wins are the wins and the seed odds are 0 or 1.
Both use the same strengths in points: the ensemble score itself when the stacker fits it in
points (stacking.objective series, `in_points`), else the ensemble score through the score ->
points map fitted on the seasons before the forecast season (by the evaluate stage:
models/odds_fits.json, src/odds/fits.py); nothing is fitted here.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from src.league.bracket import Bracket, build_bracket, record_order
from src.odds.config import SimulationConfig, game_model
from src.league.monte_carlo import first_round_best_of
from src.league.playin import DIRECT_SEEDS, PLAYIN_SEEDS, has_playin
from src.league.season_sim import SEASON_COLUMNS, league_from, simulate_season
from src.models.stacker.fitted import ENSEMBLE
from src.odds.strength_calibration import standardise_by_season
from src.odds.title_odds import ODDS_COLUMNS, SeasonInputs, fixed_points_odds, scored_rows, season_odds

BRACKET_SOURCE_SIMULATED = "season_simulation"
BRACKET_SOURCE_PLAYIN = "bracket_file_playin"     # a bracket file's seeds 1-10: the play-in simulated


@dataclass
class SeasonOdds:
    table: pd.DataFrame          # team, seed (known field only), SEASON_COLUMNS
    fit: dict                    # slope, n_map_rows, n_fit_seasons (+ temperature where fitted)
    bracket: Bracket | None      # the real field's bracket; None when the field is simulated
    source: str                  # bracket source, or "season_simulation"


def strength_points(frame: pd.DataFrame, season: int, slope: float, in_points: bool = False) -> pd.Series:
    """Each team's ensemble score on the simulator's points scale, by team: as it is when already
    in points, else through the same map (slope fitted on earlier seasons,
    `simulation.calibrate_to`) that produced the odds."""
    now = frame["season"] == season
    if in_points:
        return pd.Series(frame.loc[now, ENSEMBLE].to_numpy(float), index=frame.loc[now, "team"].to_numpy())
    z = standardise_by_season(frame[ENSEMBLE], frame["season"], ENSEMBLE)
    return pd.Series(slope * z[now].to_numpy(), index=frame.loc[now, "team"].to_numpy())


def simulated_season_odds(teams: pd.DataFrame, frame: pd.DataFrame, season: int, sim: SimulationConfig,
                          n_schedules: int, fit: dict, in_points: bool = False,
                          given: dict[str, list[str]] | None = None) -> SeasonOdds:
    """frame: season, team, srs, score_ensemble of the forecast season and earlier seasons; fit:
    the season's odds fit (src/odds/fits.py: its slope); given: seeds 1-10 of a bracket file before
    the play-in (src/league/season_sim.simulate_season)."""
    odds_fit = {"season": season, "slope": 1.0, "n_sims": sim.n_sims, "schedules": n_schedules}
    if not in_points:
        odds_fit.update(slope=fit["slope"], n_map_rows=fit["n_map_rows"], n_fit_seasons=fit["n_fit_seasons"])
    points = strength_points(frame, season, odds_fit["slope"], in_points)
    league = league_from(teams[teams["season"] == season], points, season)
    table = simulate_season(league, game_model(sim), sim.n_sims, sim.seed, n_schedules,
                            first_round_best_of(season), given)
    table.insert(1, "seed", pd.array([pd.NA] * len(table), dtype="Int64"))
    return SeasonOdds(table, odds_fit, None, BRACKET_SOURCE_PLAYIN if given else BRACKET_SOURCE_SIMULATED)


def known_field_odds(teams: pd.DataFrame, series: pd.DataFrame | None, frame: pd.DataFrame,
                     season: int, sim: SimulationConfig, fit: dict, in_points: bool = False,
                     real_bracket: bool = False, given: Bracket | None = None) -> SeasonOdds:
    """Title and round odds of the real field with the season's odds fit (the points map and
    temperature fitted on the seasons before it), or the ensemble as it is when in points.
    `given`: the season's real bracket from a user's results or bracket file
    (src/league/real_bracket.py), used as it is."""
    # A forecast stands before the playoffs: its bracket comes from the seeding rules, never
    # from that season's series (which a backtest with --allow-known would otherwise read);
    # a replay of a past season through its playoffs (real_bracket) uses the real bracket,
    # public before its first game, that the season's games are played on.
    before = series if series is None or real_bracket else series[series["season"] != season]
    bracket = given if given is not None else build_bracket(teams, before, season)
    inputs = SeasonInputs(brackets={season: bracket})
    if in_points:
        odds, odds_fit = fixed_points_odds(frame, ENSEMBLE, [season], inputs, sim), {"season": season, "slope": 1.0}
    else:
        odds_fit = {k: v for k, v in fit.items() if k != "playoff_update"}
        odds = season_odds(scored_rows(frame, ENSEMBLE), odds_fit, bracket, sim)
    season_teams = teams[teams["season"] == season]
    table = final_record_columns(season_teams).merge(
        bracket.frame()[["team", "seed"]], on="team", how="left").merge(
        odds[["team", *ODDS_COLUMNS]], on="team", how="left")
    table["seed"] = table["seed"].astype("Int64")
    table["p_playoffs"] = table["seed"].notna().astype(float)
    table["p_top6"] = (table["seed"] <= DIRECT_SEEDS).fillna(False).astype(float)
    table.loc[table["seed"].isna(), ODDS_COLUMNS] = 0.0      # outside the field: wins no series
    if has_playin(season):
        table["p_playin"] = playin_from_field(table, season_teams)
    return SeasonOdds(table[["team", "seed", *SEASON_COLUMNS]], odds_fit, bracket, bracket.source)


def playin_from_field(table: pd.DataFrame, season_teams: pd.DataFrame) -> pd.Series:
    """1 for the teams that played the play-in, given the field: seeds 7-8 (they came through it)
    and, outside the field, the two best records of each conference (its 9th and 10th); seeds 1-6
    went straight to the playoffs. The field, not the record order, decides: tied records are
    seeded by rules the data lacks (2024: ORL and PHO seeded 5-6 over PHI and NOP with equal records)."""
    seed = table.set_index("team")["seed"]
    out = pd.Series(0.0, index=seed.index)
    out[seed.fillna(0).astype(int).isin(PLAYIN_SEEDS[:2]).to_numpy()] = 1.0
    outside = season_teams[season_teams["team"].map(seed).isna().to_numpy()]
    for _, conf in outside.groupby("conference"):
        out[record_order(conf)[:len(PLAYIN_SEEDS) - 2]] = 1.0
    return table["team"].map(out).to_numpy()


def final_record_columns(season_teams: pd.DataFrame) -> pd.DataFrame:
    """The season-simulation columns of a finished regular season: the record is final;
    seed_mean is the conference standing by record (src/league/bracket.record_order), which
    also names the play-in teams (7-10); p_top6 comes from the bracket's seeds."""
    season = int(season_teams["season"].iloc[0])
    standing = pd.concat([pd.Series(np.arange(1, len(g) + 1), index=record_order(g))
                          for _, g in season_teams.groupby("conference")])
    out = pd.DataFrame({"team": season_teams["team"].to_numpy()})
    wins = season_teams["wins"].to_numpy(float)
    out["games_left"] = 0
    out["wins_mean"], out["wins_lo"], out["wins_hi"] = wins, wins, wins
    out["seed_mean"] = out["team"].map(standing).astype(float)
    in_playin = out["seed_mean"].between(PLAYIN_SEEDS[0], PLAYIN_SEEDS[-1])
    out["p_playin"] = in_playin.astype(float) if has_playin(season) else 0.0
    return out
