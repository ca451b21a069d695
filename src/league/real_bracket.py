"""The real bracket of a season the series table lacks (2025, 2026): the first-round pairings are
facts, not a guess, so where the user gives them they replace the product's own seeding
(src/league/bracket.py: by record, SRS standing in for the head-to-head tie-breakers).

* From playoff games (a results file): every team plays its round-1 series first, so each team's
  first opponent is its round-1 opponent (the two must name each other, within a conference);
  the home team of a pair's first game has home court and the better seed. Pairs not started
  yet are made of the rest of the field in the product's seed order. Which pair takes seeds 1v8,
  2v7, 3v6 and 4v5 (and so who shares a half) is the assignment that agrees with the round-2
  games where any are known, then with the record order (seeding is strictly by record since
  2015-16), then with the product's order (its tie-breaks).
* From a bracket file (CSV ``conference,seed,team``: E/W, seeds 1-8, Basketball-Reference codes),
  for a season whose playoffs have not started: the bracket as published after the play-in. Before
  the play-in a conference may list seeds 1-10: the season simulation then plays the play-in of
  those seeds 7-10 (src/league/season_sim.py), and only it.

Either way the play-in is simulated only until its results are known, and `notes` say where the
real pairings differ from the product's own.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from src.errors import DataError
from src.league.bracket import CONFERENCES, TEAMS_PER_CONFERENCE, Bracket, record_order
from src.league.monte_carlo import N_TEAMS, SLOT_SEEDS, first_round_best_of
from src.league.playin import PLAYIN_SEEDS, has_playin
from src.league.state import where

SOURCE_RESULTS, SOURCE_FILE = "results_file", "bracket_file"
_PAIRS = TEAMS_PER_CONFERENCE // 2


def make_bracket(season: int, seed_order: dict[str, list[str]], season_teams: pd.DataFrame,
                 source: str) -> Bracket:
    """A Bracket from each conference's teams in seed order (home court: better record)."""
    rows = season_teams.set_index("team")
    teams = [seed_order[c][s - 1] for c in CONFERENCES for s in SLOT_SEEDS]
    slotted = rows.loc[teams].reset_index()
    priority = pd.Series(np.arange(N_TEAMS, 0, -1, dtype=float), index=record_order(slotted))
    return Bracket(season=season, teams=tuple(teams), conference=tuple(c for c in CONFERENCES for _ in SLOT_SEEDS),
                   seed=tuple(s for _ in CONFERENCES for s in SLOT_SEEDS),
                   home_priority=priority.loc[teams].to_numpy(), first_round_best_of=first_round_best_of(season),
                   source=source)


def seed_orders(bracket: Bracket) -> dict[str, list[str]]:
    """Each conference's teams of `bracket` in seed order."""
    return {c: [t for _, t in sorted((s, t) for t, s, k in zip(bracket.teams, bracket.seed, bracket.conference)
                                     if k == c)] for c in CONFERENCES}


def first_round(order: list[str]) -> list[tuple[str, str]]:
    return [(order[s], order[2 * _PAIRS - 1 - s]) for s in range(_PAIRS)]


def differences(product: Bracket, real: Bracket) -> list[str]:
    """One note per conference whose real first-round pairings differ from the product's."""
    notes = []
    mine, theirs = seed_orders(product), seed_orders(real)
    for c in CONFERENCES:
        a, b = first_round(mine[c]), first_round(theirs[c])
        if {frozenset(p) for p in a} != {frozenset(p) for p in b}:
            name = {"E": "East", "W": "West"}[c]
            notes.append(f"{name}: the real first round is {_pairs(b)}; the product's seeding "
                         f"(record, SRS tie-break) would have paired {_pairs(a)}")
    return notes


def _pairs(pairs: list[tuple[str, str]]) -> str:
    return ", ".join(f"{a} v {b}" for a, b in pairs)


