"""A hand-made 2025 league for the results-file and real-bracket tests: the 30 teams with their
2024-25 records, conferences and names, SRS set so that the product's own seeding (record, SRS
tie-break) builds the West bracket issue 27 reports (OKC v GSW, HOU v MEM, LAC v MIN, DEN v LAL)
while the real one was OKC v MEM, HOU v GSW, LAL v MIN, DEN v LAC; and the first-round games of
the 2025 playoffs in the minimal CSV (pairings, home courts and series winners as played; the
scores were written from memory of the public record and only need to be plausible here)."""
import pandas as pd

SEASON = 2025
# team: (name, conference, wins, srs, made the playoffs)
TEAMS = {
    "OKC": ("Oklahoma City Thunder", "W", 68, 12.7, True), "HOU": ("Houston Rockets", "W", 52, 4.9, True),
    "LAL": ("Los Angeles Lakers", "W", 50, 1.1, True), "DEN": ("Denver Nuggets", "W", 50, 3.9, True),
    "LAC": ("Los Angeles Clippers", "W", 50, 4.8, True), "MIN": ("Minnesota Timberwolves", "W", 49, 4.0, True),
    "GSW": ("Golden State Warriors", "W", 48, 3.4, True), "MEM": ("Memphis Grizzlies", "W", 48, 4.1, True),
    "SAC": ("Sacramento Kings", "W", 40, 0.4, False), "DAL": ("Dallas Mavericks", "W", 39, -0.5, False),
    "PHO": ("Phoenix Suns", "W", 36, -2.7, False), "POR": ("Portland Trail Blazers", "W", 36, -2.4, False),
    "SAS": ("San Antonio Spurs", "W", 34, -3.2, False), "NOP": ("New Orleans Pelicans", "W", 21, -9.1, False),
    "UTA": ("Utah Jazz", "W", 17, -10.3, False),
    "CLE": ("Cleveland Cavaliers", "E", 64, 9.4, True), "BOS": ("Boston Celtics", "E", 61, 9.1, True),
    "NYK": ("New York Knicks", "E", 51, 3.9, True), "IND": ("Indiana Pacers", "E", 50, 1.8, True),
    "MIL": ("Milwaukee Bucks", "E", 48, 1.5, True), "DET": ("Detroit Pistons", "E", 44, 2.1, True),
    "ORL": ("Orlando Magic", "E", 41, 0.1, True), "ATL": ("Atlanta Hawks", "E", 40, -1.3, False),
    "CHI": ("Chicago Bulls", "E", 39, -1.2, False), "MIA": ("Miami Heat", "E", 37, 0.3, True),
    "TOR": ("Toronto Raptors", "E", 30, -4.9, False), "BRK": ("Brooklyn Nets", "E", 26, -6.8, False),
    "PHI": ("Philadelphia 76ers", "E", 24, -7.4, False), "CHO": ("Charlotte Hornets", "E", 19, -9.1, False),
    "WAS": ("Washington Wizards", "E", 18, -12.0, False),
}

# date, home, away, home_pts, away_pts: round 1, then the first game of each round-2 series
GAMES_2025 = """date,home,away,home_pts,away_pts
2025-04-19,LAL,MIN,95,117
2025-04-19,DEN,LAC,112,110
2025-04-19,NYK,DET,123,112
2025-04-19,IND,MIL,117,98
2025-04-20,OKC,MEM,131,80
2025-04-20,HOU,GSW,85,95
2025-04-20,CLE,MIA,121,100
2025-04-20,BOS,ORL,103,86
2025-04-21,DEN,LAC,102,105
2025-04-21,NYK,DET,94,100
2025-04-22,OKC,MEM,118,99
2025-04-22,LAL,MIN,94,85
2025-04-22,IND,MIL,123,115
2025-04-23,HOU,GSW,109,94
2025-04-23,CLE,MIA,121,112
2025-04-23,BOS,ORL,109,100
2025-04-24,MEM,OKC,108,114
2025-04-24,LAC,DEN,117,83
2025-04-24,DET,NYK,116,118
2025-04-25,MIN,LAL,116,104
2025-04-25,ORL,BOS,95,93
2025-04-25,MIL,IND,117,101
2025-04-26,MEM,OKC,115,117
2025-04-26,GSW,HOU,104,93
2025-04-26,LAC,DEN,99,101
2025-04-26,MIA,CLE,87,124
2025-04-27,MIN,LAL,116,113
2025-04-27,ORL,BOS,98,107
2025-04-27,DET,NYK,93,94
2025-04-27,MIL,IND,103,129
2025-04-28,GSW,HOU,109,106
2025-04-28,MIA,CLE,83,138
2025-04-29,DEN,LAC,131,115
2025-04-29,BOS,ORL,120,89
2025-04-29,NYK,DET,103,106
2025-04-29,IND,MIL,119,118
2025-04-30,HOU,GSW,131,116
2025-04-30,LAL,MIN,96,103
2025-05-01,LAC,DEN,111,105
2025-05-01,DET,NYK,113,116
2025-05-02,GSW,HOU,107,115
2025-05-03,DEN,LAC,120,101
2025-05-04,HOU,GSW,89,103
2025-05-04,CLE,IND,112,121
2025-05-05,OKC,DEN,119,121
2025-05-05,BOS,NYK,105,108
2025-05-06,MIN,GSW,88,99
"""
REAL_WEST = [("OKC", "MEM"), ("HOU", "GSW"), ("LAL", "MIN"), ("DEN", "LAC")]
REAL_EAST = [("CLE", "MIA"), ("BOS", "ORL"), ("NYK", "DET"), ("IND", "MIL")]


def teams_2025(in_progress: bool = False) -> pd.DataFrame:
    """team_seasons rows of 2025 (made_playoffs unknown when `in_progress`)."""
    rows = []
    for team, (name, conf, wins, srs, made) in TEAMS.items():
        rows.append(dict(season=SEASON, team=team, team_name=name, conference=conf, g=82, wins=wins,
                         losses=82 - wins, win_pct=wins / 82, srs=srs,
                         made_playoffs=pd.NA if in_progress else made, series_won=pd.NA,
                         division_finish=pd.NA, outcome_known=False, champion=pd.NA))
    return pd.DataFrame(rows)


def write(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path
