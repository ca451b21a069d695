"""DeepSetRank: team strength in points as an exact sum of player contributions.

    strength = ON_COURT * sum_i a_i * v_i + bias,    contribution c_i = ON_COURT * a_i * v_i

a_i = attention over the roster (SetAttention: minutes-biased, sums to 1, so ON_COURT * a_i is
the player's expected share of the five court spots, free to move stars up); v_i = a value
head over the player's features (his impact in points per 100 possessions: a linear term on
his stats plus an MLP on his encoding). Contributions sum to strength - bias exactly; the
bias is one number, the same for every team (only differences of strengths matter).
"""
from __future__ import annotations

import torch
from torch import nn

from src.errors import ConfigError
from src.models.model_a.config import ModelAConfig
from src.models.model_a.set_attention import SetAttention

PAD_INDEX = 0   # player-embedding row of padded slots (the hash trick never returns 0)
ON_COURT = 5.0  # players on the court: attention (sums to 1) times 5 = share of the court spots


class DeepSetRank(nn.Module):
    """forward(stats [B,P,F], player_index [B,P], minutes [B,P], key_padding_mask [B,P])
    -> (strength [B] in points, value [B,P] per player, attn_w [B,P])."""

    def __init__(self, config: ModelAConfig) -> None:
        super().__init__()
        if config.stat_dim <= 0:
            raise ConfigError("model_a.stat_dim: must be set (> 0) before building the model; "
                              "use ModelAConfig.with_stat_dim(number of roster features)")
        self.config = config
        self.embed = nn.Embedding(config.num_embeddings, config.embedding_dim,
                                  padding_idx=PAD_INDEX)
        layers: list[nn.Module] = []
        width = config.stat_dim + config.embedding_dim
        for hidden in config.encoder_hidden:
            layers += [nn.Linear(width, hidden), nn.ReLU(), nn.Dropout(config.dropout)]
            width = hidden
        self.encoder = nn.Sequential(*layers)
        self.attn = SetAttention.from_config(config)
        self.value_linear = nn.Linear(config.stat_dim, 1)
        self.value_mlp = nn.Sequential(nn.Linear(width, config.value_hidden), nn.ReLU(),
                                       nn.Dropout(config.dropout), nn.Linear(config.value_hidden, 1))
        self.bias = nn.Parameter(torch.zeros(1))
        # every team starts equal (strength 0): training grows player values from the data,
        # so early stopping stops at a model that kept only what the validation seasons confirm
        for layer in (self.value_linear, self.value_mlp[-1]):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    @classmethod
    def from_config(cls, config: ModelAConfig) -> "DeepSetRank":
        return cls(config)

    def output_parameters(self) -> list[tuple[str, nn.Parameter]]:
        """(name, parameter) of every parameter the outputs depend on: all but the layers of
        the attention's pooled vector, which DeepSetRank never reads (no gradient reaches
        them: training leaves them at their initial values)."""
        unused = {id(p) for p in self.attn.pooling_parameters()}
        return [(name, p) for name, p in self.named_parameters() if id(p) not in unused]

    def values_and_attention(self, stats: torch.Tensor, player_index: torch.Tensor,
                             minutes: torch.Tensor, key_padding_mask: torch.Tensor
                             ) -> tuple[torch.Tensor, torch.Tensor]:
        """(value [B,P] points per 100 possessions, attn_w [B,P]); value is 0 at padding."""
        # embedding_dim 0 (params.yaml): the embedding adds no column, so no graph nodes for it
        x = stats if not self.config.embedding_dim else torch.cat([stats, self.embed(player_index)], dim=-1)
        z = self.encoder(x)
        attn_w = self.attn.weights(z, minutes, key_padding_mask)
        value = (self.value_linear(stats) + self.value_mlp(z)).squeeze(-1)
        return value.masked_fill(key_padding_mask, 0.0), attn_w

    def forward(self, stats: torch.Tensor, player_index: torch.Tensor, minutes: torch.Tensor,
                key_padding_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        value, attn_w = self.values_and_attention(stats, player_index, minutes, key_padding_mask)
        strength = ON_COURT * (attn_w * value).sum(-1) + self.bias
        return strength, value, attn_w


def contributions(value: torch.Tensor, attn_w: torch.Tensor) -> torch.Tensor:
    """[B,P] points each player adds to his team's strength (sum over P = strength - bias)."""
    return ON_COURT * attn_w * value