def bracket_from_games(product: Bracket, season_teams: pd.DataFrame, games: pd.DataFrame,
                       source: str) -> Bracket:
    """The bracket the season's playoff games show (module doc); errors name the file's line."""
    conference = season_teams.set_index("team")["conference"]
    known = _round1_pairs(games, conference, source)
    product_order = seed_orders(product)
    win_pct = season_teams.set_index("team")["win_pct"]
    second = _round2_pairs(games, known)
    orders = {}
    for c in CONFERENCES:
        pairs = [p for p in known if conference[p[0]] == c]
        ranked = product_order[c] + [t for t in record_order(season_teams[season_teams["conference"] == c])
                                     if t not in product_order[c]]
        taken = {t for p in pairs for t in p}
        rest = [t for t in ranked if t not in taken][:TEAMS_PER_CONFERENCE - len(taken)]
        pairs += [(rest[k], rest[len(rest) - 1 - k]) for k in range(len(rest) // 2)]
        orders[c] = _best_assignment(pairs, ranked, win_pct, second)
    return make_bracket(product.season, orders, season_teams, SOURCE_RESULTS)


def _round1_pairs(games: pd.DataFrame, conference: pd.Series, source: str) -> list[tuple[str, str]]:
    """(home-court team, other) of every round-1 series the games show."""
    ordered = games.sort_values(["date", "line"] if "line" in games else ["date"], kind="mergesort")
    first: dict[str, tuple[str, object, str]] = {}        # team -> (opponent, row, home team)
    for row, h, a in zip(ordered.index, ordered["home_team"], ordered["away_team"]):
        for t, o in ((h, a), (a, h)):
            first.setdefault(t, (o, row, h))
    pairs = []
    for t, (o, row, home) in first.items():
        if first[o][0] != t:
            raise DataError(f"{source}: {where(games, row)}: {t} v {o} is {t}'s first playoff game, but "
                            f"{o} began its playoffs against {first[o][0]} ({where(games, first[o][1])}); "
                            "every team plays its round-1 series first (the file must start at game 1)")
        if conference.get(t) != conference.get(o):
            raise DataError(f"{source}: {where(games, row)}: {t} v {o} opens both teams' playoffs but "
                            "they are in different conferences; round 1 is played within a conference")
        if t == home:
            pairs.append((t, o))
    return pairs


def _round2_pairs(games: pd.DataFrame, round1: list[tuple[str, str]]) -> list[frozenset]:
    """Pairs of teams that meet after round 1 within a conference (round 2 by construction)."""
    r1 = {frozenset(p) for p in round1}
    pair_of = {t: frozenset(p) for p in round1 for t in p}
    out = []
    for h, a in zip(games["home_team"], games["away_team"]):
        if frozenset((h, a)) not in r1 and h in pair_of and a in pair_of:
            out.append(frozenset((pair_of[h], pair_of[a])))
    return out


def _best_assignment(pairs: list[tuple[str, str]], ranked: list[str], win_pct: pd.Series,
                     second: list[frozenset]) -> list[str]:
    """Seed order (1..8) from the pairs: the position of each pair (seeds s and 9-s) that
    contradicts the fewest round-2 meetings, then the record order, then the product's order."""
    rank = {t: i for i, t in enumerate(ranked)}
    best, best_key = None, None
    for perm in itertools.permutations(pairs):
        order = [p[0] for p in perm] + [p[1] for p in reversed(perm)]
        halves = [frozenset((frozenset(perm[0]), frozenset(perm[3]))),
                  frozenset((frozenset(perm[1]), frozenset(perm[2])))]
        clashes = sum(1 for m in second if len(m) == 2 and m not in halves)
        key = (clashes, _inversions([-win_pct[t] for t in order]), _inversions([rank[t] for t in order]))
        if best_key is None or key < best_key:
            best, best_key = order, key
    return best


def _inversions(values: list) -> int:
    return sum(1 for i, j in itertools.combinations(range(len(values)), 2) if values[i] > values[j])


def play_in_pending(orders: dict[str, list[str]] | None) -> bool:
    """A bracket file that lists seeds 9-10: the play-in is still to be played."""
    return orders is not None and any(len(o) > TEAMS_PER_CONFERENCE for o in orders.values())


def bracket_orders(rows: pd.DataFrame, source: Path | str, season: int,
                   season_teams: pd.DataFrame) -> dict[str, list[str]]:
    """Each conference's seed order from a bracket file's rows (src/data/bracket_file.py
    read_bracket_rows: line, conference, seed, team); errors name `source` and the line."""
    conference = season_teams.set_index("team")["conference"]
    seen: dict[object, int] = {}
    given: dict[str, dict[int, str]] = {c: {} for c in CONFERENCES}
    for line, conf, seed, team in rows[["line", "conference", "seed", "team"]].itertuples(index=False):
        conf = conf.upper()[:1] if conf.lower() in ("e", "w", "east", "west") else conf
        if conf not in CONFERENCES:
            raise DataError(f"{source}: line {line}, column 'conference': {conf!r} is not E or W")
        top = max(PLAYIN_SEEDS) if has_playin(season) else TEAMS_PER_CONFERENCE
        if not seed.isdigit() or not 1 <= int(seed) <= top:
            raise DataError(f"{source}: line {line}, column 'seed': {seed!r} is not a seed 1-{top}" +
                            (f" (1-{TEAMS_PER_CONFERENCE} after the play-in, 1-{top} before it)"
                             if top > TEAMS_PER_CONFERENCE else ""))
        if team not in conference.index:
            raise DataError(f"{source}: line {line}, column 'team': {team!r} is not a team of season {season}")
        if conference[team] != conf:
            raise DataError(f"{source}: line {line}: {team} plays in the {conference[team]}, not the {conf}")
        for key in ((conf, int(seed)), team):
            if key in seen:
                raise DataError(f"{source}: line {line}: {key if isinstance(key, str) else f'{conf} seed {seed}'} "
                                f"is already given on line {seen[key]}")
            seen[key] = line
        given[conf][int(seed)] = team
    orders = {}
    for c in CONFERENCES:
        by_seed = given[c]
        n = max(PLAYIN_SEEDS) if max(by_seed, default=0) > TEAMS_PER_CONFERENCE else TEAMS_PER_CONFERENCE
        if sorted(by_seed) != list(range(1, n + 1)):
            lacking = sorted(set(range(1, n + 1)) - set(by_seed))
            raise DataError(f"{source}: conference {c}: seed(s) {', '.join(map(str, lacking))} missing; a "
                            f"bracket file gives seeds 1-{TEAMS_PER_CONFERENCE} of both conferences "
                            f"(1-{max(PLAYIN_SEEDS)} while the play-in is to be played)")
        orders[c] = [by_seed[s] for s in range(1, n + 1)]
    return orders

