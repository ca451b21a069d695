"""The one bracket walk: who meets whom, round by round, in a fixed bracket.

Slots hold a conference's (or the league's) teams in bracket order; adjacent slots meet in
round 1 and adjacent winners in every later round (no re-seeding). Who advances is asked of
`winner_of(round, a, b)`, which answers a, b or None (not decided, or the data contradicts
itself). A pair with an undecided side is not played: the walk yields only pairings whose
two teams are both known, so the same walk serves a finished season (series_won), the
state of a season in progress (playoff games to a date) and the consistency checks of the
seeding.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Hashable, Iterator, Sequence, TypeVar

T = TypeVar("T", bound=Hashable)


@dataclass(frozen=True)
class Pairing(Generic[T]):
    round: int
    a: T                     # the upper slot of the pair
    b: T
    winner: T | None         # None: not decided (or contradicted)


def walk(slots: Sequence[T], winner_of: Callable[[int, T, T], T | None]) -> Iterator[Pairing[T]]:
    """Every pairing of the bracket whose two teams are known, round by round."""
    alive: list[T | None] = list(slots)
    r = 1
    while len(alive) > 1:
        nxt: list[T | None] = []
        for a, b in zip(alive[0::2], alive[1::2]):
            if a is None or b is None:
                nxt.append(None)
                continue
            w = winner_of(r, a, b)
            yield Pairing(r, a, b, w)
            nxt.append(w)
        alive, r = nxt, r + 1


def by_series_won(series_won: Callable[[T], int]) -> Callable[[int, T, T], T | None]:
    """winner_of for a finished season: in round r the team with series_won >= r advances;
    both or neither advancing is a contradiction (None)."""
    def winner_of(r: int, a: T, b: T) -> T | None:
        a_on, b_on = series_won(a) >= r, series_won(b) >= r
        return None if a_on == b_on else (a if a_on else b)
    return winner_of


def fully_decided(pairings: list[Pairing]) -> bool:
    """Whether a walk of 2^k slots decided every one of its 2^k - 1 series."""
    return all(p.winner is not None for p in pairings) and _is_complete(pairings)


def _is_complete(pairings: list[Pairing]) -> bool:
    if not pairings:
        return False
    first = sum(1 for p in pairings if p.round == 1)
    return len(pairings) == 2 * first - 1
