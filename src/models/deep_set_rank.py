"""DeepSetRank: encode each player, pool the roster with attention, score the team."""
from __future__ import annotations

import torch
from torch import nn

from src.errors import ConfigError
from src.models.config import ModelAConfig
from src.models.set_attention import SetAttention

PAD_INDEX = 0   # player-embedding row of padded slots (the hash trick never returns 0)


class DeepSetRank(nn.Module):
    """forward(stats [B,P,F], player_index [B,P], minutes [B,P], key_padding_mask [B,P])
    -> (score [B], Z [B,P,D] player encodings, attn_w [B,P])."""

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
        self.head = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Dropout(config.dropout),
                                  nn.Linear(width, 1))

    @classmethod
    def from_config(cls, config: ModelAConfig) -> "DeepSetRank":
        return cls(config)

    def forward(self, stats: torch.Tensor, player_index: torch.Tensor, minutes: torch.Tensor,
                key_padding_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = torch.cat([stats, self.embed(player_index)], dim=-1)
        z = self.encoder(x)
        pooled, attn_w = self.attn(z, minutes, key_padding_mask)
        return self.head(pooled).squeeze(-1), z, attn_w
