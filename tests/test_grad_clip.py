"""Model A's gradient clipping gives torch.nn.utils.clip_grad_norm_'s bits (clipped or not)."""
from __future__ import annotations

import pytest
import torch

from src.models.model_a.grad_clip import clip_grad_norm_


def _params(scale: float, seed: int = 0) -> list[torch.nn.Parameter]:
    g = torch.Generator().manual_seed(seed)
    shapes = [(16, 9), (16,), (4, 16), (0,), (1,), (4, 4, 2)]
    params = [torch.nn.Parameter(torch.randn(s, generator=g)) for s in shapes]
    for p in params:
        p.grad = torch.randn(p.shape, generator=g) * scale
    return params


@pytest.mark.parametrize("scale", [1e-4, 0.05, 1.0, 30.0])
def test_same_bits_as_torch(scale):
    ours, theirs = _params(scale), _params(scale)
    total = clip_grad_norm_(ours, 1.0)
    expected = torch.nn.utils.clip_grad_norm_(theirs, 1.0, foreach=True)
    assert torch.equal(total, expected)
    for a, b in zip(ours, theirs):
        assert torch.equal(a.grad, b.grad)
    clipped = float(expected) > 1.0
    after = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in ours]))
    assert (float(after) <= 1.0 + 1e-5) if clipped else torch.equal(ours[0].grad, _params(scale)[0].grad)


def test_parameters_without_gradient_and_mixed_dtypes():
    ours, theirs = _params(5.0), _params(5.0)
    ours[1].grad, theirs[1].grad = None, None
    for params in (ours, theirs):              # a second dtype: torch's own path
        params.append(torch.nn.Parameter(torch.ones(3, dtype=torch.float64)))
        params[-1].grad = torch.full((3,), 4.0, dtype=torch.float64)
    assert torch.equal(clip_grad_norm_(ours, 2.0), torch.nn.utils.clip_grad_norm_(theirs, 2.0, foreach=True))
    assert all(a.grad is None and b.grad is None or torch.equal(a.grad, b.grad) for a, b in zip(ours, theirs))
