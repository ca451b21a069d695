"""Shared fixtures: the real data folder (skipped when absent)."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

# `make test` runs two test processes on a 2-core box: one thread each for torch's and BLAS's
# kernels (set before either is imported), or the two processes spin-wait on each other's
# cores (a torch test took 11.7 s beside another process instead of 2.5 s alone)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))   # research tools in docs/research/ (docs.research.map_holdout, ...)
_DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "data" / "nba-bref"


def shared_data_dir() -> Path | None:
    path = Path(os.environ.get("NBA_SHARED_DATA", _DEFAULT_SHARED))
    return path if (path / "Team Summaries.csv").exists() else None


@pytest.fixture(scope="session")
def real_raw_dir() -> Path:
    path = shared_data_dir()
    if path is None:
        pytest.skip(f"real data not found at {_DEFAULT_SHARED} (set NBA_SHARED_DATA to a copy)")
    return path


@pytest.fixture(scope="session")
def real_ingest_tables(real_raw_dir):
    """Factory: a fresh deep copy of the real data's ingest tables (seasons from 1997, with
    params.yaml's minutes-share check, 0.98), built once per test process: seven test modules
    read them, and each build is seconds of CSV parsing and checks."""
    import copy
    from src.data.ingest import build_tables

    tables = build_tables(real_raw_dir, 1997, 0.98)
    return lambda: copy.deepcopy(tables)


# ---- Model A: a tiny hand-made league (player_seasons + team_seasons contract columns) ----
def _tiny_league(seasons=(2001, 2002, 2003, 2004), n_teams: int = 6, n_players: int = 9,
                 seed: int = 0):
    """Players with a hidden quality; a team's post_playoff_rank follows its minutes-weighted
    quality, so a roster model can learn it. Same player ids every season."""
    import numpy as np
    import pandas as pd
    from src.features.player_features import REQUIRED_COLUMNS

    rng = np.random.default_rng(seed)
    quality = rng.normal(size=(n_teams, n_players))
    players, teams = [], []
    for season in seasons:
        strength = []
        for t in range(n_teams):
            mp = np.linspace(2400, 300, n_players) * rng.uniform(0.9, 1.1, n_players)
            q = quality[t] + rng.normal(scale=0.3, size=n_players)
            strength.append(float((q * mp).sum() / mp.sum()))
            for k in range(n_players):
                row = {c: float(rng.normal()) for c in REQUIRED_COLUMNS}
                row.update(season=season, team=f"T{t}", player_id=f"p{t}x{k}", final_team=True,
                           stint=1,
                           player=f"Player {t}-{k}", g=70.0, gs=float(70 if k < 5 else 5),
                           mp=float(mp[k]), all_star=bool(q[k] > 1.5), age=25.0 + k,
                           experience=1.0 + k, net_plus_minus_per_100_poss=3.0 * q[k],
                           on_court_plus_minus_per_100_poss=2.0 * q[k])
                players.append(row)
        order = np.argsort(-np.array(strength))
        for rank, t in enumerate(order, start=1):
            teams.append(dict(season=season, team=f"T{t}", conference="E" if t % 2 else "W",
                              outcome_known=True, post_playoff_rank=rank,
                              srs=strength[t] + rng.normal(scale=0.2)))
    return pd.DataFrame(players), pd.DataFrame(teams)


def tiny_series(teams):
    """season -> series results (src/league/series.SERIES_COLUMNS) of a tiny
    league: rank 1 beats rank 4 and rank 2 beats rank 3 (home court), then 1 beats 2."""
    import pandas as pd

    out = {}
    for season, group in teams.groupby("season"):
        by_rank = group.sort_values("post_playoff_rank")["team"].tolist()
        pairs = [(1, by_rank[0], by_rank[3]), (1, by_rank[1], by_rank[2]),
                 (2, by_rank[0], by_rank[1])]
        out[int(season)] = pd.DataFrame(
            [{"season": int(season), "round": r, "winner": w, "loser": lo, "best_of": 7,
              "winner_home": True} for r, w, lo in pairs])
    return out


GAME_MODEL_ARGS = {"home_court": 2.5, "link": "normal", "scale": 11.5}


@pytest.fixture
def game_model():
    """The simulator's game model with params.yaml's default numbers."""
    from src.league.monte_carlo import GameModel

    return GameModel(**GAME_MODEL_ARGS)


@pytest.fixture
def series_data():
    """Factory: series_data(team_seasons) -> SeriesData of the tiny league (tiny_series)."""
    from src.league.monte_carlo import GameModel
    from src.models.model_a.fit import SeriesData

    return lambda teams: SeriesData(tiny_series(teams), GameModel(**GAME_MODEL_ARGS))


ROSTER_DEFAULTS = {"shrink_minutes": 500.0, "prior_seasons": 2, "availability_power": 0.5}


def roster_cfg(max_players: int, min_minutes: float, **overrides):
    """A RosterConfig with params.yaml's reading defaults (shrinkage, availability)."""
    from src.features.config import RosterConfig

    return RosterConfig(max_players=max_players, min_minutes=min_minutes,
                        **{**ROSTER_DEFAULTS, **overrides})


