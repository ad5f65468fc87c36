#!/usr/bin/env python3
"""Fit and validate the CPU load curve of the CPU model meter.

Fits ``P(u)/P_max = i + (1 - i) * f(u)`` on SPECpower_ssj2008 results (each server normalised by
its own 100 % watts), picks the form of ``f`` by 5-fold cross-validation over servers, checks it
on a temporal hold-out and on the codecarbon CPU-load-vs-RAPL profiles (CPU package power),
and compares with the field's heuristics. Writes ``src/algoprint/refdata/cpu_load_curve.csv``
and the section "## CPU power model: fit and validation" of docs/benchmarks.md.

Run:  .venv/bin/python bench/cpu_model_fit.py [--shared ../shared/data] [--check]
Deterministic: no random numbers, fixed folds (sorted result id, index mod 5), fixed starts.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import optimize

ROOT = Path(__file__).resolve().parents[1]
LEVELS = ["idle", *[f"{p}" for p in range(10, 101, 10)]]
RECENT_FROM = 2015
"""Servers published from this year on form the fit set: the idle fraction fell from ~0.6
(2007) to ~0.15 and has been stable since 2015 (see the docs section)."""
HOLDOUT_FROM = 2017
K = 5
SECTION = "## CPU power model: fit and validation"
SPEC_SOURCE = (
    "fit by bench/cpu_model_fit.py on SPECpower_ssj2008 results 2015-2019 (SPEC; parsed by "
    "green-coding-solutions/spec-power-raw-data)"
)
SPEC_LICENCE = "derived figures; SPEC fair use; parse MIT (c) 2022 Green Coding Berlin"

# Facts for the codecarbon profiles (vendor spec pages): threads per socket. Sockets follow
# from the threads the profile used at 100 % load.
THREADS_PER_SOCKET = {
    "AMD EPYC 8024P 8-Core Processor": 16,
    "AMD Ryzen Threadripper 1950X 16-Core Processor": 32,
    "Intel(R) Xeon(R) CPU E3-1240 V2 @ 3.40GHz": 8,
    "Intel(R) Xeon(R) CPU E5-2620 v3 @ 2.40GHz": 12,
}


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Server:
    rid: str
    year: int
    u: np.ndarray  # 11 utilisations (0 for active idle), fraction
    y: np.ndarray  # 11 powers / power at the 100 % level


def load_specpower(shared: Path) -> list[Server]:
    path = shared / "hardware" / "specpower" / "specpower_ssj2008_per_load_2007-2019.csv"
    servers = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            watts = [float(row["avg_watts_active_idle"])]
            watts += [float(row[f"avg_watts_{p}"]) for p in range(10, 101, 10)]
            load = [0.0] + [float(row[f"actual_load_{p}"]) / 100 for p in range(10, 101, 10)]
            year = int(row["result_id"].split("-")[1][:4])
            y = np.array(watts) / watts[-1]
            servers.append(Server(row["result_id"], year, np.array(load), y))
    return sorted(servers, key=lambda s: s.rid)


@dataclass(frozen=True)
class Profile:
    name: str  # folder/all|some
    cpu_name: str
    u: np.ndarray  # measured CPU load, fraction
    watts: np.ndarray  # RAPL package power, W (energy / duration)
    level: list[str]  # load level label per row
    threads: int


def load_codecarbon(shared: Path) -> list[Profile]:
    base = shared / "hardware" / "codecarbon_cpu_load_profiling"
    profiles = []
    for path in sorted(base.glob("*/*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        # rapl_power lags one step (it is the reading taken when the step starts); the step's
        # own average is rapl_energy (kWh) over its duration.
        watts = np.array([float(r["rapl_energy"]) * 3.6e6 / float(r["duration"]) for r in rows])
        u = np.array([float(r["cpu_load"]) / 100 for r in rows])
        level = ["idle"] + [f"{max(10, round(x * 10) * 10)}" for x in u[1:]]
        kind = "all" if "all_cores" in path.name else "some"
        profiles.append(
            Profile(
                name=f"{path.parent.name}/{kind}",
                cpu_name=rows[0]["cpu_name"],
                u=u,
                watts=watts,
                level=level,
                threads=max(int(r["cores_used"]) for r in rows),
            )
        )
    return profiles


# --------------------------------------------------------------------------- forms


def mape(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.abs(pred - y) / y))


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The c minimising sum(w * |c - v|) (lower weighted median; deterministic)."""
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, cum[-1] / 2)])


