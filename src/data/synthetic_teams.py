"""The 30 real NBA franchises of the synthetic league, with their real codes, names and conferences.

A synthetic season uses the Basketball-Reference code and name each franchise really had that
season, so the ingest's realignment table (src/data/conferences.py) accepts every team-season
(a test checks the two agree). Before 2004-05 the league has 29 teams, as it really had.
"""
from __future__ import annotations

from dataclasses import dataclass

EAST, WEST = "E", "W"
OPEN = 9999  # era still running

# Basketball-Reference code -> code in the NBA-stats playoff game file, where they differ.
NBA_STATS_CODE = {"BRK": "BKN", "PHO": "PHX", "CHO": "CHA"}
# The playoff game file calls the Clippers "LA Clippers" from 2015-16 on.
NBA_STATS_NAME_FROM = {"Los Angeles Clippers": ("LA Clippers", 2016)}


@dataclass(frozen=True)
class Era:
    code: str
    name: str
    conference: str
    first: int
    last: int = OPEN


def _one(code: str, name: str, conference: str) -> tuple[Era, ...]:
    return (Era(code, name, conference, 1997),)


FRANCHISES: tuple[tuple[Era, ...], ...] = (
    _one("ATL", "Atlanta Hawks", EAST), _one("BOS", "Boston Celtics", EAST),
    _one("CHI", "Chicago Bulls", EAST), _one("CLE", "Cleveland Cavaliers", EAST),
    _one("DET", "Detroit Pistons", EAST), _one("IND", "Indiana Pacers", EAST),
    _one("MIA", "Miami Heat", EAST), _one("MIL", "Milwaukee Bucks", EAST),
    _one("NYK", "New York Knicks", EAST), _one("ORL", "Orlando Magic", EAST),
    _one("PHI", "Philadelphia 76ers", EAST), _one("TOR", "Toronto Raptors", EAST),
    (Era("WSB", "Washington Bullets", EAST, 1997, 1997), Era("WAS", "Washington Wizards", EAST, 1998)),
    (Era("NJN", "New Jersey Nets", EAST, 1997, 2012), Era("BRK", "Brooklyn Nets", EAST, 2013)),
    # Expansion Charlotte Bobcats from 2004-05: the league's 30th team.
    (Era("CHA", "Charlotte Bobcats", EAST, 2005, 2014), Era("CHO", "Charlotte Hornets", EAST, 2015)),
    _one("DAL", "Dallas Mavericks", WEST), _one("DEN", "Denver Nuggets", WEST),
    _one("GSW", "Golden State Warriors", WEST), _one("HOU", "Houston Rockets", WEST),
    _one("LAC", "Los Angeles Clippers", WEST), _one("LAL", "Los Angeles Lakers", WEST),
    _one("MIN", "Minnesota Timberwolves", WEST), _one("PHO", "Phoenix Suns", WEST),
    _one("POR", "Portland Trail Blazers", WEST), _one("SAC", "Sacramento Kings", WEST),
    _one("SAS", "San Antonio Spurs", WEST), _one("UTA", "Utah Jazz", WEST),
    (Era("VAN", "Vancouver Grizzlies", WEST, 1997, 2001), Era("MEM", "Memphis Grizzlies", WEST, 2002)),
    (Era("SEA", "Seattle SuperSonics", WEST, 1997, 2008), Era("OKC", "Oklahoma City Thunder", WEST, 2009)),
    # Charlotte Hornets -> New Orleans (East 2003-04), West from 2004-05, Katrina years as NOK.
    (Era("CHH", "Charlotte Hornets", EAST, 1997, 2002), Era("NOH", "New Orleans Hornets", EAST, 2003, 2004),
     Era("NOH", "New Orleans Hornets", WEST, 2005, 2005),
     Era("NOK", "New Orleans/Oklahoma City Hornets", WEST, 2006, 2007),
     Era("NOH", "New Orleans Hornets", WEST, 2008, 2013), Era("NOP", "New Orleans Pelicans", WEST, 2014)),
)
FIRST_SEASON = 1997  # the table starts here, as the player tables do


def franchise_order(n_teams: int) -> list[int]:
    """Indices of the `n_teams` franchises used: alternately East and West, so a smaller league
    keeps both conferences (the East-only-to-2004 Hornets and the Bobcats come last)."""
    if not 16 <= n_teams <= len(FRANCHISES):
        raise ValueError(f"n_teams must be 16..{len(FRANCHISES)} (8 playoff teams per conference), got {n_teams}")
    east = [i for i, f in enumerate(FRANCHISES) if f[-1].conference == EAST and len(f) < 3 and f[0].first == FIRST_SEASON]
    west = [i for i, f in enumerate(FRANCHISES) if f[-1].conference == WEST and len(f) < 3]
    late = [i for i in range(len(FRANCHISES)) if i not in east and i not in west]
    order = [i for pair in zip(east, west) for i in pair] + late
    return order[:n_teams]


def era_of(franchise: int, season: int) -> Era | None:
    """The franchise's code/name/conference in `season`, None when it did not exist yet."""
    for era in FRANCHISES[franchise]:
        if era.first <= season <= era.last:
            return era
    return None


def nba_stats_team(era: Era, season: int) -> tuple[str, str]:
    """(abbreviation, name) as the NBA-stats playoff game file writes them."""
    name, since = NBA_STATS_NAME_FROM.get(era.name, (era.name, OPEN))
    return NBA_STATS_CODE.get(era.code, era.code), name if season >= since else era.name