@pytest.fixture
def tiny_league():
    """Factory: tiny_league(seasons=..., n_teams=..., n_players=..., seed=...) ->
    (player_seasons, team_seasons)."""
    return _tiny_league


# ---- A synthetic league (src/data/synthetic.py): raw CSVs in the real layout + known truth ----
def built_once_per_run(tmp_path_factory, name: str, build) -> Path:
    """The folder `name`, filled by `build(folder)` once per test run: `pytest -n 2` runs two
    processes, each with its own session fixtures; the first to get here builds the folder
    (under a lock), the other reads it. Only for folders the tests never write to."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:                   # one process: its own temp folder
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    from filelock import FileLock

    folder = tmp_path_factory.getbasetemp().parent / name     # shared by the run's workers
    done = folder.with_name(f"{name}.done")
    with FileLock(str(folder.with_name(f"{name}.lock"))):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def synthetic_raw_dir(tmp_path_factory) -> Path:
    """Seasons 1997..2016, 30 real franchises, seed 0; truth_teams.csv / truth_players.csv beside."""
    from src.data.synthetic import generate_league

    return built_once_per_run(tmp_path_factory, "synthetic_league", lambda folder: generate_league(
        folder, seed=0, first_season=1997, last_season=2016))


@pytest.fixture(scope="session")
def synthetic_tables(synthetic_raw_dir, tmp_path_factory):
    """The ingest tables (team_seasons, player_seasons, playoff_series) of the synthetic league
    (built once per run, read back from a pickle by the other test process: the same frames)."""
    import pickle
    from src.data.ingest import build_tables

    def build(folder: Path) -> None:
        (folder / "tables.pickle").write_bytes(pickle.dumps(build_tables(synthetic_raw_dir, 1997)))
    folder = built_once_per_run(tmp_path_factory, "synthetic_tables", build)
    return pickle.loads((folder / "tables.pickle").read_bytes())


@pytest.fixture
def model_a_configs_small():
    """Factory: (ModelAConfig, ModelATrainingConfig) of a tiny fast Model A; keyword
    overrides go to whichever config has the field."""
    import dataclasses
    from src.models.model_a.config import ModelAConfig, ModelATrainingConfig

    arch = ModelAConfig(stat_dim=0, num_embeddings=64, embedding_dim=4, encoder_hidden=(16, 8),
                        attention_heads=2, dropout=0.0, minutes_bias_weight=1.0,
                        minutes_sum_min=0.05, fallback_strategy="minutes",
                        attention_temperature=1.0, attention_input_dropout=0.0,
                        attention_use_pre_norm=True, attention_use_residual=True,
                        value_hidden=4)
    train = ModelATrainingConfig(seed=3, num_threads=1, epochs=8, learning_rate=0.01,
                                 weight_decay=0.0, grad_clip=1.0, patience=3, min_delta=0.0,
                                 listmle_per_conference=False, listmle_weight=0.5,
                                 listmle_temperature=4.0, restore_best_weights=True,
                                 value_prior={}, prior_l2=0.0,
                                 attention_prior_l2=0.0, warm_start=False, warm_start_l2=0.0,
                                 select_grid={},
                                 refit_on_all=False,
                                 attention_debug=True, attention_entropy_min=0.01,
                                 attention_variance_min=0.0, attention_collapse_patience=2,
                                 attention_collapse_action="stop_and_restart",
                                 attention_max_restarts=2)

    def make(**overrides):
        arch_keys = set(ModelAConfig.field_names())
        a = dataclasses.replace(arch, **{k: v for k, v in overrides.items() if k in arch_keys})
        t = dataclasses.replace(train, **{k: v for k, v in overrides.items() if k not in arch_keys})
        return a, t
    return make


def synthetic_playoffs(tmp_path_factory, first: int, last: int, seed: int = 3):
    """(true pre-playoff strengths by (season, team), every playoff game, SeasonInputs) of a
    synthetic league (src/data/synthetic.py): what the daily title odds tests play from."""
    import pandas as pd
    from src.data.ingest import build_tables
    from src.data.playoff_games import playoff_games
    from src.data.synthetic import generate_league
    from src.odds.season_inputs import season_inputs
    raw = generate_league(tmp_path_factory.mktemp("league"), seed=seed, first_season=first, last_season=last)
    tables = build_tables(raw, first)
    truth = pd.read_csv(raw / "truth_teams.csv")
    pre = truth.set_index(["season", "team"])["true_strength"].astype(float)
    games = playoff_games(raw, tables.team_seasons, first)
    inputs = season_inputs(tables.team_seasons, tables.playoff_series, list(range(first, last + 1)))
    return pre, games, inputs
