"""The playoffs as they stand, for a reader: the bracket with the score of every series (HTML and
markdown) and, where playoff games are known, each contender's title odds through the playoffs
(an inline SVG line chart: no script, no external file)."""
from __future__ import annotations

import html

import pandas as pd

from src.inference.forecast_asof import PlayoffsAsOf
from src.league.bracket import Bracket
from src.league.sites import home_edge
from src.league.state import HOME_GAMES, SeriesState

ROUND_NAMES = {1: "First round", 2: "Conference semifinals", 3: "Conference finals", 4: "Finals"}
CONTENDER_MIN = 0.05          # a team is drawn in the chart if its title odds reached this
_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
            "#17becf", "#ff7f0e")
_W, _H, _PAD, _LEGEND = 640, 260, 36, 90


def series_line(state: SeriesState, bracket: Bracket) -> str:
    """'BOS 4-1 CLE (BOS won)' or 'DAL 2-2 OKC (game 5 at OKC)' with the home-court team first."""
    home = bracket.teams[state.home_slot]
    away = bracket.teams[state.slot_b if state.home_slot == state.slot_a else state.slot_a]
    score = f"{home} {state.wins_home}-{state.wins_away} {away}"
    winner = state.winner_slot
    if winner is not None:
        return f"{score} ({bracket.teams[winner]} won)"
    if not state.started:
        return f"{home} v {away} (not started; home court {home})"
    game = state.next_game
    host = home if game in HOME_GAMES[state.best_of] else away
    return f"{score} (game {game} at {host})"


def bracket_markdown(playoffs: PlayoffsAsOf, bracket: Bracket) -> list[str]:
    when = "before the playoffs" if playoffs.as_of is None else f"as of {playoffs.as_of:%Y-%m-%d}"
    lines = [f"## The bracket {when}", ""]
    for r in sorted({s.round for s in playoffs.states}):
        lines.append(f"- {ROUND_NAMES[r]}: " + "; ".join(series_line(s, bracket)
                                                         for s in playoffs.states if s.round == r))
    return lines


def damping_note(playoffs: PlayoffsAsOf) -> str:
    """What the round and title odds play when they damp the update (docs/asof.md, "Calibrated
    title moves"); "" when they play the whole update or no game is known."""
    if playoffs.damping == 1.0 or playoffs.games.empty:
        return ""
    return (f" The round and title odds count {playoffs.damping:.0%} of each team's move since the "
            "playoffs began (chosen on earlier seasons' daily title odds: a single game moved them too "
            "far); the game odds and spreads count all of it.")


def site_note(season: int) -> str:
    """A season played on a neutral court says so (src/league/sites.py); "" otherwise."""
    if home_edge(season) == 1.0:
        return ""
    return (f" {season}'s playoffs were played in the Orlando bubble without crowds: no game, series or "
            "title odds give the designated home team a home court.")


def bracket_html(playoffs: PlayoffsAsOf, bracket: Bracket) -> str:
    when = "before the playoffs" if playoffs.as_of is None else f"as of {playoffs.as_of:%Y-%m-%d}"
    columns = []
    for r in sorted({s.round for s in playoffs.states}):
        items = "".join(f"<li>{html.escape(series_line(s, bracket))}</li>"
                        for s in playoffs.states if s.round == r)
        columns.append(f'<div class="round"><h3>{ROUND_NAMES[r]}</h3><ul>{items}</ul></div>')
    setting = playoffs.setting
    weight = ("" if setting.series_weight == 1 else
              f", a game of a series still in progress weighing {setting.series_weight:g}")
    note = (f"Strengths learn from the {len(playoffs.games)} playoff games played by then "
            f"(prior sd {setting.prior_sd:g} points, margins capped at {setting.margin_cap:g}{weight}; "
            "chosen on earlier seasons' playoff games); a series in progress is simulated from its score."
            + damping_note(playoffs) + site_note(bracket.season))
    return (f'<h2>The bracket {when}</h2><p>{html.escape(note)}</p>'
            f'<div class="bracket">{"".join(columns)}</div>')


