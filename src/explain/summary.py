"""reports/explain/summary.md: the last test season's playoff teams, their top players by
contribution (points), and each player's historical archetypes; the agreement numbers beside
chance."""
from __future__ import annotations

import pandas as pd

from src.artifacts import TEAM_SEASONS
from src.errors import DataError
from src.explain.raptor import JUDGED
from src.explain.top_contributors import REPLACEMENT_SENTENCE

TEAM_SOURCE = TEAM_SEASONS.path


def summary_markdown(contributors: pd.DataFrame, archetypes: pd.DataFrame,
                     teams: pd.DataFrame, metrics: dict, season: int, n_players: int) -> str:
    playoff = teams[(teams["season"] == season) & (teams["made_playoffs"] == True)]  # noqa: E712
    if playoff.empty:
        raise DataError(f"{TEAM_SOURCE}: no playoff teams known for season {season}")
    lines = [f"# Who drives each playoff team's score: season {season}", "",
             "Model A's walk-forward model for the season (trained on earlier seasons only). "
             + REPLACEMENT_SENTENCE + " Attention = Model A's expected share of playoff "
             "minutes. `LOO` = rank by leave-one-player-out score change; `RFX` = rank by "
             "RFX-Fuse importance; archetypes = most similar player-seasons of earlier seasons "
             "by forest proximity.", ""]
    lines += _agreement_table(metrics) + [""] + _raptor_table(metrics)
    order = playoff.sort_values("post_playoff_rank", na_position="last")
    for _, team in order.iterrows():
        lines += _team_section(contributors, archetypes, season, team, n_players)
    return "\n".join(lines) + "\n"


def _agreement_table(metrics: dict) -> list[str]:
    pairs = sorted({k[: -len("_agreement_at_k_mean")] for k in metrics
                    if k.endswith("_agreement_at_k_mean")})
    k = metrics.get("top_k")
    lines = [f"| pair (all test seasons) | agreement@{k} | chance | Spearman | chance |",
             "|---|---|---|---|---|"]
    for pair in pairs:
        lines.append(f"| {pair} | {metrics[f'{pair}_agreement_at_k_mean']:.3f} | "
                     f"{metrics[f'{pair}_agreement_at_k_baseline']:.3f} | "
                     f"{metrics[f'{pair}_spearman_mean']:.3f} | "
                     f"{metrics[f'{pair}_spearman_baseline']:.3f} |")
    return lines


def _raptor_table(metrics: dict) -> list[str]:
    if not metrics.get("raptor_n_team_seasons"):
        return ["No RAPTOR agreement (the judge's file was not found).", ""]
    first, last = metrics["raptor_seasons"]
    lines = [f"Against FiveThirtyEight's RAPTOR WAR (regular season, {first}-{last}, "
             f"{metrics['raptor_n_team_seasons']} team-seasons; a judge only, never an input):", "",
             "| method | within-team Spearman | top-1 match |", "|---|---|---|"]
    for col, label in JUDGED.items():
        lines.append(f"| {label} | {metrics[f'raptor_{col}_spearman']:.3f} | "
                     f"{metrics[f'raptor_{col}_top1']:.3f} |")
    return lines + [""]


def _team_section(contributors: pd.DataFrame, archetypes: pd.DataFrame, season: int,
                  team: pd.Series, n_players: int) -> list[str]:
    rows = contributors[(contributors["season"] == season) & (contributors["team"] == team["team"])]
    top = rows.sort_values("contribution_rank").head(n_players)
    outcome = "" if pd.isna(team.get("post_playoff_rank")) else \
        f" (final rank {int(team['post_playoff_rank'])})"
    fallback = " - attention from the minutes fallback" if rows["fallback"].any() else ""
    lines = [f"## {team['team']} {team.get('team_name', '')}{outcome}{fallback}", ""]
    for _, p in top.iterrows():
        ranks = f"LOO {int(p['loo_rank'])}"
        if "rfx_rank" in p and pd.notna(p.get("rfx_rank")):
            ranks += f", RFX {int(p['rfx_rank'])}"
        lines.append(f"- **{p['player']}**: contribution {p['contribution']:+.2f} pts (attention "
                     f"{p['attention']:.3f}, value {p['value']:+.1f}, {p['mp']:.0f} minutes, "
                     f"minutes share {p['minutes_share']:.3f}; {ranks})")
        comps = archetypes[(archetypes["season"] == season) &
                           (archetypes["player_id"] == p["player_id"]) &
                           (archetypes["team"] == p["team"])].sort_values("archetype_rank")
        if not comps.empty:
            named = "; ".join(f"{c['similar_player']} ({c['similar_team']} {c['similar_season']}, "
                              f"{c['similarity']:.2f})" for _, c in comps.iterrows())
            lines.append(f"  - archetypes: {named}; similar in: {comps.iloc[0]['similar_because']}")
    return lines + [""]