def _sat(u: np.ndarray, k: float) -> np.ndarray:
    if abs(k) < 1e-6:
        return u
    return np.asarray((1 - np.exp(-k * u)) / (1 - np.exp(-k)))


@dataclass(frozen=True)
class Form:
    name: str
    formula: str
    fit: Callable[[np.ndarray, np.ndarray], tuple[float, ...]]
    predict: Callable[[tuple[float, ...], np.ndarray], np.ndarray]


def _nm(loss: Callable[[np.ndarray], float], start: list[float]) -> tuple[float, ...]:
    res = optimize.minimize(
        loss, np.array(start), method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-9}
    )
    return tuple(float(x) for x in res.x)


def _lin_pred(p: tuple[float, ...], u: np.ndarray) -> np.ndarray:
    return p[0] + (1 - p[0]) * u


def _lin_fit(u: np.ndarray, y: np.ndarray) -> tuple[float, ...]:
    res = optimize.minimize_scalar(
        lambda i: mape(_lin_pred((i,), u), y), bounds=(0, 1), method="bounded"
    )
    return (float(res.x),)


def _pow_pred(p: tuple[float, ...], u: np.ndarray) -> np.ndarray:
    return p[0] + (1 - p[0]) * u ** abs(p[1])


def _pow_fit(u: np.ndarray, y: np.ndarray) -> tuple[float, ...]:
    i, a = _nm(lambda x: mape(_pow_pred(tuple(x), u), y), [0.2, 1.0])
    return (i, abs(a))


def _sat_pred(p: tuple[float, ...], u: np.ndarray) -> np.ndarray:
    return p[0] + (1 - p[0]) * _sat(u, p[1])


def _sat_fit(u: np.ndarray, y: np.ndarray) -> tuple[float, ...]:
    return _nm(lambda x: mape(_sat_pred(tuple(x), u), y), [0.2, 1.0])


def _pw_fit(u: np.ndarray, y: np.ndarray) -> tuple[float, ...]:
    # Knots at the median actual load of each level; values minimise the level's MAPE.
    xs = np.median(u, axis=0)
    xs[0], xs[-1] = 0.0, 1.0
    ys = np.array([weighted_median(y[:, j], 1 / y[:, j]) for j in range(y.shape[1])])
    ys[-1] = 1.0
    ys = np.maximum.accumulate(ys)  # keep it monotone
    return (*xs.tolist(), *ys.tolist())


def _pw_pred(p: tuple[float, ...], u: np.ndarray) -> np.ndarray:
    n = len(p) // 2
    return np.interp(u, np.array(p[:n]), np.array(p[n:]))


FORMS = [
    Form("linear", "i + (1 - i) u", _lin_fit, _lin_pred),
    Form("power law", "i + (1 - i) u^a", _pow_fit, _pow_pred),
    Form("saturating", "i + (1 - i) (1 - e^(-k u)) / (1 - e^(-k))", _sat_fit, _sat_pred),
    Form("piecewise-linear", "i + (1 - i) PL(u), knots per level", _pw_fit, _pw_pred),
]


def heuristics() -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    """The field's heuristics as P/TDP (TDP standing in for P_max)."""
    return {
        "cubic on TDP: 0.1 + 0.9 u^3": lambda u: 0.1 + 0.9 * u**3,
        "TDP/2 constant": lambda u: np.full_like(u, 0.5),
        "TDP x load": lambda u: u.copy(),
    }


