"""The play-in tournament (from 2020-21): seeds 7-10 of each conference play for seeds 7 and 8.

Game 1: seed 7 hosts seed 8; the winner is the 7th seed. Game 2: seed 9 hosts seed 10; the
loser is out. Game 3: the loser of game 1 hosts the winner of game 2; the winner is the 8th
seed. Single games, with the same game model as the rest of the simulation (home court to
the higher seed, as in the NBA). Vectorised over simulations.
"""
from __future__ import annotations

import numpy as np

from src.league.monte_carlo import GameModel, game_win_prob

PLAYIN_FIRST_SEASON = 2021      # 2019-20's bubble play-in (seeds 8 v 9 only) is not modelled
PLAYIN_SEEDS = (7, 8, 9, 10)
DIRECT_SEEDS = 6                # seeds 1-6 go straight to the playoffs when there is a play-in


def has_playin(season: int) -> bool:
    return season >= PLAYIN_FIRST_SEASON


def play_game(home: np.ndarray, away: np.ndarray, strength: np.ndarray, model: GameModel,
              rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(winner, loser) team indices of one game per simulation; home court to `home`."""
    p_home = game_win_prob(strength[home] - strength[away] + model.home_court, model)
    home_won = rng.random(np.shape(home)) < p_home
    return np.where(home_won, home, away), np.where(home_won, away, home)


def play_in(seeds_7_to_10: np.ndarray, strength: np.ndarray, model: GameModel,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """seeds_7_to_10: (n_sims, 4) team indices of seeds 7, 8, 9, 10. Returns the team indices
    that take seed 7 and seed 8, each (n_sims,)."""
    s7, s8, s9, s10 = (seeds_7_to_10[:, k] for k in range(4))
    seventh, loser_78 = play_game(s7, s8, strength, model, rng)
    winner_910, _ = play_game(s9, s10, strength, model, rng)
    eighth, _ = play_game(loser_78, winner_910, strength, model, rng)
    return seventh, eighth
