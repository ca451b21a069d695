"""The page's games: the next game of every live series (home team, P(home team wins), spread) and,
for a replay, the last games played by the as-of date with the probability the forecast gave each
that morning (strengths updated by the playoff games of earlier days only, the season's setting of
src/odds/game_asof.py: its home court and game noise)."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd

from src.inference.forecast_asof import PlayoffsAsOf
from src.odds.playoff_update import strength_deltas
from src.league.bracket import Bracket
from src.league.monte_carlo import game_win_prob
from src.league.sites import at_site
from src.league.state import HOME_GAMES

N_LAST = 8                    # last games shown for a replay
NEXT_COLUMNS = ["round", "game", "home_team", "away_team", "p_home", "spread", "series"]
LAST_COLUMNS = ["date", "home_team", "away_team", "p_home", "spread", "home_pts", "away_pts"]


def next_games(playoffs: PlayoffsAsOf, bracket: Bracket) -> pd.DataFrame:
    """NEXT_COLUMNS for every series with both teams known and no winner yet."""
    game = at_site(playoffs.setting.game_model(playoffs.model), bracket.season)
    rows = []
    for st in playoffs.states:
        if st.winner_slot is not None:
            continue
        other = st.slot_b if st.home_slot == st.slot_a else st.slot_a
        number = st.wins_home + st.wins_away + 1
        host, guest = ((st.home_slot, other) if number in HOME_GAMES[st.best_of] else (other, st.home_slot))
        home, away = bracket.teams[host], bracket.teams[guest]
        margin = float(playoffs.strength[home] - playoffs.strength[away] + game.home_court)
        score = f"{bracket.teams[st.home_slot]} {st.wins_home}-{st.wins_away} {bracket.teams[other]}"
        rows.append({"round": st.round, "game": number, "home_team": home, "away_team": away,
                     "p_home": float(game_win_prob(np.array([margin]), game)[0]), "spread": margin,
                     "series": score})
    return pd.DataFrame(rows, columns=NEXT_COLUMNS)


def last_games(playoffs: PlayoffsAsOf, n: int = N_LAST) -> pd.DataFrame:
    """LAST_COLUMNS for the last `n` games known, each forecast as of its morning."""
    known = playoffs.games.sort_values("date", kind="stable")
    if known.empty or playoffs.pre is None:
        return pd.DataFrame(columns=LAST_COLUMNS)
    rows = []
    for _, g in known.tail(n).iterrows():
        game = at_site(playoffs.setting.game_model(playoffs.model), int(g["season"]))
        delta = strength_deltas(known[known["date"] < g["date"]], playoffs.pre, playoffs.setting, playoffs.model)
        level = lambda t: float(playoffs.pre[t] + delta.get(t, 0.0))      # noqa: E731
        margin = level(g["home_team"]) - level(g["away_team"]) + game.home_court
        rows.append({"date": g["date"], "home_team": g["home_team"], "away_team": g["away_team"],
                     "p_home": float(game_win_prob(np.array([margin]), game)[0]), "spread": margin,
                     "home_pts": int(g["home_pts"]), "away_pts": int(g["away_pts"])})
    return pd.DataFrame(rows, columns=LAST_COLUMNS)


def games_html(playoffs: PlayoffsAsOf | None, bracket: Bracket | None, replay: bool) -> str:
    """The page's "Games" section (empty before the playoffs or without a game model)."""
    if playoffs is None or bracket is None or playoffs.model is None:
        return ""
    upcoming = next_games(playoffs, bracket)
    parts = ["<h2>Games</h2>"]
    if not upcoming.empty:
        rows = "".join(
            f"<tr><td>{r.round}</td><td>{r.game}</td><td>{html.escape(r.home_team)}</td>"
            f"<td>{html.escape(r.away_team)}</td><td>{100 * r.p_home:.0f}%</td>"
            f"<td>{html.escape(_spread(r.home_team, r.spread))}</td><td>{html.escape(r.series)}</td></tr>"
            for r in upcoming.itertuples())
        parts.append("<p>The next game of every live series: P(home team wins) and the expected margin "
                     "(spread) from the strengths as they stand.</p>"
                     + _table(["round", "game", "home", "away", "P(home wins)", "spread", "series"], rows))
    past = last_games(playoffs) if replay else pd.DataFrame(columns=LAST_COLUMNS)
    if not past.empty:
        rows = "".join(
            f"<tr><td>{r.date:%b %d}</td><td>{html.escape(r.home_team)}</td><td>{html.escape(r.away_team)}</td>"
            f"<td>{100 * r.p_home:.0f}%</td><td>{html.escape(_spread(r.home_team, r.spread))}</td>"
            f"<td>{r.home_pts}-{r.away_pts} ({html.escape(r.home_team if r.home_pts > r.away_pts else r.away_team)})</td></tr>"
            for r in past.itertuples())
        parts.append(f"<p>The last {len(past)} games played by then, with the probability this forecast gave "
                     "each that morning (the playoff games of earlier days known, nothing of that day).</p>"
                     + _table(["date", "home", "away", "P(home wins)", "spread", "result"], rows))
    return "".join(parts) if len(parts) > 1 else ""


def _spread(home: str, margin: float) -> str:
    """'BOS -5.5' (the home team favoured by 5.5 points) in the betting convention."""
    return f"{home} {-margin:+.1f}"


def _table(headers: list[str], rows: str) -> str:
    """A page table (class metrics) with these column headers around `rows` (<tr> elements)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    return f'<table class="metrics"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
