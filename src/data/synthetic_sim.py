"""The latent world of the synthetic league: players who age, move and retire; team strength from
their minutes-weighted impacts; an 82-game regular season and a best-of-7 playoff bracket
played with a normal game model. synthetic.py turns the result into the raw CSV files.

Units: player impact and team strength are points per 100 possessions above league average
(a game margin is strength difference x pace / 100, plus home court).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from src.data.results_file import BUBBLE_SEASON
from src.data.synthetic_teams import era_of

GAMES = 82
GAME_MINUTES = 48
LEAGUE_RATING = 108.0          # points per 100 possessions of an average team
PACE_MEAN, PACE_SD, GAME_PACE_SD = 95.0, 2.5, 3.0
HOME_COURT = 2.5               # points
TEAM_POINTS_SD = 8.1           # per team and game: margin SD = 8.1 * sqrt(2) ~ 11.5 points
TEAM_EFFECT_SD = 1.0           # coaching/fit: strength not explained by the players
IMPACT_SD, ROOKIE_IMPACT_MEAN = 2.5, -1.5
STAR_IMPACT_SD, STAR_MODE_OTHER_SD, STAR_MODE_TEAM_SD = 7.0, 0.3, 0.2
AGE_PEAK, GROWTH_PER_YEAR, DECLINE_PER_YEAR, YEARLY_DRIFT_SD = 27, 0.4, 0.5, 0.7
ROOKIE_AGES, START_AGES, RETIRE_AGE, LATE_RETIRE_P = (19, 23), (19, 33), 36, 0.25
OFFSEASON_MOVE_P, MIDSEASON_TRADE_P = 0.12, 0.03
# Minutes per game by roster slot (best player first); roster sizes other than 13 are cut/padded.
MPG_PROFILE = (36, 34, 32, 30, 28, 24, 21, 18, 15, 12, 9, 6, 4)
POSITIONS = ("PG", "SG", "SF", "PF", "C")
PLAYOFF_TEAMS_PER_CONF, WINS_TO_ADVANCE = 8, 4
BRACKET = ((0, 7), (3, 4), (2, 5), (1, 6))     # seed pairs 1v8, 4v5, 3v6, 2v7 (0-based)
HOME_GAMES = (True, True, False, False, True, False, True)  # 2-2-1-1-1, from the higher seed's side


@dataclass
class Season:
    season: int
    teams: pd.DataFrame        # one row per team: latent and regular-season results
    rows: pd.DataFrame         # one row per player-team stint (traded players: two)
    series: list[dict] = field(default_factory=list)
    games: list[dict] = field(default_factory=list)   # playoff games


class League:
    """Carries players from season to season; `play(season)` returns that season."""

    def __init__(self, rng: np.random.Generator, franchises: list[int], roster_size: int, star_mode: bool,
                 star_minutes_rank: int = 0):
        self.rng, self.franchises, self.roster_size, self.star_mode = rng, franchises, roster_size, star_mode
        self.star_minutes_rank = star_minutes_rank
        self.players = pd.DataFrame(columns=["player_id", "player", "pos", "age", "debut", "impact",
                                             "franchise", "star"])
        self._next_id = 0

    # ---- players -------------------------------------------------------------------------
    def _new_players(self, franchise: int, n: int, season: int, ages: tuple[int, int], star: bool) -> pd.DataFrame:
        rng = self.rng
        ids = range(self._next_id, self._next_id + n)
        self._next_id += n
        sd = STAR_IMPACT_SD if star else (STAR_MODE_OTHER_SD if self.star_mode else IMPACT_SD)
        mean = 0.0 if self.star_mode else ROOKIE_IMPACT_MEAN * (ages == ROOKIE_AGES)
        age = rng.integers(ages[0], ages[1] + 1, n)
        return pd.DataFrame({
            "player_id": [f"syn{i:04d}01" for i in ids],
            "player": [f"Synth Player{i:04d}" for i in ids],
            "pos": rng.choice(POSITIONS, n), "age": age, "debut": season - np.maximum(age - ages[0], 0),
            "impact": rng.normal(mean, sd, n), "franchise": franchise, "star": star})

    def _offseason(self, season: int, first: bool) -> None:
        rng, p = self.rng, self.players
        if not first:
            p["age"] += 1
            growth = np.where(p["age"] <= AGE_PEAK, GROWTH_PER_YEAR, -DECLINE_PER_YEAR)
            drift_sd = np.where(p["star"], YEARLY_DRIFT_SD, STAR_MODE_OTHER_SD if self.star_mode else YEARLY_DRIFT_SD)
            p["impact"] += (0 if self.star_mode else growth) + rng.normal(0, 1, len(p)) * drift_sd
            retire = (p["age"] > RETIRE_AGE) | ((p["age"] > AGE_PEAK + 5) & (rng.random(len(p)) < LATE_RETIRE_P))
            p = p.loc[~retire].copy()
            self._move(p, ~p["star"] & (rng.random(len(p)) < OFFSEASON_MOVE_P))
        active = [f for f in self.franchises if era_of(f, season) is not None]
        p = p.loc[p["franchise"].isin(active)]
        frames = [p] if len(p) else []
        size = p["franchise"].value_counts()
        stars = set(p.loc[p["star"].astype(bool), "franchise"])
        for f in active:
            have = int(size.get(f, 0))
            need = self.roster_size - have
            ages = START_AGES if first or have == 0 else ROOKIE_AGES
            if need > 0 and self.star_mode and f not in stars:
                frames.append(self._new_players(f, 1, season, ages, True))
                need -= 1
            if need > 0:
                frames.append(self._new_players(f, need, season, ages, False))
        self.players = pd.concat(frames, ignore_index=True)

    def _move(self, p: pd.DataFrame, movers: pd.Series) -> None:
        """Swap movers pairwise between teams, so roster sizes stay fixed."""
        idx = self.rng.permutation(np.flatnonzero(movers.to_numpy()))
        for a, b in zip(idx[0::2], idx[1::2]):
            fa, fb = p.iat[a, p.columns.get_loc("franchise")], p.iat[b, p.columns.get_loc("franchise")]
            p.iat[a, p.columns.get_loc("franchise")], p.iat[b, p.columns.get_loc("franchise")] = fb, fa

    # ---- one season ----------------------------------------------------------------------
    def play(self, season: int, first: bool) -> Season:
        self._offseason(season, first)
        rows = self._stints(season)
        teams = self._teams(season, rows)
        games = self._regular_season(teams)
        teams = _results(teams, games)
        result = Season(season, teams, rows)
        _playoffs(self.rng, result)
        return result

    def _stints(self, season: int) -> pd.DataFrame:
        """Minutes per player and team; a few players are traded mid-season (two stints)."""
        rng, p = self.rng, self.players
        noisy = p["impact"] + rng.normal(0, 1, len(p)) + np.where(p["star"], 100.0, 0.0)
        slot = noisy.groupby(p["franchise"]).rank(ascending=False, method="first").astype(int) - 1
        if self.star_mode and self.star_minutes_rank > 0:   # star (slot 0) moves down; those above him move up
            star = p["star"].astype(bool).to_numpy()
            k = min(self.star_minutes_rank, self.roster_size - 1)
            slot = pd.Series(np.where(star, k, np.where((slot > 0) & (slot <= k), slot - 1, slot)),
                             index=slot.index)
        mpg = np.array(MPG_PROFILE + (MPG_PROFILE[-1],) * max(0, self.roster_size - len(MPG_PROFILE)))[slot]
        g = np.clip(np.round(GAMES * rng.uniform(0.6, 1.0, len(p))), 1, GAMES).astype(int)
        # the star plays (nearly) every game; so do those above him in minutes when he is not
        # the minutes leader, so that he is not the season-minutes leader either
        full = p["star"].astype(bool).to_numpy() | (self.star_mode & (np.asarray(slot) < self.star_minutes_rank))
        g = np.where(full, GAMES - rng.integers(0, 4, len(p)), g)
        stints = p.assign(season=season, slot=slot, g=g, mp=np.round(g * mpg * rng.uniform(0.9, 1.1, len(p))),
                          gs=np.where(slot < 5, g, 0), traded=False, team_order=0)
        stints["gs"] = np.minimum(stints["gs"], stints["g"]).astype(int)
        traded = np.flatnonzero((~stints["star"] & (rng.random(len(p)) < MIDSEASON_TRADE_P)).to_numpy())
        extra = []
        for a, b in zip(traded[0::2], traded[1::2]):
            fa, fb = stints.at[a, "franchise"], stints.at[b, "franchise"]
            if fa == fb:
                continue
            for i, other in ((a, fb), (b, fa)):
                part = rng.uniform(0.3, 0.7)
                second = stints.loc[i].copy()
                for col in ("g", "gs", "mp"):
                    moved = int(round(stints.at[i, col] * (1 - part)))
                    second[col] = moved
                    stints.at[i, col] -= moved
                second["franchise"], second["team_order"] = other, 1
                stints.at[i, "traded"], second["traded"] = True, True
                extra.append(second)
        stints = pd.concat([stints, pd.DataFrame(extra)], ignore_index=True) if extra else stints
        stints = stints.loc[stints["g"] > 0].copy()
        stints["share"] = stints["mp"] / (GAMES * GAME_MINUTES)
        return stints.reset_index(drop=True)

    def _teams(self, season: int, rows: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        active = [f for f in self.franchises if era_of(f, season) is not None]
        weighted = (rows["share"] * rows["impact"]).groupby(rows["franchise"]).sum().reindex(active)
        effect_sd = STAR_MODE_TEAM_SD if self.star_mode else TEAM_EFFECT_SD
        raw = weighted.to_numpy() + rng.normal(0, effect_sd, len(active))
        strength = raw - raw.mean()
        offense_part = rng.uniform(0.3, 0.7, len(active))
        eras = [era_of(f, season) for f in active]
        return pd.DataFrame({
            "franchise": active, "team": [e.code for e in eras], "team_name": [e.name for e in eras],
            "conference": [e.conference for e in eras], "true_strength": strength,
            "off": strength * offense_part, "def": strength * (1 - offense_part),
            "pace_true": rng.normal(PACE_MEAN, PACE_SD, len(active))})

    def _regular_season(self, teams: pd.DataFrame) -> pd.DataFrame:
        """82 games per team: every pair meets `base` times, plus a circulant set of extra games."""
        n = len(teams)
        base, extra = divmod(GAMES, n - 1)
        if (n * extra) % 2:
            raise ValueError(f"no schedule with {GAMES} games each for {n} teams")
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n) for _ in range(base)]
        offsets = list(range(1, extra // 2 + 1)) + ([n // 2] if extra % 2 else [])
        pairs += [(i, (i + k) % n) for k in offsets for i in range(n if k != n / 2 else n // 2)]
        pairs = np.array(pairs)
        flip = np.arange(len(pairs)) % 2 == 1   # alternate home and away
        home = np.where(flip, pairs[:, 1], pairs[:, 0])
        away = np.where(flip, pairs[:, 0], pairs[:, 1])
        home_pts, away_pts, pace = _play_games(self.rng, teams, home, away)
        return pd.DataFrame({"home": home, "away": away, "home_pts": home_pts, "away_pts": away_pts,
                             "pace": pace})


def _play_games(rng, teams: pd.DataFrame, home: np.ndarray, away: np.ndarray, home_court: float = HOME_COURT):
    """Normal game model: points = pace/100 x (league rating + own offense - other defense) +- home/2."""
    off, dfn, pace_t = (teams[c].to_numpy() for c in ("off", "def", "pace_true"))
    pace = (pace_t[home] + pace_t[away]) / 2 + rng.normal(0, GAME_PACE_SD, len(home))
    hp = pace / 100 * (LEAGUE_RATING + off[home] - dfn[away]) + home_court / 2
    ap = pace / 100 * (LEAGUE_RATING + off[away] - dfn[home]) - home_court / 2
    hp = np.round(hp + rng.normal(0, TEAM_POINTS_SD, len(home))).astype(int)
    ap = np.round(ap + rng.normal(0, TEAM_POINTS_SD, len(home))).astype(int)
    ties = hp == ap   # overtime: a coin flip, settled by a few points
    hp = np.where(ties & (rng.random(len(home)) < 0.5), hp + rng.integers(1, 6, len(home)), hp)
    ap = np.where(ties & (hp == ap), ap + rng.integers(1, 6, len(home)), ap)
    return hp, ap, pace


def _results(teams: pd.DataFrame, games: pd.DataFrame) -> pd.DataFrame:
    """Wins, ratings, MOV and SRS (MOV plus mean opponent SRS, solved as a linear system)."""
    n = len(teams)
    h, a = games["home"].to_numpy(), games["away"].to_numpy()
    hp, ap, pace = (games[c].to_numpy().astype(float) for c in ("home_pts", "away_pts", "pace"))
    g = np.bincount(h, minlength=n) + np.bincount(a, minlength=n)
    wins = np.bincount(h, hp > ap, n) + np.bincount(a, ap > hp, n)
    pts_for = np.bincount(h, hp, n) + np.bincount(a, ap, n)
    pts_against = np.bincount(h, ap, n) + np.bincount(a, hp, n)
    poss = np.bincount(h, pace, n) + np.bincount(a, pace, n)
    mov = (pts_for - pts_against) / g
    meets = np.zeros((n, n))
    np.add.at(meets, (h, a), 1)
    np.add.at(meets, (a, h), 1)
    system = np.vstack([np.eye(n) - meets / g[:, None], np.ones(n)])
    srs = np.linalg.lstsq(system, np.append(mov, 0.0), rcond=None)[0]
    return teams.assign(g=g, wins=wins.astype(int), losses=(g - wins).astype(int), mov=mov, srs=srs,
                        sos=srs - mov, pts_for=pts_for, pts_against=pts_against,
                        o_rtg=100 * pts_for / poss, d_rtg=100 * pts_against / poss, pace=poss / g)


def _playoffs(rng, season: Season) -> None:
    """Seed 8 per conference by record, play the bracket; fill seed, series_won, champion."""
    teams = season.teams
    order = teams.sort_values(["wins", "mov"], ascending=False).index
    teams["seed"] = 0
    teams["series_won"] = 0
    finalists = []
    for conf in ("E", "W"):
        seeded = [i for i in order if teams.at[i, "conference"] == conf][:PLAYOFF_TEAMS_PER_CONF]
        for s, i in enumerate(seeded):
            teams.at[i, "seed"] = s + 1
        alive = [(seeded[a], seeded[b]) for a, b in BRACKET]
        for rnd in (1, 2, 3):
            first_number = len(alive) if conf == "W" else 0   # GAME_ID series digit: East first
            winners = [_series(rng, season, rnd, conf, first_number + k, hi, lo)
                       for k, (hi, lo) in enumerate(alive)]
            alive = list(zip(winners[0::2], winners[1::2]))
        finalists.append(winners[0])
    _series(rng, season, 4, None, 0, *finalists)
    teams["champion"] = teams["series_won"] == WINS_TO_ADVANCE


def _series(rng, season: Season, rnd: int, conf: str | None, number: int, a: int, b: int) -> int:
    """Best of 7; home court to the better record. Returns the winner's row index."""
    teams = season.teams
    better = (teams.at[a, "wins"], teams.at[a, "mov"]) >= (teams.at[b, "wins"], teams.at[b, "mov"])
    hi, lo = (a, b) if better else (b, a)
    # All seven games are drawn at once (fewer calls); the series stops at four wins.
    home = np.array([hi if h else lo for h in HOME_GAMES])
    away = np.where(home == hi, lo, hi)
    # 2019-20's playoffs were played on a neutral court, as the real ones (src/league/sites.py)
    court = 0.0 if season.season == BUBBLE_SEASON else HOME_COURT
    all_hp, all_ap, _ = _play_games(rng, teams, home, away, court)
    won = {hi: 0, lo: 0}
    for game in range(len(HOME_GAMES)):
        hp, ap = all_hp[game:game + 1], all_ap[game:game + 1]
        winner = int(home[game]) if hp[0] > ap[0] else int(away[game])
        won[winner] += 1
        season.games.append({"round": rnd, "number": number, "game": game + 1,
                             "home": int(home[game]), "away": int(away[game]),
                             "home_pts": int(hp[0]), "away_pts": int(ap[0]), "conference": conf})
        if won[winner] == WINS_TO_ADVANCE:
            break
    loser = lo if winner == hi else hi
    teams.at[winner, "series_won"] += 1
    season.series.append({"round": rnd, "conference": conf, "winner": winner, "loser": loser,
                          "wins": WINS_TO_ADVANCE, "losses": won[loser], "home": hi})
    return winner
