"""The forecast page's section on the roster: who is missing from each live team's last game,
who is stated unavailable, and the title and series odds with and without each of them."""
from __future__ import annotations

import html

import pandas as pd

from src.inference.forecast_playoffs import ROUND_NAMES
from src.inference.forecast_roster import RosterWhatIf

TITLE = "Who is missing, and the odds without him"
HEADERS = ["Team", "Player", "Why", "Contribution (points)", "P(misses next game)",
           "Live series", "P(series) with / without", "P(title) with / without"]


def _pct(x: float) -> str:
    return "-" if pd.isna(x) else f"{100 * x:.1f}%"


def intro_lines(rw: RosterWhatIf) -> list[str]:
    when = "before the playoffs" if rw.as_of is None else f"as of {rw.as_of:%Y-%m-%d}"
    lines = [f"{when.capitalize()}: the players of each team still alive who did not play in its last "
             "playoff game (injury or illness, suspension, away, or a rotation player left out of the "
             "box score; not the coach's decision), and the players stated unavailable "
             "(`forecast.unavailable`). Without a player his team's strength is its strength minus his "
             "contribution above replacement; both odds are exact, from the bracket as it stands."]
    if rw.model is not None:
        first, last = rw.model.seasons[0], rw.model.seasons[-1]
        lines.append(f"P(misses next game): the share of rotation players in the same spot (games missed "
                     f"in a row, why) who missed the next game, playoffs {first}-{last} (fitted on seasons "
                     f"before this one; {sum(n for _, n in rw.model.cells.values()):,} cases).")
    if rw.box_last_date is None:
        lines.append("This season has no box scores in the data: who played is unknown, so no one is "
                     "listed as missing.")
    elif rw.as_of is None or rw.box_last_date < rw.as_of:
        lines.append(f"Box scores of this season end on {rw.box_last_date:%Y-%m-%d}: a later game's "
                     "players are unknown (not missing).")
    return lines


def _rows(rw: RosterWhatIf) -> list[list[str]]:
    p_miss = {}
    if "p_miss_next" in rw.availability:
        p_miss = dict(zip(zip(rw.availability["team"], rw.availability["player"]), rw.availability["p_miss_next"]))
    rows = []
    for r in rw.odds.itertuples(index=False):
        series = "-" if r.opponent is None else f"v {r.opponent} ({ROUND_NAMES[int(r.series_round)].lower()})"
        rows.append([r.team, r.player, r.why, f"{r.contribution:.2f}", _pct(p_miss.get((r.team, r.player))),
                     series, f"{_pct(r.p_series_with)} / {_pct(r.p_series_without)}",
                     f"{_pct(r.p_title_with)} / {_pct(r.p_title_without)}"])
    return rows


def roster_markdown(rw: RosterWhatIf | None) -> list[str]:
    if rw is None:
        return []
    lines = [f"## {TITLE}", "", *(line for x in intro_lines(rw) for line in (x, "")), ]
    rows = _rows(rw)
    if not rows:
        return [*lines, "No player of a team still alive is missing or stated unavailable.", ""]
    table = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    table += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, *table, ""]


def roster_html(rw: RosterWhatIf | None) -> str:
    if rw is None:
        return ""
    intro = "".join(f"<p>{html.escape(x).replace('`', '')}</p>" for x in intro_lines(rw))
    rows = _rows(rw)
    if not rows:
        return f"<h2>{TITLE}</h2>{intro}<p>No player of a team still alive is missing or stated unavailable.</p>"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADERS)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    style = ("<style>table.roster td:nth-child(-n+3),table.roster th:nth-child(-n+3),"
             "table.roster td:nth-child(6),table.roster th:nth-child(6){text-align:left}"
             "table.roster th{max-width:7rem}</style>")
    return f'<h2 id="roster">{TITLE}</h2>{style}{intro}<table class="roster"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
