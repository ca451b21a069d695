"""Typed params for the `simulation` section (title odds: Monte Carlo bracket or softmax) and
the game model they set: what Model A's fit needs from the odds layer, kept apart from the
odds code so that editing title odds changes no Model A fit (src/training/model_a_fits.py)."""
from __future__ import annotations

from typing import Any

from pydantic import NonNegativeInt, PositiveFloat, PositiveInt

from src.config import params_section, section
from src.errors import ConfigError
from src.league.monte_carlo import GameModel

ODDS_METHODS = ("monte_carlo", "softmax")
LINKS = ("normal", "logistic")
CALIBRATION_TARGETS = ("srs", "series")


@params_section("simulation")
class SimulationConfig:
    championship_odds_method: str   # monte_carlo | softmax
    n_sims: PositiveInt             # simulated brackets per season
    seed: NonNegativeInt
    home_court: float               # points added to the home team's strength
    link: str                       # normal | logistic: point margin -> game win probability
    scale: PositiveFloat            # standard deviation of one game's margin around its mean (points)
    calibrate_to: str               # score -> points map: srs (least squares) | series (playoff-series MLE)
    temperature: bool               # temper Monte Carlo title odds with T fitted on earlier seasons
    temperature_bounds: list[float] # search interval for temperatures (MC), softmax tau and the
                                    # series-fitted slope (both in points)

    def __post_init__(self) -> None:
        checks = [
            (self.championship_odds_method in ODDS_METHODS,
             f"championship_odds_method must be one of {ODDS_METHODS}, got {self.championship_odds_method!r}"),
            (self.link in LINKS, f"link must be one of {LINKS}, got {self.link!r}"),
            (self.calibrate_to in CALIBRATION_TARGETS,
             f"calibrate_to must be one of {CALIBRATION_TARGETS}, got {self.calibrate_to!r}"),
            (self.n_sims > 0, f"n_sims must be > 0, got {self.n_sims}"),
            (self.scale > 0, f"scale must be > 0, got {self.scale}"),
            (len(self.temperature_bounds) == 2 and 0 < self.temperature_bounds[0] < self.temperature_bounds[1],
             f"temperature_bounds must be [low, high] with 0 < low < high, got {self.temperature_bounds}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(f"params.yaml: simulation.{message}")


def simulation_config(params: dict[str, Any]) -> SimulationConfig:
    return section(SimulationConfig, params.get("simulation"), "simulation")


def game_model(cfg: SimulationConfig) -> GameModel:
    """One game's win probability model (src/league/monte_carlo.py) of the `simulation` params."""
    return GameModel(home_court=cfg.home_court, link=cfg.link, scale=cfg.scale)
