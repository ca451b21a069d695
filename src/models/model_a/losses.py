"""ListMLE (Xia et al. 2008): negative log-likelihood of the true order under Plackett-Luce."""
from __future__ import annotations

import torch


def list_mle(scores: torch.Tensor, ranks: torch.Tensor) -> torch.Tensor:
    """Loss of one list, divided by its length so lists of any size weigh alike.

    scores: [n] model scores (higher = stronger); ranks: [n] true ranks (1 = best).
    -log P(order) = sum_i [logsumexp(s_i..s_n) - s_i] over teams sorted best first;
    the suffix logsumexp is a reversed logcumsumexp, stable for any score scale.
    """
    if scores.shape != ranks.shape or scores.dim() != 1:
        raise ValueError(f"list_mle: scores {tuple(scores.shape)} and ranks "
                         f"{tuple(ranks.shape)} must be equal 1-d shapes")
    ordered = scores[torch.argsort(ranks, stable=True)]
    suffix_lse = torch.logcumsumexp(ordered.flip(0), dim=0).flip(0)
    return (suffix_lse - ordered).sum() / scores.numel()


def grouped_list_mle(scores: torch.Tensor, ranks: torch.Tensor,
                     groups: torch.Tensor | None = None) -> torch.Tensor:
    """Mean ListMLE over the lists given by `groups` (e.g. conference ids); one list if None.
    Ranks inside a group keep their league order, which is the group's order."""
    if groups is None:
        return list_mle(scores, ranks)
    losses = [list_mle(scores[groups == g], ranks[groups == g]) for g in torch.unique(groups)]
    return torch.stack(losses).mean()
