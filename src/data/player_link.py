"""Link the box scores' NBA persons to the Basketball-Reference players of the same team-season.

Within one team-season (season, B-Ref team code) a person's name is compared with the names of
the team's players in player_seasons, in this order, and the first rule that finds exactly one
player links him:

1. the normalised name (`name_key`: accents and marks dropped, dotless i and the like spelled out,
   lower case, periods and apostrophes removed, hyphens as spaces, suffixes Jr./Sr./II-V at the
   end dropped): "J.R. Smith" = "JR Smith", "Ömer Aşık" = "Omer Asik", "Otto Porter Jr." = "Otto Porter";
2. the same words in any order ("Yi Jianlian" = "Jianlian Yi");
3. a known other name of the same player (RENAMES: "Enes Kanter" = "Enes Freedom", "Nene Hilario"
   = "Nenê"), compared normalised;
4. the same last word and first initial, if only one player of the team-season has them.

A person no rule links is listed in the link report with his minutes; an unlinked starter is an
error (a starter always has a regular season with the team in the data, so a miss is a naming gap
to add to RENAMES, never a player to drop), and so is a linked share of playoff minutes below
`data.min_linked_minutes_share`.
"""
from __future__ import annotations

import re
import unicodedata

import pandas as pd

from src.errors import DataError

# Letters NFKD does not split into a base letter and a mark.
_SPELLED = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe",
                          "Ł": "L", "Ø": "O", "Đ": "D"})
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v"}
# Other names of one player (normalised on use). Facts, each checked against both files.
RENAMES = {
    "Enes Kanter": "Enes Freedom",        # changed his name in 2021; B-Ref uses the new one
    "Nene Hilario": "Nene",               # B-Ref: "Nenê"
}
LINK_COLUMNS = ["season", "team", "person_id", "person", "player_id", "player", "link_rule"]


def name_key(name: str) -> str:
    """A name as the link compares it (rule 1 of the module docstring)."""
    text = unicodedata.normalize("NFKD", str(name).translate(_SPELLED))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[.'’`]", "", text).replace("-", " ")
    words = text.split()
    while len(words) > 2 and words[-1] in _SUFFIXES:     # "Otto Porter Jr.", not "JR Smith"
        words = words[:-1]
    return " ".join(words)


_RENAMED = {name_key(old): name_key(new) for old, new in RENAMES.items()}


def _keys(name: str) -> dict[str, str]:
    key = name_key(name)
    words = key.split()
    initial_last = f"{words[0][:1]} {words[-1]}" if len(words) >= 2 else key
    return {"name": key, "sorted": " ".join(sorted(words)), "initial_last": initial_last}


def link_persons(persons: pd.DataFrame, players: pd.DataFrame) -> pd.DataFrame:
    """persons: season, team, person_id, person (one row each); players: player_seasons rows
    (season, team, player_id, player). LINK_COLUMNS, player_id None where no rule links."""
    roster = players[["season", "team", "player_id", "player"]].drop_duplicates(["season", "team", "player_id"])
    by_team = {key: group for key, group in roster.groupby(["season", "team"])}
    rows = []
    for row in persons.itertuples(index=False):
        team = by_team.get((row.season, row.team))
        player_id, player, rule = _link_one(row.person, team)
        rows.append((row.season, row.team, row.person_id, row.person, player_id, player, rule))
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def _link_one(person: str, team: pd.DataFrame | None) -> tuple[str | None, str | None, str | None]:
    if team is None or team.empty:
        return None, None, None
    names = team["player"].tolist()
    candidates = [_keys(n) for n in names]
    wanted = _keys(person)
    renamed = _RENAMED.get(wanted["name"])
    rules = [("name", lambda c: c["name"] == wanted["name"]),
             ("word_order", lambda c: c["sorted"] == wanted["sorted"]),
             ("rename", lambda c: c["name"] == renamed),
             ("initial_last", lambda c: c["initial_last"] == wanted["initial_last"])]
    for rule, same in rules:
        hits = [i for i, c in enumerate(candidates) if same(c)]
        if len(hits) == 1:
            return team["player_id"].iloc[hits[0]], names[hits[0]], rule
    return None, None, None


def check_link(box: pd.DataFrame, min_share: float, source: str) -> dict:
    """box: box-score rows with player_id (None: unlinked). Raise on an unlinked starter or a
    linked minutes share below `min_share`; return the link report."""
    unlinked = box["player_id"].isna()
    starters = box.loc[unlinked & box["starter"]]
    if not starters.empty:
        first = starters.iloc[0]
        listed = ", ".join(sorted({f"{r.person} ({r.season} {r.team})" for r in starters.itertuples()}))
        raise DataError(f"{source}: starter {first['person']!r} (season {first['season']}, team "
                        f"{first['team']}, game {first['game_id']}) matches no player of that "
                        f"team-season in the player files; unlinked starters: {listed} (add the "
                        "name to src/data/player_link.RENAMES if it is a spelling)")
    total = float(box["minutes"].sum())
    linked = float(box.loc[~unlinked, "minutes"].sum())
    share = linked / total if total > 0 else 1.0
    missed = (box.loc[unlinked].groupby(["season", "team", "person_id", "person"], as_index=False)
              .agg(minutes=("minutes", "sum"), games=("game_id", "nunique"))
              .sort_values(["minutes", "season", "team", "person"], ascending=[False, True, True, True]))
    report = {"rows": int(len(box)), "persons": int(box[["season", "team", "person_id"]].drop_duplicates().shape[0]),
              "minutes": round(total, 2), "linked_minutes_share": round(share, 6),
              "unlinked_persons": int(len(missed)),
              "unlinked": [{"season": int(r.season), "team": r.team, "person_id": r.person_id,
                            "person": r.person, "minutes": round(float(r.minutes), 2), "games": int(r.games)}
                           for r in missed.itertuples()]}
    if share < min_share:
        raise DataError(f"{source}: only {share:.2%} of playoff minutes are linked to a player of the "
                        f"player files (data.min_linked_minutes_share = {min_share}); unlinked: "
                        + ", ".join(f"{u['person']} ({u['season']} {u['team']})" for u in report["unlinked"][:10]))
    return report
