"""Checks across a supplier's answers (``procure evaluate``): an energy per request far from
the EcoLogits estimate, totals that contradict the per-request figures, CO2e that does not fit
energy × grid, a model name that does not fit the parameter count, an unknown measurement
method, and implausible ERF or component lifetimes.

Each rule reports through the ``flag`` callback with an English and a Dutch message; numbers go
through :func:`algoprint.advice._greenwash_more.value` (the language's separators, never an
exponent).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from algoprint.advice._greenwash_more import value as fmt
from algoprint.advice.procurement.questionnaire import SupplierAnswers
from algoprint.errors import ImpactError

__all__ = [
    "CONSISTENCY_FACTOR",
    "ERF_PLAUSIBLE_MAX",
    "LIFETIME_PLAUSIBLE_MAX_YEARS",
    "LLM_PLAUSIBILITY_FACTOR",
    "MEASUREMENT_METHODS",
    "PUE_RANGE",
    "cross_checks",
    "num",
]

_FlagFn = Callable[[str, str, str | None, str, str], None]

#: An energy per request more than this factor outside the EcoLogits interval is implausible.
LLM_PLAUSIBILITY_FACTOR = 3.0
#: Figures that should agree (CO2e vs energy × grid, energy per transaction vs totals) may
#: differ by this factor before they are flagged as inconsistent.
CONSISTENCY_FACTOR = 2.0
#: Energy Reuse Factor above this is implausible for a datacentre (algoprint's assumption:
#: heat reuse of most of the energy needs a dedicated heat network, to be shown with evidence).
ERF_PLAUSIBLE_MAX = 0.8
#: Component lifetime above this (years) is implausible for servers and storage.
LIFETIME_PLAUSIBLE_MAX_YEARS = 10.0
#: The PUE range used around a dense-model estimate when only a parameter count is given.
PUE_RANGE = (1.0, 2.0)


def _sig(v: float, lang: str) -> str:
    """Three significant digits in ``lang`` (``3.070`` kg in Dutch, never ``3.07e+03``)."""
    from algoprint._format import number

    return number(v, lang)


def num(s: SupplierAnswers, qid: str) -> float | None:
    """The numeric answer to ``qid``, else ``None``."""
    v = s.value(qid)
    return v if isinstance(v, float) else None


def _outside(value: float, low: float, high: float, factor: float) -> bool:
    return value < low / factor or value > high * factor


def _llm_interval(
    s: SupplierAnswers, flag: _FlagFn, today: dt.date
) -> tuple[float, float, str, str] | None:
    """The plausible energy per request (Wh, low and high) and its basis in English and
    Dutch, from the EcoLogits catalogue model or a dense model of the declared size."""
    tokens = num(s, "tokens_per_request")
    if tokens is None or tokens < 1:
        return None
    name, params = s.value("model_name"), num(s, "model_params_b")
    if isinstance(name, str) and name:
        from algoprint.impact.llm import estimate_llm

        try:
            est = estimate_llm(model=name, output_tokens=round(tokens), year=today.year)
            e = est.per_request.impacts["energy_facility_j"]
            return (
                e.low / 3600,
                e.high / 3600,
                f"EcoLogits estimate for {est.model}",
                f"EcoLogits-schatting voor {est.model}",
            )
        except ImpactError as err:
            if params is None:
                flag(
                    "model-unknown",
                    "info",
                    "model_name",
                    f"model {name!r} is not in the EcoLogits catalogue ({err.message}) and no "
                    "parameter count is given: the energy per request cannot be checked.",
                    f"model {name!r} staat niet in de EcoLogits-catalogus en het aantal "
                    "parameters ontbreekt: de energie per verzoek is niet te controleren.",
                )
    if params is not None and params > 0:
        from algoprint.impact.llm import model_request

        it_wh = (
            model_request(
                active_params_b=params, total_params_b=params, output_tokens=round(tokens)
            ).it_energy_j
            / 3600
        )
        return (
            it_wh * PUE_RANGE[0],
            it_wh * PUE_RANGE[1],
            f"dense {fmt(params)}B model, PUE 1-2",
            f"dicht model van {fmt(params, 'nl')} miljard parameters, PUE 1-2",
        )
    return None


def cross_checks(s: SupplierAnswers, kind: str, flag: _FlagFn, today: dt.date) -> set[str]:
    """Checks across answers; returns the ids found implausible."""
    bad: set[str] = set()
    start, end = s.value("period_start"), s.value("period_end")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        bad.add("period_end")
        flag(
            "implausible",
            "error",
            "period_end",
            f"the period ends ({end}) before it starts ({start}).",
            f"de periode eindigt ({end}) voordat die begint ({start}).",
        )
    declared = num(s, "energy_per_request_wh")
    if kind == "ai-model" and declared is not None:
        found = _llm_interval(s, flag, today)
        if found is not None and _outside(declared, found[0], found[1], LLM_PLAUSIBILITY_FACTOR):
            low, high, basis, basis_nl = found
            bad.add("energy_per_request_wh")
            flag(
                "implausible",
                "error",
                "energy_per_request_wh",
                f"{fmt(declared)} Wh per request is more than a factor "
                f"{fmt(LLM_PLAUSIBILITY_FACTOR)} outside {_sig(low, 'en')}-{_sig(high, 'en')} Wh "
                f"({basis}, {fmt(s.value('tokens_per_request'))} tokens): ask the supplier how it "
                "was measured.",
                f"{fmt(declared, 'nl')} Wh per verzoek ligt meer dan een factor "
                f"{fmt(LLM_PLAUSIBILITY_FACTOR, 'nl')} buiten {_sig(low, 'nl')}-{_sig(high, 'nl')} "
                f"Wh ({basis_nl}, {fmt(s.value('tokens_per_request'), 'nl')} tokens): vraag de "
                "inschrijver hoe dit is gemeten.",
            )
    kwh, n = num(s, "energy_kwh"), num(s, "requests")
    for qid in ("energy_per_transaction_wh", "energy_per_request_wh"):
        per = num(s, qid)
        if per is None or not kwh or not n:
            continue
        implied = kwh * 1000 / n
        if _outside(per, implied, implied, CONSISTENCY_FACTOR):
            bad.add(qid)
            flag(
                "inconsistent",
                "error",
                qid,
                f"{qid} = {fmt(per)} Wh, but energy_kwh / requests gives {_sig(implied, 'en')} "
                f"Wh (more than a factor {fmt(CONSISTENCY_FACTOR)} apart): the answers "
                "contradict each other.",
                f"{qid} = {fmt(per, 'nl')} Wh, maar energy_kwh / requests geeft "
                f"{_sig(implied, 'nl')} Wh (meer dan een factor {fmt(CONSISTENCY_FACTOR, 'nl')} "
                "verschil): de antwoorden spreken elkaar tegen.",
            )
    bad |= _implausible_caps(s, flag) | _model_and_enums(s, flag)
    co2e, zone = num(s, "co2e_location_kg"), s.value("grid_zone")
    if co2e is not None and kwh and isinstance(zone, str):
        from algoprint.impact import factors

        try:
            grid = factors.grid_intensity(zone, today.year).value
        except ImpactError:
            flag(
                "unverifiable",
                "warning",
                "grid_zone",
                f"grid_zone {zone!r} is not a known country code: CO2e cannot be checked.",
                f"grid_zone {zone!r} is geen bekende landcode: CO2e is niet te controleren.",
            )
        else:
            expected = kwh * grid / 1000
            if expected > 0 and _outside(co2e, expected, expected, CONSISTENCY_FACTOR):
                flag(
                    "inconsistent",
                    "warning",
                    "co2e_location_kg",
                    f"{fmt(co2e)} kg location-based CO2e, but {fmt(kwh)} kWh on the {zone} grid "
                    f"({_sig(grid, 'en')} g/kWh) gives {_sig(expected, 'en')} kg.",
                    f"{fmt(co2e, 'nl')} kg locatiegebonden CO2e, maar {fmt(kwh, 'nl')} kWh op "
                    f"het net van {zone} ({_sig(grid, 'nl')} g/kWh) geeft "
                    f"{_sig(expected, 'nl')} kg.",
                )
    return bad


MEASUREMENT_METHODS = ("counter", "power-integration", "model", "allocation")
"""The answers ``measurement_method`` accepts (the methods of the run record)."""


def _model_and_enums(s: SupplierAnswers, flag: _FlagFn) -> set[str]:
    """The model name against the declared parameter count, and the enumerations."""
    bad: set[str] = set()
    name, params = s.value("model_name"), num(s, "model_params_b")
    if isinstance(name, str) and name and params is not None and params > 0:
        from algoprint.impact import factors

        try:
            m = factors.llm_model(name, None)
        except ImpactError:
            m = None
        if m is not None and _outside(
            params, m.total_params_b_min, m.total_params_b_max, CONSISTENCY_FACTOR
        ):
            bad.add("model_params_b")
            flag(
                "inconsistent",
                "error",
                "model_params_b",
                f"{fmt(params)} billion parameters, but {m.name} has "
                f"{fmt(m.total_params_b_min)}-{fmt(m.total_params_b_max)} billion (EcoLogits "
                "catalogue): the model name and the parameter count do not match.",
                f"{fmt(params, 'nl')} miljard parameters, maar {m.name} heeft "
                f"{fmt(m.total_params_b_min, 'nl')}-{fmt(m.total_params_b_max, 'nl')} miljard "
                "(EcoLogits-catalogus): modelnaam en aantal parameters passen niet bij elkaar.",
            )
    method = s.value("measurement_method")
    if isinstance(method, str) and method.strip().lower() not in MEASUREMENT_METHODS:
        bad.add("measurement_method")
        flag(
            "invalid-choice",
            "warning",
            "measurement_method",
            f"measurement_method {method!r} is not one of {', '.join(MEASUREMENT_METHODS)}.",
            f"measurement_method {method!r} is niet een van {', '.join(MEASUREMENT_METHODS)}.",
        )
    return bad


def _implausible_caps(s: SupplierAnswers, flag: _FlagFn) -> set[str]:
    """An implausibly high ERF or component lifetime scores nothing for that question."""
    bad: set[str] = set()
    for qid, limit, unit, unit_nl in (
        ("erf", ERF_PLAUSIBLE_MAX, "", ""),
        ("component_lifetime_years", LIFETIME_PLAUSIBLE_MAX_YEARS, " years", " jaar"),
    ):
        value = num(s, qid)
        if value is not None and value > limit:
            bad.add(qid)
            flag(
                "implausible",
                "warning",
                qid,
                f"{qid} = {fmt(value)}{unit} is above the plausible {fmt(limit)}{unit}: it "
                "scores nothing until the supplier shows evidence.",
                f"{qid} = {fmt(value, 'nl')}{unit_nl} ligt boven het aannemelijke "
                f"{fmt(limit, 'nl')}{unit_nl}: dit levert geen punten op tot de inschrijver het "
                "onderbouwt.",
            )
    return bad