def title_path_svg(path: pd.DataFrame, as_of: pd.Timestamp | None = None) -> str:
    """Title odds of every contender after each day of the playoffs (dashed line: the as-of day)."""
    if path.empty or path["date"].nunique() < 2:
        return ""
    peak = path.groupby("team")["p_champion"].max()
    teams = [t for t in peak.sort_values(ascending=False).index if peak[t] >= CONTENDER_MIN][:len(_PALETTE)]
    days = sorted(path["date"].unique())
    span_x, span_y = _W - 2 * _PAD, _H - 2 * _PAD
    x_of = {d: _PAD + span_x * i / (len(days) - 1) for i, d in enumerate(days)}
    y_of = lambda p: _H - _PAD - span_y * p       # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W + _LEGEND}" height="{_H}" role="img" '
             'aria-label="title odds through the playoffs">',
             f'<rect x="{_PAD}" y="{_PAD}" width="{span_x}" height="{span_y}" fill="none" stroke="#999"/>']
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f'<text x="{_PAD - 6}" y="{y_of(tick) + 3:.1f}" font-size="10" text-anchor="end">'
                     f'{tick:.0%}</text>')
    for d in (days[0], days[len(days) // 2], days[-1]):
        parts.append(f'<text x="{x_of[d]:.1f}" y="{_H - _PAD + 14}" font-size="10" text-anchor="middle">'
                     f'{pd.Timestamp(d):%b %d}</text>')
    marked = [d for d in days if as_of is not None and pd.Timestamp(d) <= as_of]
    if marked and pd.Timestamp(marked[-1]) < pd.Timestamp(days[-1]):
        x = x_of[marked[-1]]
        parts.append(f'<line x1="{x:.1f}" y1="{_PAD}" x2="{x:.1f}" y2="{_H - _PAD}" stroke="#555" '
                     f'stroke-dasharray="4 3"/><text x="{x + 3:.1f}" y="{_PAD + 10}" font-size="10">'
                     f'as of {as_of:%b %d}</text>')
    for i, (team, colour) in enumerate(zip(teams, _PALETTE)):
        rows = path[path["team"] == team].sort_values("date")
        points = " ".join(f"{x_of[d]:.1f},{y_of(p):.1f}" for d, p in zip(rows["date"], rows["p_champion"]))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        parts.append(f'<rect x="{_W + 4}" y="{_PAD + 16 * i}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{_W + 18}" y="{_PAD + 9 + 16 * i}" font-size="11">{html.escape(team)}</text>')
    return "".join(parts) + "</svg>"


def playoffs_section(playoffs: PlayoffsAsOf | None, bracket: Bracket | None) -> str:
    """The page's bracket (its first screen)."""
    if playoffs is None or bracket is None:
        return ""
    return bracket_html(playoffs, bracket)


def path_section(playoffs: PlayoffsAsOf | None) -> str:
    """Title odds through the playoffs up to the as-of date; for a past season, what followed in a
    separate, labelled chart (the real results, which the forecast did not read)."""
    if playoffs is None:
        return ""
    path, as_of = playoffs.path, playoffs.as_of
    known = path if as_of is None else path[path["date"] <= as_of]
    chart = title_path_svg(known)
    out = ("<h2>Title odds through the playoffs</h2><p>After each day of playoff games up to the as-of "
           "date (the season's walk-forward strengths updated by the games so far; exact, not "
           "simulated).</p>" + chart) if chart else ""
    if as_of is not None and not known.empty and path["date"].max() > as_of:
        later = path[path["date"] >= known["date"].max()]
        after = title_path_svg(later)
        if after:
            out += ("<h2>Afterwards: what happened (not part of the forecast)</h2><p>The same odds after "
                    f"each later day of the season's real results, from {as_of:%Y-%m-%d} on: the data knows "
                    "them for a past season; the forecast above did not read them.</p>" + after)
    return out
