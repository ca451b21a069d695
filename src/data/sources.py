"""Where each raw input file comes from: a public GitHub repository pinned at a commit.

The checksums are those of the files at the pinned commits (the copy in
../shared/data/nba-bref/SHA256SUMS). A local file whose checksum differs is accepted
only with data.accept_changed_checksums: true (logged): users may bring newer data.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from src.data import schema

GITHUB_RAW_BASE = "https://raw.githubusercontent.com"
# Set to a URL prefix (e.g. http://127.0.0.1:8000) to download every file from
# `<prefix>/<file name>` instead of GitHub: a mirror, or a test server.
BASE_URL_ENV = "NBA_DATA_BASE_URL"


@dataclass(frozen=True)
class RawSource:
    name: str        # file name inside data.raw_dir
    repo: str        # owner/name on GitHub
    commit: str      # pinned commit (short hashes resolve on raw.githubusercontent.com)
    path: str        # path of the file inside the repository
    sha256: str      # checksum of the file at that commit

    def url(self, base_url: str | None = None) -> str:
        """Raw-file URL; with `base_url`, the file name under that prefix."""
        if base_url:
            return f"{base_url.rstrip('/')}/{quote(self.name)}"
        return f"{GITHUB_RAW_BASE}/{self.repo}/{self.commit}/{quote(self.path)}"


_BREF_REPO = "sumitrodatta/bball-reference-datasets"
_BREF_COMMIT = "2d86687"
# Per 100 Poss.csv is pinned to an earlier commit of the same repository (its README row):
# 2026 = games to 2025-12-31 there.
_PER_100_COMMIT = "6918b05"
_RECORDS_REPO = "Tmaku18/NBA-Playoff-Strength-Project"
_RECORDS_COMMIT = "4ea72b2"
_PLAYOFFS_REPO = "NocturneBear/NBA-Data-2010-2024"
_PLAYOFFS_COMMIT = "a5f108b5b1f08074d78b9e8e901926a9ce4c06c5"
# the box scores are pinned to an earlier commit (the file's later versions are not available)
_BOX_SCORES_COMMIT = "2847bec"

_BREF_SHA256 = {
    "All-Star Selections.csv": "0638a940f8e40aacb2a51e7314e7fe6ba964892cd1323bc5f0ec93a003251069",
    "End of Season Teams.csv": "865a9f6aace7566ff36316dfcf4b36ffdbc30700f5b69577817d1012e34d0e7c",
    "Opponent Stats Per 100 Poss.csv": "76a0231270a6a86aa6c1fa8258b1097cc9f58bd8000e850ee91e98574f414887",
    "Opponent Stats Per Game.csv": "23ac156abf5e87936a9bb637bce29fb0bab46c0c9cdb291965a6ebbc6aa55276",
    "Opponent Totals.csv": "4f11d6482b791b5eb07d908f7c7ce1fd86b0aefb4cbb7ca6cb44e3e1ac591889",
    "Player Award Shares.csv": "2d7b59bfce52548467d4071c7bb242e6bf098e73e5b2f5d74b904b8d4001e643",
    "Player Career Info.csv": "de1f956b52ec36af6b02b1fed3ef86a139ca43d0ec63039199fcc07b5b8aa8b6",
    "Player Play By Play.csv": "6a3a96f2d333ca7aa16749570443f32bb1ba8407d03f8afc38edef2e55e995c1",
    "Player Season Info.csv": "29f58683d49f8c61c15bd47ed7168681149fc58e126830b8395ba41e78300322",
    "Player Shooting.csv": "b517fd0a8792872d93042d1068cb2338f5838f701a9795bd0f9ac72c56c6132b",
    "Team Abbrev.csv": "567f3ec3d2e5ff157281b43a60f7172345b3f41c825cddee4d2bc4fb8a517c74",
    "Team Stats Per 100 Poss.csv": "10ab0ea16680fe01eac78dd4a4adc0ad97d763f0f044dfad876bfacd6e927c37",
    "Team Stats Per Game.csv": "1b447bb46142c5ca12a5c7b76693bbaeae3f99b8e9e6a518ea3a53f5b3e6b830",
    "Team Summaries.csv": "dedd3b83b98e3ddb7bffca1a66a4f0b31f69e2a8dbff1f754303ecd9b3758e82",
    "Team Totals.csv": "1af0fe0799a9afaf7de32879b7862481d34d3f29a243483b7c2b96a45d8358cb",
}

RAW_SOURCES: tuple[RawSource, ...] = (
    *(RawSource(name, _BREF_REPO, _BREF_COMMIT, f"Data/{name}", sha)
      for name, sha in _BREF_SHA256.items()),
    RawSource("Per 100 Poss.csv", _BREF_REPO, _PER_100_COMMIT, "Data/Per 100 Poss.csv",
              "3632290afdec76fbdfaa1c7090e2179fa48c2d9a63fead7b1185ea48fc3758ed"),
    RawSource("Team_Records.csv", _RECORDS_REPO, _RECORDS_COMMIT, "data/raw/Team_Records.csv",
              "c71d662fdbc771700644a6c6a7ecee233c7ce37f0353f1e7d85ea432ae86cd2e"),
    RawSource("play_off_totals_2010_2024.csv", _PLAYOFFS_REPO, _PLAYOFFS_COMMIT,
              "play_off_totals_2010_2024.csv",
              "d4e1c5717d1419d9f7dc060c762554a7a6bb4a4a52a0aaece165a897aa84ef07"),
    RawSource("play_off_box_scores_2010_2024.csv", _PLAYOFFS_REPO, _BOX_SCORES_COMMIT,
              "play_off_box_scores_2010_2024.csv",
              "5363dc0a788dd131426610f477f3aac346c499edaaf8a557cac2275820f1084c"),
)


# The files the ingest stage reads (every CsvSpec in src/data/schema.py): what `download` makes
# sure of. The rest of RAW_SOURCES (opponent tables, award voting, ...) are listed for reference.
INGEST_FILES = frozenset(spec.name for spec in vars(schema).values() if isinstance(spec, schema.CsvSpec))
REQUIRED_SOURCES: tuple[RawSource, ...] = tuple(s for s in RAW_SOURCES if s.name in INGEST_FILES)


def source_by_name(name: str) -> RawSource:
    for source in RAW_SOURCES:
        if source.name == name:
            return source
    raise KeyError(f"no raw source named {name!r}")