def stack(servers: list[Server]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([s.u for s in servers]), np.array([s.y for s in servers])


# --------------------------------------------------------------------------- fit


def kfold_predictions(form: Form, servers: list[Server]) -> np.ndarray:
    """Out-of-fold predictions, fold = index (in result-id order) mod K."""
    u, y = stack(servers)
    pred = np.empty_like(y)
    folds = np.arange(len(servers)) % K
    for k in range(K):
        train, test = folds != k, folds == k
        params = form.fit(u[train], y[train])
        pred[test] = form.predict(params, u[test])
    return pred


@dataclass(frozen=True)
class Curve:
    form: Form
    params: tuple[float, ...]
    knots_u: tuple[float, ...]
    knots_p: tuple[float, ...]
    n_servers: int

    def __call__(self, u: np.ndarray) -> np.ndarray:
        return np.interp(u, np.array(self.knots_u), np.array(self.knots_p))


def recent(servers: list[Server]) -> list[Server]:
    return [s for s in servers if s.year >= RECENT_FROM]


def choose_form(servers: list[Server]) -> tuple[Form, dict[str, float]]:
    fit_set = recent(servers)
    _, y = stack(fit_set)
    scores = {f.name: mape(kfold_predictions(f, fit_set), y) for f in FORMS}
    best = min(FORMS, key=lambda f: (round(scores[f.name], 6), FORMS.index(f)))
    return best, scores


def tabulate(form: Form, params: tuple[float, ...]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    if form.name == "piecewise-linear":
        n = len(params) // 2
        us, ps = params[:n], params[n:]
    else:
        grid = np.round(np.linspace(0, 1, 21), 2)
        us, ps = tuple(grid.tolist()), tuple(form.predict(params, grid).tolist())
    ps_arr = np.maximum.accumulate(np.round(np.array(ps), 4))
    ps_arr[-1] = 1.0
    return tuple(round(float(x), 4) for x in us), tuple(float(x) for x in ps_arr)


def fit_shipped_curve(shared: Path) -> Curve:
    """The curve that ships: the CV-chosen form fitted on all servers from RECENT_FROM on."""
    servers = load_specpower(shared)
    form, _ = choose_form(servers)
    fit_set = recent(servers)
    params = form.fit(*stack(fit_set))
    us, ps = tabulate(form, params)
    return Curve(form, params, us, ps, len(fit_set))


def curve_csv(curve: Curve) -> str:
    buf = io.StringIO()
    params = ", ".join(f"{p:.4f}" for p in curve.params[: (2 if len(curve.params) <= 2 else 0)])
    buf.write(
        "# CPU load curve P(u)/P_max (u = utilisation of the available CPUs, 0..1), linear "
        "interpolation between knots. Written by bench/cpu_model_fit.py; do not edit.\n"
        f"# form: {curve.form.name} ({curve.form.formula}){' params: ' + params if params else ''}"
        f"; fitted on {curve.n_servers} SPECpower_ssj2008 servers published {RECENT_FROM}-2019, "
        "each normalised by its 100 % watts. See docs/benchmarks.md.\n"
    )
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["utilisation", "power_rel", "source", "licence"])
    for u, p in zip(curve.knots_u, curve.knots_p, strict=True):
        writer.writerow([f"{u:g}", f"{p:.4f}", SPEC_SOURCE, SPEC_LICENCE])
    return buf.getvalue()


def write_curve(curve: Curve, path: Path) -> Path:
    path.write_text(curve_csv(curve), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- validation


def per_level(pred: np.ndarray, y: np.ndarray, levels: list[str]) -> list[float]:
    ape = np.abs(pred - y) / y
    lv = np.array(levels)
    return [
        float(np.mean(ape[lv == name])) * 100 if (lv == name).any() else float("nan")
        for name in LEVELS
    ]


def _row(name: str, values: list[float], overall: float) -> str:
    cells = " | ".join("–" if np.isnan(v) else f"{v:.0f}" for v in values)
    return f"| {name} | {cells} | **{overall:.1f}** |"


def _header() -> list[str]:
    return [
        "| model | " + " | ".join(LEVELS) + " | all |",
        "|---|" + "---:|" * (len(LEVELS) + 1),
    ]


def codecarbon_table(
    profiles: list[Profile], curve: Curve, absolute: bool
) -> tuple[list[str], np.ndarray, dict[str, list[float]]]:
    """Per-level MAPE on the codecarbon profiles.

    Returns the table lines, the curve's per-point APE values and, per model, the signed
    whole-run energy error of each run (each step lasted the same ~30 s, so the run's energy
    error is the error of the summed powers).
    """
    from algoprint.meters._cpu_table import match_cpu_model

    models: dict[str, Callable[[np.ndarray], np.ndarray]] = {"algoprint curve": curve}
    models.update(heuristics())
    preds: dict[str, list[np.ndarray]] = {m: [] for m in models}
    run_err: dict[str, list[float]] = {m: [] for m in models}
    ys, levels = [], []
    for p in profiles:
        if absolute:
            match = match_cpu_model(p.cpu_name)
            assert match.entry is not None, p.cpu_name
            sockets = max(1, round(p.threads / THREADS_PER_SOCKET[p.cpu_name]))
            scale = match.entry.tdp_w * sockets
        else:
            scale = float(p.watts[int(np.argmax(p.u))])
        for m, fn in models.items():
            pred = fn(p.u) * scale
            preds[m].append(pred)
            run_err[m].append(float((pred.sum() - p.watts.sum()) / p.watts.sum()))
        ys.append(p.watts)
        levels += p.level
    y = np.concatenate(ys)
    lines = _header()
    for m in models:
        pred = np.concatenate(preds[m])
        lines.append(_row(m, per_level(pred, y, levels), mape(pred, y) * 100))
    model_ape = np.abs(np.concatenate(preds["algoprint curve"]) - y) / y
    return lines, model_ape, run_err


def uncertainty_rel(run_err: dict[str, list[float]]) -> float:
    """The meter's uncertainty: the largest whole-run energy error of the curve on the
    codecarbon package profiles (absolute, TDP-based), rounded up to 0.05."""
    worst = max(abs(e) for e in run_err["algoprint curve"])
    return float(np.ceil(worst * 20 - 1e-9) / 20)


def report(shared: Path) -> tuple[Curve, str, dict[str, float]]:
    from algoprint.meters._cpu_table import default_w_per_core, match_cpu_model

    servers = load_specpower(shared)
    form, cv = choose_form(servers)
    curve = fit_shipped_curve(shared)
    fit_set = recent(servers)
    u, y = stack(fit_set)
    levels = LEVELS * len(fit_set)

    # Temporal hold-out: train on everything before HOLDOUT_FROM, test on the later servers.
    old = [s for s in servers if s.year < HOLDOUT_FROM]
    new = [s for s in servers if s.year >= HOLDOUT_FROM]
    u_old, y_old = stack(old)
    u_new, y_new = stack(new)
    recent_old = [s for s in old if s.year >= RECENT_FROM]
    temporal = {
        f.name: (
            mape(f.predict(f.fit(u_old, y_old), u_new), y_new) * 100,
            mape(f.predict(f.fit(*stack(recent_old)), u_new), y_new) * 100,
        )
        for f in FORMS
    }

    oof = kfold_predictions(form, fit_set)
    heur = heuristics()
    spec_lines = _header()
    spec_lines.append(
        _row(
            f"algoprint curve ({form.name}, held-out)",
            per_level(oof.ravel(), y.ravel(), levels),
            mape(oof, y) * 100,
        )
    )
    for name, fn in heur.items():
        pred = fn(u)
        spec_lines.append(
            _row(name, per_level(pred.ravel(), y.ravel(), levels), mape(pred, y) * 100)
        )
    all_u, all_y = stack(servers)
    all_pred = curve(all_u)
    spec_ape = (np.abs(oof - y) / y).ravel()

    profiles = load_codecarbon(shared)
    shape_lines, shape_ape, _ = codecarbon_table(profiles, curve, absolute=False)
    abs_lines, abs_ape, run_err = codecarbon_table(profiles, curve, absolute=True)
    unc = uncertainty_rel(run_err)
    idle_years = {
        yr: float(np.median([s.y[0] for s in servers if s.year == yr]))
        for yr in sorted({s.year for s in servers})
    }
    stats = {
        "spec_p90": float(np.percentile(spec_ape, 90)),
        "spec_p95": float(np.percentile(spec_ape, 95)),
        "cc_shape_p90": float(np.percentile(shape_ape, 90)),
        "cc_abs_p50": float(np.percentile(abs_ape, 50)),
        "cc_abs_p90": float(np.percentile(abs_ape, 90)),
        "all_years_mape": mape(all_pred, all_y) * 100,
        "uncertainty_rel": unc,
    }
    tdp_ratio = [
        float(p.watts[int(np.argmax(p.u))])
        / (
            match_cpu_model(p.cpu_name).entry.tdp_w  # type: ignore[union-attr]
            * max(1, round(p.threads / THREADS_PER_SOCKET[p.cpu_name]))
        )
        for p in profiles
    ]
    cc_idle = {p.name: float(p.watts[0] / p.watts[int(np.argmax(p.u))]) for p in profiles}

    out = [SECTION, ""]
    out += [
        "Reproduce: `.venv/bin/python bench/cpu_model_fit.py` (deterministic; rewrites this "
        "section and `src/algoprint/refdata/cpu_load_curve.csv`; `--check` only compares).",
        "",
        "**Model.** Without an energy counter the CPU meter estimates package power as",
        "`P(u) = P_idle + (P_max - P_idle) * f(u)` with `P_max = TDP_socket * vcpus_available / "
        "threads_per_socket` and `P_idle = i * P_max`; `u` is the busy fraction of the available "
        "CPUs over each sample interval (from `/proc/stat`, or the cgroup's CPU usage when a CPU "
        "quota applies). `threads_per_socket` = physical cores per socket (table, or the "
        "`N-Core` in the model name) × SMT threads per core from `/proc/cpuinfo`. On a VM "
        "`/proc/cpuinfo` shows the host's CPU model, so the TDP is the host socket's and the "
        "share is the vCPUs we have over the host socket's threads. Without a core count: on "
        "bare metal the `siblings` of `/proc/cpuinfo`; on a VM the host socket is sized as TDP / "
        f"{default_w_per_core():.1f} W cores, i.e. `P_max = {default_w_per_core():.1f} W x "
        "vcpus / SMT`. An unknown model gets the same per-core default (the median TDP per "
        "core of the table rows with a core count), is warned once naming `--cpu-tdp` / "
        "`cpu_tdp_w`, and is an error under `strict`.",
        "",
        "**Data and choice.** The curve `i + (1 - i) f(u)` is fitted on SPECpower_ssj2008 "
        "(659 servers, 2007-2019; whole-server AC power at active idle and 10..100 % target "
        "load; `u` = the measured `actual_load`), each server divided by its own 100 % watts. "
        "The idle fraction of servers fell steeply with time (median idle/100 % watts: "
        + ", ".join(f"{yr}: {v:.2f}" for yr, v in idle_years.items())
        + f"), so the shipped curve is fitted on the {len(fit_set)} servers published from "
        f"{RECENT_FROM} on, where it is stable. SPECpower is whole-server power: its idle "
        "share includes PSU, fans, disks and DRAM refresh, which are not CPU package power. It is "
        "still the only large set, and for recent servers its idle fraction "
        f"({curve.knots_p[0]:.2f}) is close to the median package idle fraction of the codecarbon "
        f"RAPL profiles ({float(np.median(list(cc_idle.values()))):.2f}; idle/max package power: "
        + ", ".join(f"{k}: {v:.2f}" for k, v in cc_idle.items())
        + "), so we use it for both shape and idle floor and report the package data "
        "separately. (The codecarbon folder `E5-1240` holds a second E3-1240 V2 machine, as its "
        "`cpu_name` says.)",
        "",
        f"**Form selection** ({K}-fold cross-validation over the {len(fit_set)} recent servers, "
        "folds by result id; MAPE over all 11 points per server) and a temporal hold-out "
        f"(train on servers before {HOLDOUT_FROM}, test on the {len(new)} from {HOLDOUT_FROM} on):",
        "",
        "| form | formula | 5-fold CV MAPE % | hold-out MAPE %, trained on all pre-2017 | "
        f"hold-out MAPE %, trained on {RECENT_FROM}-2016 |",
        "|---|---|---:|---:|---:|",
    ]
    for f in FORMS:
        out.append(
            f"| {f.name}{' (chosen)' if f is form else ''} | `{f.formula}` "
            f"| {cv[f.name] * 100:.1f} | {temporal[f.name][0]:.1f} | {temporal[f.name][1]:.1f} |"
        )
    out += [
        "",
        "Shipped knots (`P/P_max` at u): "
        + ", ".join(
            f"{u_:g}: {p_:.3f}" for u_, p_ in zip(curve.knots_u, curve.knots_p, strict=True)
        ),
        "",
        "**SPECpower, held-out** (out-of-fold predictions for the recent servers), mean absolute "
        "percentage error per load level. Heuristics use the server's 100 % watts as TDP:",
        "",
        *spec_lines,
        "",
        "Applied to all 659 servers (2007-2019) the shipped curve has "
        f"{stats['all_years_mape']:.1f} % MAPE: old servers idle far higher than the "
        "curve assumes.",
        "",
        "**codecarbon CPU load vs RAPL** (5 machines, 4 CPU models, each with an `all_cores` and "
        "a `some_cores` run; package power = `rapl_energy / duration`, because the `rapl_power` "
        "column lags one step; load levels binned to the nearest 10 % of the measured load). "
        "Shape only, normalised by the measured power at the highest load:",
        "",
        *shape_lines,
        "",
        "Absolute, with `P_max` = table TDP × sockets (what the meter does):",
        "",
        *abs_lines,
        "",
        "Whole-run energy error per codecarbon run (signed; each run spends ~30 s at each step), "
        "absolute, TDP-based:",
        "",
        "| model | " + " | ".join(p.name for p in profiles) + " |",
        "|---|" + "---:|" * len(profiles),
        *(
            f"| {m} | " + " | ".join(f"{e * 100:+.0f} %" for e in errs) + " |"
            for m, errs in run_err.items()
        ),
        "",
        "**Honest reading.**",
        f"- On recent SPECpower servers the curve's held-out error is {cv[form.name] * 100:.1f} % "
        "MAPE overall, but the idle point carries the largest error: the idle fraction varies "
        "between servers (power management settings) and the model has one value.",
        "- On CPU package power the shape is worse: package power rises steeply at low load "
        "(frequency boost, cores leaving deep sleep) and saturates, while whole-server power "
        "rises nearly linearly and steepens near 100 %. The `all_cores` and `some_cores` runs "
        "of the same CPU differ by up to a factor 2 at the same utilisation, so no curve of "
        "utilisation alone can be accurate to 10 % on package power.",
        "- TDP is a poor stand-in for the package's power at full load: the measured maxima are "
        f"{min(tdp_ratio):.2f}-{max(tdp_ratio):.2f} × TDP here. This error dominates the "
        "absolute comparison and is shared by all TDP-based methods. Over whole runs the curve "
        f"is no better than `TDP x load` on these package profiles (mean absolute run error "
        f"{np.mean(np.abs(run_err['algoprint curve'])) * 100:.0f} % vs "
        f"{np.mean(np.abs(run_err['TDP x load'])) * 100:.0f} %); its advantage is the idle floor "
        "(an idle machine still draws power) and the fit on 214 servers rather than on a guess.",
        f"- Uncertainty. The meter reports `uncertainty_rel` = {unc:.2f} (half-width of a ~95 % "
        "interval, `algoprint.meters.cpu_model.UNCERTAINTY_REL`): the largest whole-run energy "
        "error of the curve on the codecarbon package runs above, rounded up to 0.05. Per "
        "sample the errors are larger (p90 of the absolute percentage error per point: "
        f"{stats['cc_abs_p90'] * 100:.0f} % on the package profiles, median "
        f"{stats['cc_abs_p50'] * 100:.0f} %; held-out SPECpower p90/p95 "
        f"{stats['spec_p90'] * 100:.0f} %/{stats['spec_p95'] * 100:.0f} %), but they are "
        "largest where the power is smallest, so they weigh little in a run's energy. The TDP "
        "table adds its own error (a wrong or generic TDP); an unknown CPU falls back to a "
        "per-core default and is flagged. Use RAPL where you can; set `cpu_tdp_w` "
        "(`--cpu-tdp`) when you know your CPU's power better.",
        "",
    ]
    return curve, "\n".join(out), stats


def replace_section(doc: str, section: str) -> str:
    if SECTION not in doc:
        return (doc.rstrip() + "\n\n" if doc.strip() else "# Benchmarks\n\n") + section
    start = doc.index(SECTION)
    nxt = doc.find("\n## ", start + len(SECTION))
    tail = "" if nxt < 0 else doc[nxt + 1 :]
    return doc[:start] + section + ("\n" + tail if tail else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    curve, section, stats = report(args.shared)
    csv_path = ROOT / "src" / "algoprint" / "refdata" / "cpu_load_curve.csv"
    doc_path = ROOT / "docs" / "benchmarks.md"
    print(section)
    print({k: round(v, 4) for k, v in stats.items()})
    doc = doc_path.read_text(encoding="utf-8") if doc_path.exists() else ""
    new_doc = replace_section(doc, section)
    if args.check:
        ok = csv_path.read_text(encoding="utf-8") == curve_csv(curve) and doc == new_doc
        print("up to date" if ok else "OUT OF DATE: rerun without --check")
        return 0 if ok else 1
    write_curve(curve, csv_path)
    doc_path.write_text(new_doc, encoding="utf-8")
    print(f"wrote {csv_path.relative_to(ROOT)} and {doc_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
