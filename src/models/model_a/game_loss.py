"""Model A's playoff-game loss: each team's strength in a game from the players who played it.

A game's strength is DeepSetRank's own formula on the team's roster row with that game's
minutes as the minutes input (the attention's bias) and every player who did not play masked
out; the home team wins with the simulator's game probability of the strength difference plus
home court (src/models/series_loss.torch_game_win_prob, the same floor as the series loss).
"""
from __future__ import annotations

import torch

from src.features.playoff_game_rosters import GameTensors
from src.features.roster import RosterBatch
from src.league.monte_carlo import GameModel
from src.models.model_a.deep_set_rank import DeepSetRank
from src.models.model_a.series_loss import torch_game_win_prob
from src.odds.series_likelihood import PROB_FLOOR


def game_strengths(model: DeepSetRank, roster: RosterBatch, rows: torch.Tensor,
                   minutes: torch.Tensor) -> torch.Tensor:
    """[G] strength in points of roster rows `rows` with `minutes` [G, P] of one game each."""
    share = minutes / minutes.sum(-1, keepdim=True)
    mask = roster.key_padding_mask[rows] | (minutes <= 0)
    strength, _, _ = model(roster.stats[rows], roster.player_index[rows], share, mask)
    return strength


def torch_game_nll(home_strength: torch.Tensor, away_strength: torch.Tensor,
                   home_won: torch.Tensor, model: GameModel) -> torch.Tensor:
    """-log P(observed winner), one entry per game."""
    p_home = torch_game_win_prob(home_strength - away_strength + model.home_court, model)
    p_observed = torch.where(home_won.bool(), p_home, 1.0 - p_home)
    return -torch.log(p_observed.clamp_min(PROB_FLOOR))


def games_nll(model: DeepSetRank, roster: RosterBatch, games: GameTensors,
              game_model: GameModel) -> torch.Tensor:
    """[G] game log-loss of one season's playoff games (one forward pass for both sides)."""
    rows = torch.cat([games.home, games.away])
    strength = game_strengths(model, roster, rows, torch.cat([games.home_minutes,
                                                              games.away_minutes]))
    n = len(games)
    return torch_game_nll(strength[:n], strength[n:], games.home_won, game_model)
