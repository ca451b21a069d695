"""The playoff games' term of Model A's warm start (issue 30 item 4; hook in warm_start.py).

Like the series terms of src/models/model_a/warm_start.py: with everything but the value head's
linear weights held at its start, a team's strength in a game is linear in those weights,

    strength = ON_COURT * pooled_stats @ w + fixed,

where pooled_stats is the attention-weighted mean of the standardised stats of the players who
played that game (attention with their minutes in it) and `fixed` the rest of the strength.
The warm start then fits w on the series and, with weight `playoff_games_weight`, the mean
log-loss of the training seasons' playoff games with box scores.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch

from src.league.monte_carlo import GameModel
from src.models.model_a.deep_set_rank import ON_COURT, DeepSetRank
from src.models.model_a.game_loss import torch_game_nll


@dataclass(frozen=True)
class GameTerms:
    """Every training game, home sides then away sides stacked: [2G, F] and [2G]."""
    pooled_stats: torch.Tensor
    fixed: torch.Tensor
    home_won: torch.Tensor      # [G]


@torch.no_grad()
def game_terms(model: DeepSetRank, lists: Sequence) -> GameTerms | None:
    """The games of every list (season) that has them; None when none has."""
    model.eval()
    weights = model.value_linear.weight[0].double()
    home_p, away_p, home_f, away_f, won = [], [], [], [], []
    for item in lists:
        games = getattr(item, "games", None)
        if games is None:
            continue
        for rows, minutes, pooled_out, fixed_out in (
                (games.home, games.home_minutes, home_p, home_f),
                (games.away, games.away_minutes, away_p, away_f)):
            roster = item.roster
            stats = roster.stats[rows]
            share = minutes / minutes.sum(-1, keepdim=True)
            mask = roster.key_padding_mask[rows] | (minutes <= 0)
            strength, _, attn = model(stats, roster.player_index[rows], share, mask)
            pooled = torch.einsum("gp,gpf->gf", attn.double(), stats.double())
            pooled_out.append(pooled)
            fixed_out.append(strength.double() - ON_COURT * pooled @ weights)
        won.append(games.home_won)
    if not won:
        return None
    return GameTerms(torch.cat(home_p + away_p), torch.cat(home_f + away_f), torch.cat(won))


def games_mean_nll(terms: GameTerms, w: torch.Tensor, game_model: GameModel) -> torch.Tensor:
    """Mean game log-loss with the linear head's weights `w`."""
    strength = ON_COURT * terms.pooled_stats @ w + terms.fixed
    n = len(terms.home_won)
    return torch_game_nll(strength[:n], strength[n:], terms.home_won, game_model).mean()
