"""Who plays whom: a season's 16 playoff teams, their conference seeds and bracket slots.

Where data/interim/playoff_series.parquet has the season (2011..2024), the real first-round
pairings decide the bracket: each pair's better-seeded team (by the era rules below) takes
seed s and its opponent 9 - s, and the real round-2 pairings decide which pairs share a
half. The bracket is fixed before the playoffs start, so using its shape is no leak; only
the identity of the round-1 winners is read to match series to halves, never who won later.

Elsewhere the era's seeding rules are applied to the playoff teams (top 8 by record per
conference when made_playoffs is unknown):
* through 2003-04 (season <= 2004): the two division winners take seeds 1-2;
* 2004-05 and 2005-06: the three division winners take seeds 1-3;
* 2006-07 to 2014-15: division winners are guaranteed a top-4 seed; the top four are
  ordered by record;
* from 2015-16: strictly by record.
Approximations: ties in record go to a division winner (through 2014-15), then SRS instead of
the NBA's head-to-head tiebreakers;
when division_finish is unknown for a season that needs it, seeds fall back to record
order (logged). Home court in every round goes to the better record (SRS on ties).

Ties the data cannot break (same record and, through 2014-15, same division-winner status:
the real tie-breaker, head-to-head, is missing) are resolved from the season's `series_won`
where it is known: among the seedings that permute the teams of each tie group (the SRS order
first), the first whose bracket is consistent with who advanced in each round is used (where
several are, e.g. two tied first-round losers, the data cannot tell them apart). The
bracket is fixed and public before the playoffs start, so recovering the real one from who met
whom is no leak of outcomes into strengths; it changes nothing but the bracket shape (no
team's strength or odds inputs). If no permutation is consistent, the rule seeding is kept
and a warning names the season; where series_won is unknown (forecast seasons) the rule
seeding stands.
"""
from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from src.artifacts import PLAYOFF_SERIES, TEAM_SEASONS
from src.errors import DataError
from src.league.monte_carlo import N_TEAMS, SLOT_SEEDS, first_round_best_of
from src.league.walk import by_series_won, fully_decided, walk
from src.utils.logging import said_at_ingest

log = logging.getLogger(__name__)

CONFERENCES = ("E", "W")
TEAMS_PER_CONFERENCE = N_TEAMS // len(CONFERENCES)
# (last season of the era, seeds guaranteed to division winners, winners seeded among top 4 by record)
_DIVISION_RULES = ((2004, 2, False), (2006, 3, False), (2015, 4, True))
_DIVISION_TIEBREAK_LAST_SEASON = 2015
_TEAMS_FILE = TEAM_SEASONS.path
_SERIES_FILE = PLAYOFF_SERIES.path


@dataclass(frozen=True)
class Bracket:
    season: int
    teams: tuple[str, ...]          # slot order (East seeds 1,8,4,5,3,6,2,7 then West)
    conference: tuple[str, ...]
    seed: tuple[int, ...]
    home_priority: np.ndarray       # higher = home court (rank by record, SRS on ties)
    first_round_best_of: int
    source: str                     # "playoff_series" | "seeding_rules" | "record_order"

    def best_of(self, round_: int) -> int:
        """The best-of rule: games in a series of round `round_` (1-4); only the first round
        was shorter (best-of-5 before 2003, src/league/monte_carlo.first_round_best_of)."""
        return self.first_round_best_of if round_ == 1 else 7

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({"season": self.season, "team": list(self.teams),
                             "conference": list(self.conference), "seed": list(self.seed),
                             "slot": range(N_TEAMS)})


def record_order(teams: pd.DataFrame) -> list[str]:
    """Teams best first: win%; on equal records a division winner first (the NBA's first
    tie-breaker through 2014-15), then SRS (standing in for head-to-head, which the data
    lacks), team code as a deterministic last resort."""
    season = int(teams["season"].iloc[0]) if "season" in teams and len(teams) else None
    division_tiebreak = season is not None and season <= _DIVISION_TIEBREAK_LAST_SEASON
    finish = teams["division_finish"] if "division_finish" in teams else pd.Series(pd.NA, index=teams.index)
    won_division = (finish == 1).fillna(False).astype(bool) if division_tiebreak else False
    ordered = teams.assign(_won_division=won_division).sort_values(
        ["win_pct", "_won_division", "srs", "team"], ascending=[False, False, False, True])
    return ordered["team"].tolist()


