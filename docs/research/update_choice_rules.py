"""How the playoff update's setting is chosen (issue 27): rules compared on the 2011-2024 playoffs.

Every candidate setting of the update (params.yaml playoff_update grids, optionally with smaller
weights of a series in progress) forecasts every playoff game as of its morning and every series
at its start; each rule then chooses a setting per season on the seasons before it (walk-forward)
and is scored on the game and the as-of series log-loss of the ensemble. The rules:
games / series / games+series choose the whole setting on one criterion; "split a | b" uses a
setting chosen on a for game 1s and series starts and one chosen on b for games 2-7; "two-step"
chooses prior sd, cap, home court and noise on the series, then the weight on the games
(src/odds/game_asof.choose_setting, what the pipeline does).

NOT a choice made before the test window: the rules are compared on 2011-2024, the seasons the
yardsticks report (docs/asof.md, "Disclosure"). The nested check at the end chooses the rule on
2011-2017 alone (the as-of series log-loss, the criterion the update is built on, to 3 decimals;
ties by the game log-loss) and judges every rule on 2018-2024, with a paired season bootstrap of
the chosen rule against each (docs/asof.md, "Nested check"). Run from the repository root after
`dvc repro`: `PYTHONPATH=. python docs/research/update_choice_rules.py [--model ensemble]
[--choose-until 2017]`.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from docs.research.yardstick_data import yardstick_data
from src.config import load_params
from src.evaluation.config import evaluation_config
from src.evaluation.series import season_bootstrap
from src.league.series import with_starts
from src.league.sites import home_edges
from src.odds.config import game_model
from src.odds.game_asof import CandidateGrid, asof_game_strengths, game_forecast, series_candidate_nll
from src.odds.playoff_update import playoff_update_config

SMALL_WEIGHTS = [0.0625, 0.125]


def inputs(params: dict, model_name: str):
    data = yardstick_data(params)
    se, played, sim = data.series, data.played, data.sim
    scored = with_starts(se.usable, played)
    return se.points[model_name], played, scored[scored["start"].notna()].reset_index(drop=True), game_model(sim)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="ensemble")
    ap.add_argument("--choose-until", type=int, default=2017,
                    help="nested check: the rule is chosen on the seasons up to this one, judged on the later ones")
    args = ap.parse_args()
    params = load_params("params.yaml")
    pre, played, series, model = inputs(params, args.model)
    base = playoff_update_config(params)
    compared = {}
    for label, cfg in (("grid", base), ("grid + small weights", dataclasses.replace(
            base, series_weight_grid=sorted({*SMALL_WEIGHTS, *base.series_weight_grid})))):
        settings = [*cfg.candidates, cfg.default]
        grid = CandidateGrid.of(settings, model)
        p, _ = game_forecast(*asof_game_strengths(played, pre, grid), grid, model, home_edges(played["season"]))
        won = played["home_won"].to_numpy(bool)
        gnll = -np.log(np.clip(np.where(won[None], p, 1 - p), 1e-12, None))
        snll = series_candidate_nll(series, pre, played, grid, model)
        print(f"--- {args.model}, {label} ({len(cfg.candidates)} candidates)")
        rules = Rules(settings, played, series, gnll, snll, cfg.validation_seasons)
        rules.report()
        compared.update({f"{name} [{label}]": rules.losses(*pick) for name, pick in rules.rules().items()})
    nested(rules, compared, args.choose_until, evaluation_config(params))


def nested(rules: "Rules", compared: dict, last: int, cfg) -> None:
    """Choose the rule on the seasons <= `last` by the as-of series log-loss (shown to 3 decimals,
    ties by the game log-loss), then judge every rule on the seasons after: the choice of the rule
    made without the seasons it is judged on (each rule's per-season setting is walk-forward)."""
    early_g, early_s = rules.gs <= last, rules.ss <= last
    first = {k: rules.summary(pg, ps, early_g, early_s) for k, (pg, ps) in compared.items()}
    later = {k: rules.summary(pg, ps, ~early_g, ~early_s) for k, (pg, ps) in compared.items()}
    ranked = sorted(compared, key=lambda k: (round(first[k]["series"], 3), first[k]["games"]))
    chosen = ranked[0]
    print(f"\n=== nested: rule chosen on {rules.seasons[0]}-{last} (series as-of to 3 decimals, then games)")
    for k in ranked:
        print(_line(("* " if k == chosen else "  ") + k[:60], first[k]))
    print(f"\n=== judged on {last + 1}-{rules.seasons[-1]} (chosen: {chosen})")
    boot = {"n_resamples": cfg.n_bootstrap, "seed": cfg.bootstrap_seed, "interval": cfg.interval}
    pg_c, ps_c = compared[chosen]
    for k in ranked:
        pg, ps = compared[k]
        diff = ""
        if k != chosen:
            g = _boot(pg_c[~early_g], pg[~early_g], rules.gs[~early_g], boot)
            s_ = _boot(ps_c[~early_s], ps[~early_s], rules.ss[~early_s], boot)
            diff = f"  chosen - this: games {g}, series {s_}"
        print(_line(("* " if k == chosen else "  ") + k[:60], later[k]) + diff)


def _boot(chosen: np.ndarray, other: np.ndarray, seasons: np.ndarray, boot: dict) -> str:
    frame = lambda v: pd.DataFrame({"season": seasons, "log_loss": v})
    b = season_bootstrap(frame(chosen), frame(other), "log_loss", **boot)
    return f"{b['diff']:+.4f} [{b['low']:+.4f}, {b['high']:+.4f}]"


class Rules:
    def __init__(self, settings, played, series, gnll, snll, window):
        self.S, self.gnll, self.snll, self.window = settings, gnll, snll, window
        self.gs, self.ss = played["season"].to_numpy(int), series["season"].to_numpy(int)
        self.g1 = played["game"].to_numpy() == 1
        self.gr24, self.sr24 = played["round"].to_numpy() >= 2, series["round"].to_numpy() >= 2
        self.seasons = sorted(set(self.gs))
        self.reaction = [(s.prior_sd, s.margin_cap, s.home_court, s.game_noise) for s in settings]

    def mean(self, arr, sea, mask, i):
        keep = mask & np.isin(sea, self.seasons[max(0, i - self.window):i])
        return arr[:-1, keep].mean(axis=1)          # the default (last) is no candidate

    def crit(self, name, i):
        ones = np.ones(len(self.gs), bool)
        return {"games": lambda: self.mean(self.gnll, self.gs, ones, i),
                "game 1s": lambda: self.mean(self.gnll, self.gs, self.g1, i),
                "games 2-7": lambda: self.mean(self.gnll, self.gs, ~self.g1, i),
                "series": lambda: self.mean(self.snll, self.ss, np.ones(len(self.ss), bool), i),
                "games+series": lambda: self.crit("games", i) + self.crit("series", i)}[name]()

    def pick(self, name, i, among=None):
        if i == 0:
            return len(self.S) - 1
        v = self.crit(name, i)
        if among is not None:
            v = np.where([r == self.reaction[among] for r in self.reaction[:-1]], v, np.inf)
        return int(np.argmin(v))

    def losses(self, start, within):
        """Per game and per series log-loss of a rule (`start`: the setting of game 1s and series
        starts of season i, `within`: of games 2-7), each season's setting chosen on earlier ones."""
        pg, ps = np.empty(len(self.gs)), np.empty(len(self.ss))
        for i, t in enumerate(self.seasons):
            ks, kw = start(i), within(i)
            m = self.gs == t
            pg[m & self.g1], pg[m & ~self.g1] = self.gnll[ks, m & self.g1], self.gnll[kw, m & ~self.g1]
            ps[self.ss == t] = self.snll[ks, self.ss == t]
        return pg, ps

    def summary(self, pg, ps, games=None, series=None):
        g = np.ones(len(self.gs), bool) if games is None else games
        s = np.ones(len(self.ss), bool) if series is None else series
        return {"games": pg[g].mean(), "2-7": pg[g & ~self.g1].mean(), "rounds 2-4": pg[g & self.gr24].mean(),
                "series": ps[s].mean(), "series rounds 2-4": ps[s & self.sr24].mean()}

    def score(self, label, start, within):
        print(_line(label, self.summary(*self.losses(start, within))))

    def rules(self):
        """label -> (start, within): every rule compared."""
        out = {c: (lambda i, c=c: self.pick(c, i), lambda i, c=c: self.pick(c, i))
               for c in ("games", "series", "games+series")}
        for a, b in (("game 1s", "games 2-7"), ("series", "games 2-7"), ("games", "games 2-7")):
            out[f"split {a} | {b}"] = (lambda i, a=a: self.pick(a, i), lambda i, b=b: self.pick(b, i))
        two = lambda i: self.pick("games", i, self.pick("series", i)) if i else len(self.S) - 1
        out["two-step: series, then games"] = (two, two)
        return out

    def report(self):
        for label, (start, within) in self.rules().items():
            self.score(label, start, within)


def _line(label: str, m: dict) -> str:
    return (f"{label:34s} games {m['games']:.4f} 2-7 {m['2-7']:.4f} rounds 2-4 {m['rounds 2-4']:.4f} | "
            f"series as-of {m['series']:.4f} rounds 2-4 {m['series rounds 2-4']:.4f}")

if __name__ == "__main__":
    main()
