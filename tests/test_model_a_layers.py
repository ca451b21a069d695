"""SetAttention flags, fallback, DeepSetRank shapes and ListMLE against hand-computed values."""
from __future__ import annotations

import math

import pytest
import torch

from src.models.model_a.deep_set_rank import DeepSetRank
from src.models.model_a.losses import grouped_list_mle, list_mle
from src.models.model_a.set_attention import SetAttention

DIM, HEADS = 8, 2


def _inputs(seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(3, 5, DIM, generator=g)
    minutes = torch.tensor([[0.3, 0.25, 0.2, 0.15, 0.1],
                            [0.5, 0.3, 0.2, 0.0, 0.0],
                            [0.2, 0.2, 0.2, 0.2, 0.2]])
    pad = torch.tensor([[False] * 5, [False, False, False, True, True], [False] * 5])
    return x, minutes, pad


def _layer(**kwargs) -> SetAttention:
    torch.manual_seed(0)   # same weights for every variant: only the flag differs
    layer = SetAttention(DIM, HEADS, **kwargs)
    with torch.no_grad():  # a query large enough that attention is not just the minutes prior
        layer.query.mul_(20)
    return layer


@pytest.mark.parametrize("flag, value", [
    ("temperature", 0.3), ("use_pre_norm", False), ("use_residual", False)])
def test_each_flag_changes_the_output(flag, value):
    x, minutes, pad = _inputs()
    base_out, base_w = _layer().eval()(x, minutes, pad)
    out, w = _layer(**{flag: value}).eval()(x, minutes, pad)
    assert not torch.allclose(out, base_out, atol=1e-4)
    if flag == "temperature":   # temperature acts on the weights themselves
        assert not torch.allclose(w, base_w, atol=1e-4)


def test_input_dropout_changes_the_output_in_training_only():
    x, minutes, pad = _inputs()
    plain, dropped = _layer().train(), _layer(input_dropout=0.5).train()
    torch.manual_seed(1)
    out_plain, _ = plain(x, minutes, pad)
    torch.manual_seed(1)
    out_dropped, _ = dropped(x, minutes, pad)
    assert not torch.allclose(out_plain, out_dropped, atol=1e-4)
    assert torch.allclose(plain.eval()(x, minutes, pad)[0], dropped.eval()(x, minutes, pad)[0])


def test_weights_sum_to_one_and_skip_padding():
    x, minutes, pad = _inputs()
    _, w = _layer().eval()(x, minutes, pad)
    assert torch.allclose(w.sum(-1), torch.ones(3), atol=1e-6)
    assert torch.all(w[1, 3:] == 0)


def test_fallback_replaces_weights_when_minutes_are_too_few():
    x, minutes, pad = _inputs()
    minutes = minutes.clone()
    minutes[0] = torch.tensor([0.02, 0.01, 0.01, 0.0, 0.0])   # 0.04 < minutes_sum_min
    layer = _layer(minutes_sum_min=0.05, fallback_strategy="minutes").eval()
    assert layer.needs_fallback(minutes, pad).tolist() == [True, False, False]
    _, w = layer(x, minutes, pad)
    assert torch.allclose(w[0], torch.tensor([0.5, 0.25, 0.25, 0.0, 0.0]))
    uniform = _layer(minutes_sum_min=0.05, fallback_strategy="uniform").eval()
    assert torch.allclose(uniform(x, minutes, pad)[1][0], torch.full((5,), 0.2))


def test_weights_follow_an_in_place_change_of_the_minutes():
    # the layer keeps what it derives from the minutes per tensor (RosterInputsMemo): a
    # changed tensor must give the weights of a fresh layer, not the remembered ones
    x, minutes, pad = _inputs()
    layer = _layer(minutes_sum_min=0.05).eval()
    before = layer(x, minutes, pad)[1]
    assert torch.equal(layer(x, minutes, pad)[1], before)          # read back: same values
    minutes[0] = torch.tensor([0.02, 0.01, 0.01, 0.0, 0.0])        # now under minutes_sum_min
    after = layer(x, minutes, pad)[1]
    assert torch.equal(after, _layer(minutes_sum_min=0.05).eval()(x, minutes.clone(), pad)[1])
    assert not torch.allclose(after[0], before[0], atol=1e-4)


def test_deep_set_rank_shapes(model_a_configs_small):
    arch, _ = model_a_configs_small()
    model = DeepSetRank.from_config(arch.with_stat_dim(4)).eval()
    x, minutes, pad = _inputs()
    stats = torch.randn(3, 5, 4)
    index = torch.randint(1, 64, (3, 5)).masked_fill(pad, 0)
    score, value, w = model(stats, index, minutes, pad)
    assert score.shape == (3,) and value.shape == (3, 5) and w.shape == (3, 5)
    assert (value[pad] == 0).all()


def test_output_parameters_are_exactly_those_the_outputs_depend_on(model_a_configs_small):
    """What training optimises and anchors (src/models/model_a/trainer.py): every parameter
    a gradient of the outputs reaches, and none of the attention's pooled-vector layers."""
    arch, _ = model_a_configs_small()
    model = DeepSetRank.from_config(arch.with_stat_dim(4)).train()
    with torch.no_grad():
        model.value_linear.weight.normal_()
        model.value_mlp[-1].weight.normal_()
    x, minutes, pad = _inputs()
    stats = torch.randn(3, 5, 4)
    index = torch.randint(1, 64, (3, 5)).masked_fill(pad, 0)
    score, value, w = model(stats, index, minutes, pad)
    (score.sum() + value.sum() + (w * torch.arange(5.0)).sum()).backward()
    reached = {name for name, p in model.named_parameters() if p.grad is not None}
    assert {name for name, _ in model.output_parameters()} == reached
    assert not reached & {name for name, _ in model.named_parameters()
                          if name.startswith(("attn.v_proj", "attn.out_proj", "attn.norm_out",
                                              "attn.ffn"))}


def test_strength_is_the_sum_of_contributions_plus_bias(model_a_configs_small):
    """c_i = 5 * a_i * v_i is exact by construction: a team's contributions add up to its
    strength minus the one bias; an untrained model (value head at zero) rates all teams 0."""
    from src.models.model_a.deep_set_rank import ON_COURT, contributions

    arch, _ = model_a_configs_small()
    model = DeepSetRank.from_config(arch.with_stat_dim(4)).eval()
    x, minutes, pad = _inputs()
    stats = torch.randn(3, 5, 4)
    index = torch.randint(1, 64, (3, 5)).masked_fill(pad, 0)
    assert torch.equal(model(stats, index, minutes, pad)[0], torch.zeros(3))
    with torch.no_grad():
        model.value_linear.weight.normal_()
        model.value_linear.bias.fill_(0.3)
        model.bias.fill_(-1.5)
    score, value, w = model(stats, index, minutes, pad)
    c = contributions(value, w)
    assert torch.allclose(c.sum(-1) + model.bias, score, atol=1e-6)
    assert torch.allclose(c, ON_COURT * w * value) and (c[pad] == 0).all()


def test_list_mle_hand_values():
    # two teams, best first scored 2 vs 1: [log(e^2 + e^1) - 2 + (1 - 1)] / 2
    assert float(list_mle(torch.tensor([2.0, 1.0]), torch.tensor([1, 2]))) == pytest.approx(
        math.log(1 + math.exp(-1)) / 2, abs=1e-6)
    # equal scores: (log 3 + log 2 + log 1) / 3, whatever the order
    assert float(list_mle(torch.zeros(3), torch.tensor([3, 1, 2]))) == pytest.approx(
        math.log(6) / 3, abs=1e-6)


def test_list_mle_is_stable_and_order_aware():
    big = torch.tensor([1000.0, 0.0, -1000.0])
    assert float(list_mle(big, torch.tensor([1, 2, 3]))) == pytest.approx(0.0, abs=1e-6)
    assert math.isfinite(float(list_mle(big, torch.tensor([3, 2, 1]))))


def test_grouped_list_mle_is_the_mean_over_groups():
    scores, ranks = torch.tensor([2.0, 1.0, 0.0, 0.5]), torch.tensor([1, 2, 3, 4])
    groups = torch.tensor([0, 1, 0, 1])
    expected = (list_mle(scores[[0, 2]], ranks[[0, 2]]) + list_mle(scores[[1, 3]], ranks[[1, 3]])) / 2
    assert torch.allclose(grouped_list_mle(scores, ranks, groups), expected)