def rule_order(conf_teams: pd.DataFrame, season: int) -> tuple[list[str], bool]:
    """Seed order of one conference's playoff teams under the era's rules; bool = rules applied."""
    by_record = record_order(conf_teams)
    rule = next((r for r in _DIVISION_RULES if season <= r[0]), None)
    if rule is None:
        return by_record, True
    finish = conf_teams.set_index("team")["division_finish"]
    if finish.isna().any():
        return by_record, False
    winners = [t for t in by_record if finish[t] == 1]
    _, n_guaranteed, top4_by_record = rule
    if top4_by_record:
        top = winners + [t for t in by_record if t not in winners][:TEAMS_PER_CONFERENCE // 2 - len(winners)]
        top = [t for t in by_record if t in top]
    else:
        top = winners[:n_guaranteed]
    return top + [t for t in by_record if t not in top], True


def playoff_teams(season_teams: pd.DataFrame, season: int) -> pd.DataFrame:
    """The 16 playoff teams; top 8 by record per conference where made_playoffs is unknown."""
    known = season_teams["made_playoffs"].notna().all()
    if known:
        chosen = season_teams[season_teams["made_playoffs"].astype(bool)]
    else:
        log.info("season %d: made_playoffs unknown, playoff field = top %d by record per conference",
                 season, TEAMS_PER_CONFERENCE)
        chosen = pd.concat([g.set_index("team").loc[record_order(g)[:TEAMS_PER_CONFERENCE]].reset_index()
                            for _, g in season_teams.groupby("conference")])
    counts = chosen["conference"].value_counts()
    for conf in CONFERENCES:
        if counts.get(conf, 0) != TEAMS_PER_CONFERENCE:
            raise DataError(f"{_TEAMS_FILE}: season {season}, conference {conf}: "
                            f"{counts.get(conf, 0)} playoff teams, expected {TEAMS_PER_CONFERENCE}")
    return chosen


def build_bracket(teams: pd.DataFrame, series: pd.DataFrame | None, season: int) -> Bracket:
    """The fixed bracket of `season` from team_seasons rows (and playoff_series rows if any)."""
    season_teams = teams[teams["season"] == season]
    if season_teams.empty:
        raise DataError(f"{_TEAMS_FILE}: no rows for season {season}")
    field = playoff_teams(season_teams, season)
    season_series = None if series is None else series[series["season"] == season]
    use_series = season_series is not None and not season_series.empty
    slots: list[pd.DataFrame] = []
    source = "playoff_series" if use_series else "seeding_rules"
    for conf in CONFERENCES:
        conf_teams = field[field["conference"] == conf]
        order, rules_applied = rule_order(conf_teams, season)
        if not rules_applied:
            source = "record_order"
            log.warning("season %d, conference %s: division_finish unknown, seeds by record order",
                        season, conf)
        if use_series:
            order = _order_from_series(order, season_series, conf, season)
        else:
            order = _resolve_ties(order, conf_teams, season, conf)
        seeds = {team: i + 1 for i, team in enumerate(order)}
        by_seed = conf_teams.assign(seed=conf_teams["team"].map(seeds)).set_index("seed")
        slots.append(by_seed.loc[list(SLOT_SEEDS)].reset_index())
    slotted = pd.concat(slots, ignore_index=True)
    priority = pd.Series(np.arange(N_TEAMS, 0, -1, dtype=float), index=record_order(slotted))
    return Bracket(season=season, teams=tuple(slotted["team"]),
                   conference=tuple(slotted["conference"]), seed=tuple(int(s) for s in slotted["seed"]),
                   home_priority=priority.loc[slotted["team"]].to_numpy(),
                   first_round_best_of=first_round_best_of(season), source=source)


def slot_order(seed_order: list[str]) -> list[str]:
    """One conference's teams in bracket slot order, from its seed order (seed 1 first)."""
    return [seed_order[s - 1] for s in SLOT_SEEDS]


def consistent_with_series_won(slot_teams: list[str], series_won: pd.Series) -> bool:
    """Whether each round's adjacent survivors have exactly one team advancing (series_won >= r)."""
    return fully_decided(list(walk(slot_teams, by_series_won(lambda t: series_won[t]))))


def _tie_groups(order: list[str], conf_teams: pd.DataFrame, season: int) -> list[list[int]]:
    """Positions in `order` of teams the data cannot order by the NBA's rules (2+ per group)."""
    rows = conf_teams.set_index("team").loc[order]
    key = rows["win_pct"].astype(str)
    if season <= _DIVISION_TIEBREAK_LAST_SEASON and "division_finish" in rows:
        key = key + "|" + (rows["division_finish"] == 1).fillna(False).astype(str)
    positions = pd.Series(range(len(order)), index=key.to_numpy()).groupby(level=0).agg(list)
    return [p for p in positions if len(p) > 1]


def _resolve_ties(order: list[str], conf_teams: pd.DataFrame, season: int, conf: str) -> list[str]:
    """The first tie-group permutation of `order` consistent with series_won (see module doc)."""
    won = conf_teams.set_index("team")["series_won"] if "series_won" in conf_teams else None
    if won is None or won.isna().any():
        return order
    groups = _tie_groups(order, conf_teams, season)
    if not groups:
        return order
    per_group = [itertools.permutations([order[i] for i in g]) for g in groups]
    for choice in itertools.product(*per_group):
        candidate = list(order)
        for positions, teams in zip(groups, choice):
            for i, team in zip(positions, teams):
                candidate[i] = team
        if consistent_with_series_won(slot_order(candidate), won):
            if candidate != order:
                log.debug("season %d, conference %s: tied seeds set by who met whom: %s",
                          season, conf, candidate, extra=said_at_ingest(logging.INFO))
            return candidate
    log.warning("season %d, conference %s: no ordering of teams tied in record gives a bracket "
                "consistent with series_won in %s; seeds by the rules", season, conf, _TEAMS_FILE)
    return order


def _order_from_series(rule_seeds: list[str], season_series: pd.DataFrame, conf: str,
                       season: int) -> list[str]:
    """Seed order consistent with the real round-1 pairs and round-2 halves."""
    first = season_series[(season_series["round"] == 1) & (season_series["conference"] == conf)]
    pairs = list(zip(first["winner"], first["loser"]))
    if len(pairs) != TEAMS_PER_CONFERENCE // 2 or {t for p in pairs for t in p} != set(rule_seeds):
        raise DataError(f"{_SERIES_FILE}: season {season}, conference {conf}: "
                        f"round-1 series do not match the {TEAMS_PER_CONFERENCE} playoff teams "
                        f"of {_TEAMS_FILE}")
    pairs = [tuple(sorted(p, key=rule_seeds.index)) for p in pairs]
    pairs.sort(key=lambda p: rule_seeds.index(p[0]))      # pair of seed 1 first
    pairs = _halves_from_round2(pairs, season_series, conf)
    order = [p[0] for p in pairs] + [p[1] for p in reversed(pairs)]
    if order != rule_seeds:
        log.debug("season %d, conference %s: real first-round pairings differ from the seeding-rule "
                 "approximation; the real bracket is used", season, conf)
    return order


def _halves_from_round2(pairs: list[tuple[str, str]], season_series: pd.DataFrame,
                        conf: str) -> list[tuple[str, str]]:
    """Reorder pairs (by seed 1..4 of the top team) so seeds 1 and 4 share a half, as in round 2."""
    second = season_series[(season_series["round"] == 2) & (season_series["conference"] == conf)]
    pair_of = {team: i for i, pair in enumerate(pairs) for team in pair}
    for w, l in zip(second["winner"], second["loser"]):
        a, b = sorted((pair_of.get(w), pair_of.get(l)), key=lambda x: -1 if x is None else x)
        if a == 0 and b is not None and b != 3:
            # seed 1's half holds pair b, which must carry seed 4: swap pairs b and 3
            pairs[b], pairs[3] = pairs[3], pairs[b]
            break
    return pairs
