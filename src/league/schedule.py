"""A plausible schedule for the rest of a regular season (the data holds no schedule).

The NBA's format since 2004-05 (30 teams, 82 games): 52 games against the 14 other teams of
the conference (division rivals 4 times, the others 3 or 4 times) and 30 against the 15
teams of the other conference (twice each). The data has each team's games played `g` but
not whom it played, so each team's remaining 82 - g games are drawn:
* opponents by that format's weights: a conference rival is 52/14 ~ 3.7 times per 82 games,
  a team of the other conference 30/15 = 2 (divisions are not in the data for seasons in
  progress, so division rivals are not weighted up), each times the opponent's own games
  left, so that every pairing is a real game counted for both teams;
* pairings greedily, the team with the most games left first (random among ties): this
  uses up every team's games exactly whenever that is possible;
* home court by a balanced orientation (`balanced_home_away`): each team's remaining games
  split evenly between home and away, within one game. Home games already played are not
  in the data, so "even" is about the remainder.
A game that cannot be paired (only one team has games left, e.g. the league total is odd)
is played against a conference rival drawn by the same weights and counted for that team
only (`counted`); the caller logs it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CONFERENCE_GAMES = 52          # per team and season, against its own conference
OTHER_CONFERENCE_GAMES = 30    # against the other conference


@dataclass(frozen=True)
class Schedule:
    home: np.ndarray           # (n_games,) team index of the home side
    away: np.ndarray           # (n_games,) team index of the away side
    counted: np.ndarray        # (n_games, 2) bool: the game counts for home / away

    @property
    def unpaired(self) -> int:
        return int((~self.counted).sum())


def opponent_weights(conference: np.ndarray) -> np.ndarray:
    """W[i, j]: expected games of i against j per season under the format above (W[i, i] = 0)."""
    conference = np.asarray(conference)
    same = conference[:, None] == conference[None, :]
    np.fill_diagonal(same, False)
    other = conference[:, None] != conference[None, :]
    n_same = np.maximum(same.sum(axis=1, keepdims=True), 1)
    n_other = np.maximum(other.sum(axis=1, keepdims=True), 1)
    return np.where(same, CONFERENCE_GAMES / n_same, 0.0) + np.where(other, OTHER_CONFERENCE_GAMES / n_other, 0.0)


def draw_schedule(remaining: np.ndarray, conference: np.ndarray, rng: np.random.Generator) -> Schedule:
    """One random remaining schedule in which team i plays exactly remaining[i] games."""
    left = np.asarray(remaining, dtype=int).copy()
    weights = opponent_weights(conference)
    same_conference = np.asarray(conference)[:, None] == np.asarray(conference)[None, :]
    n = len(left)
    pairs, unpaired = [], []
    while left.max(initial=0) > 0:
        busiest = np.flatnonzero(left == left.max())
        i = int(busiest[rng.integers(len(busiest))])
        w = weights[i] * left
        if w.sum() > 0:
            j = int(rng.choice(n, p=w / w.sum()))
            pairs.append((i, j))
            left[[i, j]] -= 1
            continue
        # nobody else has games left: a conference rival stands in, the game counts for i only
        w = np.where(same_conference[i], weights[i], 0.0)
        w = w if w.sum() > 0 else weights[i]
        unpaired.append((i, int(rng.choice(n, p=w / w.sum()))))
        left[i] -= 1
    home, away = balanced_home_away(pairs, n, rng)
    alone = np.asarray(unpaired, dtype=int).reshape(-1, 2)          # (team, stand-in)
    at_home = rng.random(len(alone)) < 0.5
    counted = np.ones((len(pairs) + len(alone), 2), dtype=bool)
    counted[len(pairs):] = np.column_stack([at_home, ~at_home])
    return Schedule(np.concatenate([home, np.where(at_home, alone[:, 0], alone[:, 1])]).astype(int),
                    np.concatenate([away, np.where(at_home, alone[:, 1], alone[:, 0])]).astype(int), counted)


def balanced_home_away(pairs: list[tuple[int, int]], n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(home, away) for each pair, every team's home and away counts within one of each other.

    The classic balanced orientation: join the odd-degree teams to one extra vertex, so every
    degree is even, and direct each game along an Euler circuit (Hierholzer's walk): every
    circuit enters a team as often as it leaves it; the extra vertex's games are dropped."""
    degree = np.bincount(np.asarray(pairs, dtype=int).ravel(), minlength=n) if pairs else np.zeros(n, int)
    edges = list(pairs) + [(int(t), n) for t in np.flatnonzero(degree % 2)]
    adjacent: list[list[tuple[int, int]]] = [[] for _ in range(n + 1)]
    for e, (u, v) in enumerate(edges):
        adjacent[u].append((e, v))
        adjacent[v].append((e, u))
    for options in adjacent:
        rng.shuffle(options)
    used, home_is_first = np.zeros(len(edges), bool), np.zeros(len(edges), bool)
    cursor = [0] * (n + 1)
    for start in rng.permutation(n + 1):
        stack = [int(start)]
        while stack:
            u = stack[-1]
            while cursor[u] < len(adjacent[u]) and used[adjacent[u][cursor[u]][0]]:
                cursor[u] += 1
            if cursor[u] == len(adjacent[u]):
                stack.pop()
                continue
            e, v = adjacent[u][cursor[u]]
            used[e], home_is_first[e] = True, edges[e][0] == u      # walked u -> v: u hosts
            stack.append(v)
    games = np.asarray(pairs, dtype=int).reshape(-1, 2)
    first = home_is_first[:len(pairs)]
    return np.where(first, games[:, 0], games[:, 1]), np.where(first, games[:, 1], games[:, 0])
