"""Conference of every NBA team-season since 1996-97: the raw files have no conference column.

Facts, keyed by Basketball-Reference code (as in Team Summaries.csv) and the seasons the
code was in a conference (season = year the season ends). 29 teams to 2004 (East 15,
West 14), 30 from 2005 (15 / 15).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from src.errors import DataError

EAST, WEST = "E", "W"
LAST = 9999  # open end: still in this conference today


@dataclass(frozen=True)
class Stint:
    team: str
    conference: str
    first: int
    last: int = LAST


REALIGNMENT: tuple[Stint, ...] = (
    # --- East ---
    Stint("ATL", EAST, 1997), Stint("BOS", EAST, 1997), Stint("CHI", EAST, 1997),
    Stint("CLE", EAST, 1997), Stint("DET", EAST, 1997), Stint("IND", EAST, 1997),
    Stint("MIA", EAST, 1997), Stint("MIL", EAST, 1997), Stint("NYK", EAST, 1997),
    Stint("ORL", EAST, 1997), Stint("PHI", EAST, 1997), Stint("TOR", EAST, 1997),
    # Washington Bullets renamed Wizards for 1997-98 (WSB -> WAS), same conference.
    Stint("WSB", EAST, 1997, 1997), Stint("WAS", EAST, 1998),
    # New Jersey Nets moved to Brooklyn for 2012-13 (NJN -> BRK), stayed East.
    Stint("NJN", EAST, 1997, 2012), Stint("BRK", EAST, 2013),
    # Charlotte Hornets (CHH) left for New Orleans after 2001-02; the New Orleans Hornets
    # (NOH) played 2002-03 and 2003-04 in the East (Central Division) ...
    Stint("CHH", EAST, 1997, 2002), Stint("NOH", EAST, 2003, 2004),
    # Expansion Charlotte Bobcats (CHA) joined the East in 2004-05; renamed Hornets for
    # 2014-15 (CHA -> CHO).
    Stint("CHA", EAST, 2005, 2014), Stint("CHO", EAST, 2015),
    # --- West ---
    Stint("DAL", WEST, 1997), Stint("DEN", WEST, 1997), Stint("GSW", WEST, 1997),
    Stint("HOU", WEST, 1997), Stint("LAC", WEST, 1997), Stint("LAL", WEST, 1997),
    Stint("MIN", WEST, 1997), Stint("PHO", WEST, 1997), Stint("POR", WEST, 1997),
    Stint("SAC", WEST, 1997), Stint("SAS", WEST, 1997), Stint("UTA", WEST, 1997),
    # Vancouver Grizzlies moved to Memphis for 2001-02 (VAN -> MEM), stayed West.
    Stint("VAN", WEST, 1997, 2001), Stint("MEM", WEST, 2002),
    # Seattle SuperSonics moved to Oklahoma City for 2008-09 (SEA -> OKC), stayed West.
    Stint("SEA", WEST, 1997, 2008), Stint("OKC", WEST, 2009),
    # ... New Orleans moved East -> West in 2004-05 (Southwest Division, with the
    # Bobcats' arrival); after Katrina it played 2005-06 and 2006-07 as the New
    # Orleans/Oklahoma City Hornets (NOK); renamed Pelicans for 2013-14 (NOH -> NOP).
    Stint("NOH", WEST, 2005, 2005), Stint("NOK", WEST, 2006, 2007),
    Stint("NOH", WEST, 2008, 2013), Stint("NOP", WEST, 2014),
)


def conference_of(team: str, season: int) -> str | None:
    """"E"/"W" for `team` in `season`, or None when the table has no such team-season."""
    for stint in REALIGNMENT:
        if stint.team == team and stint.first <= season <= stint.last:
            return stint.conference
    return None


def assign_conferences(teams: pd.DataFrame, source: str) -> pd.Series:
    """Conference per row of `teams` (columns season, team); a gap is a DataError."""
    conf = pd.Series([conference_of(t, int(s)) for s, t in zip(teams["season"], teams["team"])],
                     index=teams.index, dtype="object")
    missing = conf.isna()
    if missing.any():
        bad = teams.loc[missing, ["season", "team"]].drop_duplicates()
        listed = ", ".join(f"{t} in {s}" for s, t in bad.itertuples(index=False))
        raise DataError(f"{source}: column 'abbreviation': no conference for team-season(s) "
                        f"{listed} (unknown team abbreviation, or a team the realignment table "
                        "in src/data/conferences.py does not cover)")
    return conf.astype("str")
