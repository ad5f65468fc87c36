"""``algoprint estimate`` and ``algoprint estimate llm``.

Thin: the figures come from :func:`algoprint.impact.estimate.estimate` and
:func:`algoprint.impact.llm.estimate_llm`; this module parses, resolves the location
(``_location``) and prints.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from algoprint import _format
from algoprint.cli._common import json_option, print_json
from algoprint.cli._location import (
    cli_words,
    impact_fields,
    impacts_table,
    interval,
    location_options,
    resolve_cli_location,
    where_text,
)
from algoprint.cli._options import (
    PUE,
    YEAR,
    bounded_float,
    bounded_int,
    lang_option_en,
    wide_option,
)
from algoprint.cli.factors_cmd import _console, _extra
from algoprint.errors import InputError

MAX_EMBODIED_KG = 1_000_000
"""Largest accepted ``--embodied-kg`` (kg CO2e of one machine: servers are 1,000 to 5,000)."""


def parse_kg_range(text: str | None) -> float | tuple[float, float] | None:
    """``1500`` or ``1200..1800`` (kg) → a number or a (low, high) range.

    Raises:
        InputError: not a number or a range of two numbers >= 0 with low <= high.
    """
    if text is None:
        return None
    parts = text.replace(" ", "").split("..")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    ok = len(numbers) in {1, 2} and all(0 < n <= MAX_EMBODIED_KG for n in numbers)
    if not ok or (len(numbers) == 2 and numbers[0] > numbers[1]):
        raise InputError(
            f"--embodied-kg {text!r} is not a number or a range",
            hint="e.g. --embodied-kg 1500 or --embodied-kg 1200..1800 (kg CO2e, "
            f"0 < low <= high <= {MAX_EMBODIED_KG})",
        )
    return numbers[0] if len(numbers) == 1 else (numbers[0], numbers[1])


def _estimate_options(func: Callable[..., Any]) -> Callable[..., Any]:
    opts = [
        click.option(
            "--hours",
            type=bounded_float(0, 876_000, min_open=True, unit="h"),
            metavar="H",
            help="Wall time drawing power.",
        ),
        click.option(
            "--reserved-hours",
            type=bounded_float(0, 876_000, min_open=True, unit="h"),
            metavar="H",
            help="Time the hardware is reserved (>= --hours), for embodied impacts.",
        ),
        click.option(
            "--device-hours",
            type=bounded_float(0, 1e9, min_open=True, unit="GPU-hours"),
            metavar="H",
            help="GPU-hours (GPUs × hours) for the GPU energy, e.g. from a paper.",
        ),
        click.option(
            "--energy-kwh",
            type=bounded_float(0, 1e9, unit="kWh"),
            metavar="KWH",
            help="Known IT energy (kWh); replaces the power model.",
        ),
        click.option(
            "--uncertainty",
            type=bounded_float(0, 10, note="0.1 = ±10 %, 0 = exact"),
            metavar="REL",
            help="Uncertainty of the figures you give (0.1 = ±10 %, 0 = exact).",
        ),
        click.option("--cpu", "cpu_model", metavar="MODEL", help="CPU model (power table)."),
        click.option("--cpu-cores", type=bounded_float(0, 100_000, min_open=True), metavar="N"),
        click.option(
            "--cpu-w-per-core",
            type=bounded_float(0, 1000, min_open=True, unit="W"),
            metavar="W",
            help="Power per core (Green Algorithms: about 12 W for a server core).",
        ),
        click.option(
            "--cpu-tdp",
            type=bounded_float(0, 2000, min_open=True, unit="W"),
            metavar="W",
            help="CPU power (TDP).",
        ),
        click.option(
            "--cpu-load",
            type=bounded_float(0, 1, note="0.5 = 50 %"),
            metavar="0..1",
            help="Mean CPU utilisation (default 1.0, an upper bound).",
        ),
        click.option("--gpu", "gpu_model", metavar="MODEL", help="GPU model (power table)."),
        click.option(
            "--gpus", type=bounded_int(0, 100_000), default=0, metavar="N", help="Number of GPUs."
        ),
        click.option(
            "--gpu-w",
            type=bounded_float(0, 10_000, min_open=True, unit="W"),
            metavar="W",
            help="W per GPU.",
        ),
        click.option(
            "--gpu-load",
            type=bounded_float(0, 1, note="0.5 = 50 %"),
            metavar="0..1",
            help="Mean GPU load.",
        ),
        click.option("--memory-gb", type=bounded_float(0, 1e7, unit="GB"), metavar="GB"),
        click.option(
            "--memory-w-per-gb", type=bounded_float(0, 10, min_open=True, unit="W"), metavar="W"
        ),
        click.option("--pue", type=PUE, help="Datacentre PUE (>= 1)."),
        click.option(
            "--grid-intensity",
            type=bounded_float(0, 5000, unit="g CO2e/kWh"),
            metavar="G_PER_KWH",
            help="Your own grid intensity, g CO2e/kWh (overrides the zone's).",
        ),
        click.option("--wue", type=bounded_float(0, 100, unit="L/kWh"), metavar="L_PER_KWH"),
        click.option("--contract", metavar="KEY", help="Electricity contract, e.g. groen-gvo."),
        click.option(
            "--market-intensity",
            type=bounded_float(0, 5000, unit="g CO2e/kWh"),
            metavar="G_PER_KWH",
            help="Your supplier's market-based factor for the contract, g CO2e/kWh.",
        ),
        click.option("--year", type=YEAR, help="Year of the grid factor."),
        click.option(
            "--server-year",
            type=YEAR,
            metavar="YEAR",
            help="The server's year: the CPU load curve takes that vintage's idle share.",
        ),
        click.option(
            "--embodied-kg",
            metavar="KG",
            help="The machine's manufacture CO2e: 1500 or a range 1200..1800 (kg); needs "
            "--lifetime-years.",
        ),
        click.option(
            "--share",
            type=bounded_float(0, 1, min_open=True, note="0.25 = a quarter"),
            metavar="0..1",
            help="Share of the machine reserved, for embodied impacts (default 1).",
        ),
        click.option(
            "--lifetime-years", type=bounded_float(0, 100, min_open=True, unit="years"), metavar="Y"
        ),
        click.option(
            "--units",
            type=bounded_float(0, 1e15, min_open=True),
            metavar="N",
            help="Functional units (SCI).",
        ),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


@click.group(
    "estimate",
    short_help="Estimate energy and impacts from hardware and hours, or LLM use.",
    invoke_without_command=True,
    no_args_is_help=True,
    subcommand_metavar="[llm ...]",
)
@_estimate_options
@location_options
@json_option
@lang_option_en
@wide_option
@click.pass_context
def estimate_command(ctx: click.Context, /, lang: str, wide: bool, **opts: Any) -> None:
    """Estimate energy and impacts before running, from hardware and hours.

    \b
    algoprint estimate --hours 2 --cpu-cores 8 --cpu-w-per-core 12 --memory-gb 32
    algoprint estimate --hours 10 --gpus 4 --gpu "NVIDIA A100 SXM4 80 GB" \\
        --location DE
    algoprint estimate llm --model gpt-4o-mini --output-tokens 500 \\
        --requests 10000

    Power model of Green Algorithms (Lannelongue et al. 2021): a utilisation that is not
    given is taken as 1.0 (an upper bound) and said. The location comes from the options or
    the config like for `algoprint run`; with only --grid-intensity, no zone is used.
    """
    if ctx.invoked_subcommand is not None:
        if any(v not in (None, False, 0) for v in opts.values()):
            raise InputError(
                "options before 'llm' belong to the hardware estimate",
                hint="put the options after the subcommand: algoprint estimate llm --model ...",
            )
        return
    _run_estimate(lang, wide, **opts)


_ESTIMATE_WORDS = {
    "estimate(hours=2, cpu_cores=8, cpu_power_per_core_w=12)": "--cpu-cores 8 --cpu-w-per-core 12",
    "cpu_power_per_core_w": "--cpu-w-per-core",
    "cpu_tdp_w": "--cpu-tdp",
    "cpu_cores": "--cpu-cores",
    "cpu_model": "--cpu",
    "gpu_power_w": "--gpu-w",
    "gpu_count": "--gpus",
    "gpu_model": "--gpu",
    "lifetime_years": "--lifetime-years",
    "cpu_utilisation": "--cpu-load",
    "gpu_utilisation": "--gpu-load",
    "reserved_hours": "--reserved-hours",
    "device_hours": "--device-hours",
    "energy_kwh": "--energy-kwh",
    "market_intensity_g_per_kwh": "--market-intensity",
    "embodied_kg": "--embodied-kg",
    "uncertainty": "--uncertainty",
    "share": "--share",
    "than hours": "than --hours",
}


def _run_estimate(lang: str, wide: bool, /, **o: Any) -> None:
    hardware = ("cpu_model", "cpu_cores", "cpu_w_per_core", "cpu_tdp", "gpus", "memory_gb")
    given = any(o[k] for k in hardware) or o["device_hours"] or o["energy_kwh"] is not None
    if not given and o["embodied_kg"] is None:
        raise InputError(
            "nothing to estimate: give a CPU, GPUs, memory, --energy-kwh or --embodied-kg",
            hint="e.g. --hours 2 --cpu-cores 8 --cpu-w-per-core 12, --energy-kwh 120, "
            "--gpus 1 --gpu-w 300 --device-hours 500",
        )
    powered = ("cpu_model", "cpu_cores", "cpu_w_per_core", "cpu_tdp", "memory_gb")
    needs_hours = any(o[k] for k in powered) or (o["gpus"] and not o["device_hours"])
    if o["hours"] is None and needs_hours:
        raise InputError("--hours is required", hint="e.g. --hours 2 (wall time of the job)")
    if o["embodied_kg"] is None and o["lifetime_years"] is not None:
        raise InputError("--lifetime-years needs --embodied-kg", hint="e.g. --embodied-kg 1500")
    embodied_kg = parse_kg_range(o["embodied_kg"])
    profile = None
    located = any(o[k] for k in ("location", "cloud", "region", "datacentre"))
    if located or o["grid_intensity"] is None:
        profile = resolve_cli_location(
            _extra(),
            location=o["location"],
            cloud=o["cloud"],
            region=o["region"],
            datacentre=o["datacentre"],
        )
    with cli_words(_ESTIMATE_WORDS):
        result = _estimate(o, profile, embodied_kg)
    doc = result.document

    if o["as_json"]:
        print_json(
            {
                "energy": {
                    "energy_j": result.energy.energy_j,
                    "components": [
                        {
                            "name": c.name,
                            "energy_j": c.energy_j,
                            "low_j": c.interval.low,
                            "high_j": c.interval.high,
                            "uncertainty_rel": c.uncertainty_rel,
                        }
                        for c in result.energy.components
                    ],
                },
                "power_w": result.power_w,
                "embodied_only": result.embodied_only,
                "assumptions": list(result.assumptions),
                **impact_fields(doc, profile),
            }
        )
        return
    console = _console()
    watts = ", ".join(f"{k} {v:.4g} W" for k, v in result.power_w.items())
    place = escape(where_text(profile, lang))
    span = _span(o, result.embodied_only)
    head = "[bold]Schatting[/bold] voor" if lang == "nl" else "[bold]Estimate[/bold] for"
    at = "op" if lang == "nl" else "at"
    console.print(f"{head} {span} {at} {place}: {escape(watts or 'no power')}")
    console.print(impacts_table(doc, lang=lang, wide=wide))
    _print_missing_and_assumptions(console, doc, result.assumptions, lang)
    if not wide:
        console.print(
            "~95 %-intervallen en methoden: --wide"
            if lang == "nl"
            else "~95 % intervals and methods: --wide"
        )


def _span(o: dict[str, Any], embodied_only: bool) -> str:
    parts = []
    if o["hours"] is not None:
        parts.append(f"{o['hours']:g} h powered")
    if o["reserved_hours"] is not None:
        parts.append(f"{o['reserved_hours']:g} h reserved")
    if o["device_hours"] is not None:
        parts.append(f"{o['device_hours']:g} GPU-hours")
    if o["energy_kwh"] is not None:
        parts.append(f"{o['energy_kwh']:g} kWh given")
    if embodied_only:
        parts.append("embodied only")
    return escape(", ".join(parts))


def _estimate(o: dict[str, Any], profile: Any, embodied_kg: Any) -> Any:
    from algoprint.impact.estimate import estimate

    return estimate(
        hours=o["hours"],
        cpu_model=o["cpu_model"],
        cpu_cores=o["cpu_cores"],
        cpu_power_per_core_w=o["cpu_w_per_core"],
        cpu_tdp_w=o["cpu_tdp"],
        cpu_utilisation=o["cpu_load"],
        gpu_model=o["gpu_model"],
        gpu_count=o["gpus"],
        gpu_power_w=o["gpu_w"],
        gpu_utilisation=o["gpu_load"],
        memory_gb=o["memory_gb"],
        memory_w_per_gb=o["memory_w_per_gb"],
        pue=o["pue"] if o["pue"] is not None else (profile.pue if profile else None),
        location=profile.zone if profile else None,
        grid_intensity_g_per_kwh=o["grid_intensity"],
        wue_l_per_kwh=(
            o["wue"]
            if o["wue"] is not None
            else (profile.wue_onsite_l_per_kwh if profile else None)
        ),
        contract=o["contract"] or (profile.contract if profile else None),
        year=o["year"] or (profile.year if profile else None),
        embodied_kg=embodied_kg,
        lifetime_years=o["lifetime_years"],
        units=o["units"],
        share=o["share"],
        reserved_hours=o["reserved_hours"],
        device_hours=o["device_hours"],
        energy_kwh=o["energy_kwh"],
        market_intensity_g_per_kwh=(
            o["market_intensity"]
            if o["market_intensity"] is not None
            else (profile.market_g_per_kwh if profile else None)
        ),
        uncertainty=o["uncertainty"],
        server_year=o["server_year"],
    )


def _print_missing_and_assumptions(
    console: Console, doc: Any, assumptions: Sequence[str], lang: str = "en"
) -> None:
    nl = lang == "nl"
    by_reason: dict[str, list[str]] = {}
    for key, reason in doc.missing.items():
        if not key.startswith("factor:"):
            by_reason.setdefault(reason, []).append(key)
    for reason, keys in by_reason.items():
        head = "niet berekend" if nl else "not computed"
        console.print(f"{head}: {', '.join(keys)}: {reason}", markup=False)
    seen: list[str] = []
    for line in [*assumptions, *doc.defaults, *doc.notes]:
        if line not in seen:
            seen.append(line)
    if seen:
        console.print("aannames:" if nl else "assumptions:")
        for line in seen:
            console.print(f"  - {line}", markup=False)


@estimate_command.command("llm")
@click.option("--model", required=True, metavar="NAME", help="Model name or alias (EcoLogits).")
@click.option(
    "--output-tokens",
    type=bounded_int(1, 10_000_000),
    required=True,
    metavar="N",
    help="Generated tokens per request.",
)
@click.option("--requests", type=bounded_int(1, 10**12), default=1, show_default=True, metavar="N")
@click.option("--provider", metavar="NAME", help="Provider when the name is shared (openai, ...).")
@click.option(
    "--location",
    "--zone",
    "location",
    metavar="ZONE",
    help="Datacentre zone (ISO code); default: the provider's zone in EcoLogits.",
)
@click.option("--pue", type=PUE, help="Override the provider's PUE.")
@click.option("--wue", type=bounded_float(0, 100, unit="L/kWh"), metavar="L_PER_KWH")
@click.option(
    "--latency-s",
    type=bounded_float(0, 86_400, min_open=True, unit="s"),
    help="Measured request latency.",
)
@click.option("--year", type=YEAR, help="Year of the grid factor.")
@json_option
@lang_option_en
@wide_option
def estimate_llm_command(
    model: str,
    output_tokens: int,
    requests: int,
    provider: str | None,
    location: str | None,
    pue: float | None,
    wue: float | None,
    latency_s: float | None,
    year: int | None,
    as_json: bool,
    lang: str,
    wide: bool,
) -> None:
    """Estimate the impacts of using a hosted LLM (EcoLogits method).

    Per request and for all --requests: energy, CO2e, water and the embodied share of the
    GPUs, with intervals from the model's parameter range. List models with
    `algoprint factors --kind llm`.
    """
    from algoprint.impact.llm import estimate_llm

    words = {
        "llm_models()": "algoprint factors --kind llm",
        "location='NL'": "--location NL",
        "output_tokens": "--output-tokens",
    }
    with cli_words(words):
        est = estimate_llm(
            model=model,
            output_tokens=output_tokens,
            requests=requests,
            provider=provider,
            location=location,
            pue=pue,
            wue_l_per_kwh=wue,
            request_latency_s=latency_s,
            year=year,
        )
    if as_json:
        print_json(
            {
                "model": est.model,
                "provider": est.provider,
                "requests": est.requests,
                "output_tokens": output_tokens,
                "assumptions": list(est.assumptions),
                "modelled": {
                    "low": dataclasses.asdict(est.low),
                    "central": dataclasses.asdict(est.central),
                    "high": dataclasses.asdict(est.high),
                },
                "per_request": est.per_request.to_dict(),
                "total": est.total.to_dict(),
            }
        )
        return
    console = _console()
    n, tokens = _format.integer(est.requests, lang), _format.integer(output_tokens, lang)
    line = (
        f"{n} verzoek(en) van {tokens} uitvoertokens, {est.central.gpu_count} GPU('s) per verzoek"
        if lang == "nl"
        else f"{n} request(s) of {tokens} output tokens, {est.central.gpu_count} GPU(s) per request"
    )
    console.print(f"[bold]{est.provider}/{est.model}[/bold]: {line}")
    keys = (
        "energy_facility_j",
        "co2e_location_g",
        "co2e_market_g",
        "water_l",
        "embodied_gwp_g",
        "co2e_total_g",
    )
    per = est.per_request
    nl = lang == "nl"
    heads = ["impact", "per verzoek" if nl else "per request", f"{'totaal' if nl else 'total'}"]
    heads[2] += f" ({_format.integer(est.requests, lang)})"
    if wide:
        heads[2:2] = ["~95 %-interval" if nl else "~95 % interval"]
        heads.append("interval")
    table = Table(show_edge=False, pad_edge=False)
    for h in heads:
        table.add_column(h, justify="left" if h == "impact" else "right")
    from algoprint.cli._format import label
    from algoprint.report.labels import IMPACT_LABELS

    for key in keys:
        a, b = per.impacts.get(key), est.total.impacts.get(key)
        if a is None or b is None:
            continue
        cells = [label(IMPACT_LABELS, key, lang), _format.quantity(a.value, a.unit, lang)]
        if wide:
            cells.append(interval(a.value, a.low, a.high, a.unit, lang))
        cells.append(_format.quantity(b.value, b.unit, lang))
        if wide:
            cells.append(interval(b.value, b.low, b.high, b.unit, lang))
        table.add_row(*cells)
    console.print(table)
    _print_missing_and_assumptions(console, est.total, est.assumptions, lang)
