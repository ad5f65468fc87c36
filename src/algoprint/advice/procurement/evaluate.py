"""Score suppliers' questionnaire answers side by side (Algoritmekader owp-12).

:func:`evaluate_suppliers` reads each supplier's filled-in questionnaire
(:func:`~algoprint.advice.procurement.questionnaire.read_answers`), flags answers that are
missing, implausible (outside the physical range, inconsistent with each other, or an energy per
request far from the EcoLogits estimate for the declared model) or unverifiable (no evidence
link or date, or evidence older than a year), and scores each category from 0 to 100. The
scoring is a transparent default (docs/procurement.md): a tender must publish its own award
criteria beforehand, so use these scores to prepare and check, not as the award itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from algoprint.advice._greenwash import DatacentreClaims, Flag, check_greenwashing
from algoprint.advice.procurement.questionnaire import (
    Answer,
    Question,
    SupplierAnswers,
    check_kind,
    questions,
    read_answers,
)
from algoprint.errors import ImpactError, InputError
from algoprint.records import AnalysisRecord

__all__ = [
    "CONSISTENCY_FACTOR",
    "EVIDENCE_MAX_AGE_DAYS",
    "LLM_PLAUSIBILITY_FACTOR",
    "UNVERIFIED_SCORE_SHARE",
    "EvaluationResult",
    "SupplierEvaluation",
    "evaluate_suppliers",
]

#: An energy per request more than this factor outside the EcoLogits interval is implausible.
LLM_PLAUSIBILITY_FACTOR = 3.0
#: Figures that should agree (CO2e vs energy × grid, energy per transaction vs totals) may
#: differ by this factor before they are flagged as inconsistent.
CONSISTENCY_FACTOR = 2.0
EVIDENCE_MAX_AGE_DAYS = 365
#: Share of a question's score kept when its evidence is missing or stale.
UNVERIFIED_SCORE_SHARE = 0.5
#: A supplier with any error flag (impossible or inconsistent figures) scores at most this total:
#: an internally inconsistent answer set must not outscore an honest one.
ERROR_SCORE_CAP = 50.0
#: Energy Reuse Factor above this is implausible for a datacentre (algoprint's assumption:
#: heat reuse of most of the energy needs a dedicated heat network, to be shown with evidence).
ERF_PLAUSIBLE_MAX = 0.8
#: Component lifetime above this (years) is implausible for servers and storage.
LIFETIME_PLAUSIBLE_MAX_YEARS = 10.0
#: The PUE range used around a dense-model estimate when only a parameter count is given.
PUE_RANGE = (1.0, 2.0)
_GREENWASH_CODES = {"pue-dcie-mismatch", "dcie-below-50", "market-only-green", "eed-report-missing"}
_CATEGORY_NAMES = {
    "reporting": ("Rapportage", "Reporting"),
    "kpi": ("KPI's", "KPIs"),
    "certification": ("Certificering", "Certification"),
    "consideration": ("Overwegingen", "Considerations"),
    "social": ("Sociaal", "Social"),
}


class AnalysisStore(Protocol):
    """Anything with ``save_analysis(record)`` (the run store)."""

    def save_analysis(self, record: AnalysisRecord) -> Any:
        """Persist ``record``."""


@dataclass(slots=True)
class SupplierEvaluation:
    """One supplier's scores and flags.

    Attributes:
        supplier / path: the supplier's name (``supplier_name``, else the file name) and file.
        scores: category → score 0..100 (``None``: no scored question in that category).
        total: weighted score over all scored questions, 0..100.
        flags: every finding (``missing``, ``implausible``, ``unverifiable``, ...).
        question_scores: question id → score 0..1 after evidence discount.
    """

    supplier: str
    path: str
    scores: dict[str, float | None]
    total: float | None
    flags: list[Flag] = field(default_factory=list)
    question_scores: dict[str, float] = field(default_factory=dict)

    def codes(self) -> set[str]:
        """The flag codes raised for this supplier."""
        return {f.code for f in self.flags}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "supplier": self.supplier,
            "path": self.path,
            "scores": dict(self.scores),
            "total": self.total,
            "question_scores": dict(self.question_scores),
            "flags": [f.to_dict() for f in self.flags],
        }


@dataclass(slots=True)
class EvaluationResult:
    """Suppliers side by side, best total first."""

    kind: str
    suppliers: list[SupplierEvaluation]
    today: dt.date

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the ``result`` of the stored analysis)."""
        return {
            "kind": self.kind,
            "date": self.today.isoformat(),
            "categories": list(_CATEGORY_NAMES),
            "suppliers": [s.to_dict() for s in self.suppliers],
            "scoring": "default algoprint scoring (docs/procurement.md)",
        }

    def render(self, lang: str = "en") -> list[str]:
        """A side-by-side table (score per category, total, flag counts), then the flags."""
        nl = lang == "nl"
        names = [s.supplier[:16] for s in self.suppliers]
        lines = [f"{'Categorie' if nl else 'Category':<16}" + "".join(f"{n:>18}" for n in names)]
        for cat, (cat_nl, cat_en) in _CATEGORY_NAMES.items():
            cells = [s.scores.get(cat) for s in self.suppliers]
            lines.append(
                f"{cat_nl if nl else cat_en:<16}" + "".join(f"{_pct(c):>18}" for c in cells)
            )
        lines.append(
            f"{'Totaal' if nl else 'Total':<16}"
            + "".join(f"{_pct(s.total):>18}" for s in self.suppliers)
        )
        for sev, (sev_nl, sev_en) in {
            "error": ("fouten", "errors"),
            "warning": ("waarschuwingen", "warnings"),
        }.items():
            counts = [sum(f.severity == sev for f in s.flags) for s in self.suppliers]
            lines.append(f"{sev_nl if nl else sev_en:<16}" + "".join(f"{c:>18}" for c in counts))
        for s in self.suppliers:
            lines += ["", f"{s.supplier}:"]
            lines += [
                f"  [{f.severity}] {f.code} {f.field or ''}: {f.message(lang)}" for f in s.flags
            ]
            if not s.flags:
                lines.append("  " + ("geen signaleringen" if nl else "no flags"))
        return lines

    def to_analysis(self, algorithm: str | None) -> AnalysisRecord:
        """The ``procurement-evaluation`` analysis record (evidence for owp-12)."""
        best = self.suppliers[0] if self.suppliers else None
        if best is None or best.total is None:
            en, nl = "No supplier could be scored.", "Geen inschrijver te beoordelen."
        else:
            n_flags = sum(len(s.flags) for s in self.suppliers)
            en = (
                f"{len(self.suppliers)} supplier(s) evaluated; highest score {best.supplier} "
                f"({best.total:.0f}/100); {n_flags} flag(s)."
            )
            nl = (
                f"{len(self.suppliers)} inschrijver(s) beoordeeld; hoogste score {best.supplier} "
                f"({best.total:.0f}/100); {n_flags} signalering(en)."
            )
        return AnalysisRecord(
            kind="procurement-evaluation",
            algorithm=algorithm,
            title=f"Supplier evaluation ({self.kind}, {len(self.suppliers)} suppliers)",
            result=self.to_dict(),
            summary_en=en,
            summary_nl=nl,
        )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


# --------------------------------------------------------------------------- rules

_FlagFn = Callable[[str, str, str | None, str, str], None]


def _base_score(q: Question, value: Any) -> float:
    if q.type == "bool":
        return 1.0 if value else 0.0
    if q.type == "number" and q.bands:
        for threshold, score in q.bands:
            if (q.direction == "higher" and value >= threshold) or (
                q.direction != "higher" and value <= threshold
            ):
                return score
        return 0.0
    return 1.0


def _range_ok(q: Question, a: Answer, flag: _FlagFn) -> bool:
    v = a.value
    if q.type != "number" or not isinstance(v, float):
        return True
    low_bad = q.min is not None and v < q.min
    high_bad = q.max is not None and v > q.max
    if not (low_bad or high_bad):
        return True
    bound = f">= {q.min:g}" if low_bad else f"<= {q.max:g}"
    why = {
        "pue": "PUE = facility energy / IT energy cannot be below 1",
        "dcie": "DCiE = IT energy / facility energy cannot exceed 1",
        "ref": "REF is a share of the energy, at most 1 (above 1 counts certificates twice)",
        "erf": "ERF is a share of the energy, at most 1",
    }.get(q.id, f"{q.id} must be {bound} {q.unit}")
    flag(
        "implausible",
        "error",
        q.id,
        f"{a.where}: {q.id} = {v:g} {q.unit} is impossible ({why}).",
        f"{a.where}: {q.id} = {v:g} {q.unit} is onmogelijk ({q.id} moet {bound} zijn).",
    )
    return False


def _evidence_ok(q: Question, a: Answer, flag: _FlagFn, today: dt.date) -> bool:
    if not q.evidence:
        return True
    if not a.evidence_url or a.evidence_date is None:
        lacks = (
            "link and date"
            if not a.evidence_url and a.evidence_date is None
            else ("link" if not a.evidence_url else "date")
        )
        lacks_nl = {"link and date": "link en datum", "link": "link", "date": "datum"}[lacks]
        flag(
            "unverifiable",
            "warning",
            q.id,
            f"{a.where}: {q.id} is answered without evidence {lacks}.",
            f"{a.where}: {q.id} is beantwoord zonder {lacks_nl} van de onderbouwing.",
        )
        return False
    age = (today - a.evidence_date).days
    if age > EVIDENCE_MAX_AGE_DAYS:
        flag(
            "unverifiable",
            "warning",
            q.id,
            f"{a.where}: the evidence for {q.id} is dated {a.evidence_date}, more than a year ago.",
            f"{a.where}: de onderbouwing van {q.id} is van {a.evidence_date}, meer dan een jaar "
            "geleden.",
        )
        return False
    if age < 0:
        flag(
            "unverifiable",
            "warning",
            q.id,
            f"{a.where}: the evidence for {q.id} is dated in the future ({a.evidence_date}).",
            f"{a.where}: de onderbouwing van {q.id} is gedateerd in de toekomst "
            f"({a.evidence_date}).",
        )
        return False
    return True


def _num(s: SupplierAnswers, qid: str) -> float | None:
    v = s.value(qid)
    return v if isinstance(v, float) else None


def _outside(value: float, low: float, high: float, factor: float) -> bool:
    return value < low / factor or value > high * factor


def _llm_interval(
    s: SupplierAnswers, flag: _FlagFn, today: dt.date
) -> tuple[float, float, str] | None:
    tokens = _num(s, "tokens_per_request")
    if tokens is None or tokens < 1:
        return None
    name, params = s.value("model_name"), _num(s, "model_params_b")
    if isinstance(name, str) and name:
        from algoprint.impact.llm import estimate_llm

        try:
            est = estimate_llm(model=name, output_tokens=round(tokens), year=today.year)
            e = est.per_request.impacts["energy_facility_j"]
            return e.low / 3600, e.high / 3600, f"EcoLogits estimate for {est.model}"
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
        return it_wh * PUE_RANGE[0], it_wh * PUE_RANGE[1], f"dense {params:g}B model, PUE 1-2"
    return None


def _cross_checks(s: SupplierAnswers, kind: str, flag: _FlagFn, today: dt.date) -> set[str]:
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
    declared = _num(s, "energy_per_request_wh")
    if kind == "ai-model" and declared is not None:
        found = _llm_interval(s, flag, today)
        if found is not None and _outside(declared, found[0], found[1], LLM_PLAUSIBILITY_FACTOR):
            low, high, basis = found
            bad.add("energy_per_request_wh")
            flag(
                "implausible",
                "error",
                "energy_per_request_wh",
                f"{declared:g} Wh per request is more than a factor {LLM_PLAUSIBILITY_FACTOR:g} "
                f"outside {low:.3g}-{high:.3g} Wh ({basis}, {s.value('tokens_per_request'):g} "
                "tokens): ask the supplier how it was measured.",
                f"{declared:g} Wh per verzoek ligt meer dan een factor "
                f"{LLM_PLAUSIBILITY_FACTOR:g} buiten {low:.3g}-{high:.3g} Wh ({basis}): vraag "
                "de inschrijver hoe dit is gemeten.",
            )
    kwh, n = _num(s, "energy_kwh"), _num(s, "requests")
    for qid in ("energy_per_transaction_wh", "energy_per_request_wh"):
        per = _num(s, qid)
        if per is None or not kwh or not n:
            continue
        implied = kwh * 1000 / n
        if _outside(per, implied, implied, CONSISTENCY_FACTOR):
            bad.add(qid)
            flag(
                "inconsistent",
                "error",
                qid,
                f"{qid} = {per:g} Wh, but energy_kwh / requests gives {implied:.3g} Wh "
                f"(more than a factor {CONSISTENCY_FACTOR:g} apart): the answers contradict "
                "each other.",
                f"{qid} = {per:g} Wh, maar energy_kwh / requests geeft {implied:.3g} Wh (meer "
                f"dan een factor {CONSISTENCY_FACTOR:g} verschil): de antwoorden spreken "
                "elkaar tegen.",
            )
    bad |= _implausible_caps(s, flag) | _model_and_enums(s, flag)
    co2e, zone = _num(s, "co2e_location_kg"), s.value("grid_zone")
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
                    f"{co2e:g} kg location-based CO2e, but {kwh:g} kWh on the {zone} grid "
                    f"({grid:.0f} g/kWh) gives {expected:.3g} kg.",
                    f"{co2e:g} kg location-based CO2e, maar {kwh:g} kWh op het net van {zone} "
                    f"({grid:.0f} g/kWh) geeft {expected:.3g} kg.",
                )
    return bad


MEASUREMENT_METHODS = ("counter", "power-integration", "model", "allocation")
"""The answers ``measurement_method`` accepts (the methods of the run record)."""


def _model_and_enums(s: SupplierAnswers, flag: _FlagFn) -> set[str]:
    """The model name against the declared parameter count, and the enumerations."""
    bad: set[str] = set()
    name, params = s.value("model_name"), _num(s, "model_params_b")
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
                f"{params:g} billion parameters, but {m.name} has "
                f"{m.total_params_b_min:g}-{m.total_params_b_max:g} billion (EcoLogits "
                "catalogue): the model name and the parameter count do not match.",
                f"{params:g} miljard parameters, maar {m.name} heeft "
                f"{m.total_params_b_min:g}-{m.total_params_b_max:g} miljard (EcoLogits-"
                "catalogus): modelnaam en aantal parameters passen niet bij elkaar.",
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
    for qid, limit, unit in (
        ("erf", ERF_PLAUSIBLE_MAX, ""),
        ("component_lifetime_years", LIFETIME_PLAUSIBLE_MAX_YEARS, " years"),
    ):
        value = _num(s, qid)
        if value is not None and value > limit:
            bad.add(qid)
            flag(
                "implausible",
                "warning",
                qid,
                f"{qid} = {value:g}{unit} is above the plausible {limit:g}{unit}: it scores "
                "nothing until the supplier shows evidence.",
                f"{qid} = {value:g}{unit} ligt boven het aannemelijke {limit:g}{unit}: dit "
                "levert geen punten op tot de inschrijver het onderbouwt.",
            )
    return bad


def _greenwash(s: SupplierAnswers, flag: _FlagFn, today: dt.date) -> set[str]:
    zone = s.value("grid_zone")
    basis = s.value("renewable_basis")
    basis_key = basis.strip().lower() if isinstance(basis, str) else None
    grid = None
    if isinstance(zone, str):
        from algoprint.impact import factors

        try:
            grid = factors.grid_intensity(zone).value
        except ImpactError:
            grid = None
    claims = DatacentreClaims(
        name=s.supplier,
        zone=zone.upper() if isinstance(zone, str) else None,
        pue=_num(s, "pue"),
        dcie=_num(s, "dcie"),
        ref=_num(s, "ref"),
        renewable_basis=basis_key,
        it_power_kw=_num(s, "it_power_kw"),
        eed_report_url=str(s.value("eed_report_url") or "") or None,
        grid_g_per_kwh=grid,
    )
    bad: set[str] = set()
    for f in check_greenwashing(claims, today=today):
        if f.code in _GREENWASH_CODES:
            flag(f.code, f.severity, f.field, f.message_en, f.message_nl)
            if f.code == "pue-dcie-mismatch":
                bad |= {"pue", "dcie"}
    return bad


def _evaluate(s: SupplierAnswers, kind: str, today: dt.date) -> SupplierEvaluation:
    flags: list[Flag] = []

    def flag(code: str, severity: str, fld: str | None, en: str, nl: str) -> None:
        flags.append(Flag(code, severity, s.supplier, en, nl, fld))

    asked = questions(kind)
    bad = _cross_checks(s, kind, flag, today) | _greenwash(s, flag, today)
    scores: dict[str, float] = {}
    for q in asked:
        a = s.answers.get(q.id)
        if a is None or a.value is None:
            if q.required:
                where = a.where if a is not None else "not in the file"
                flag(
                    "missing",
                    "warning",
                    q.id,
                    f"{where}: required question {q.id} is not answered.",
                    f"{where}: verplichte vraag {q.id} is niet beantwoord.",
                )
            scores[q.id] = 0.0
            continue
        if not _range_ok(q, a, flag) or q.id in bad:
            scores[q.id] = 0.0
            continue
        score = _base_score(q, a.value)
        if not _evidence_ok(q, a, flag, today):
            score *= UNVERIFIED_SCORE_SHARE
        scores[q.id] = score
    by_cat: dict[str, float | None] = {}
    total_w = total_s = 0.0
    for cat in _CATEGORY_NAMES:
        qs = [q for q in asked if q.category == cat and q.weight > 0]
        weight = sum(q.weight for q in qs)
        got = sum(q.weight * scores[q.id] for q in qs)
        by_cat[cat] = 100 * got / weight if weight else None
        total_w, total_s = total_w + weight, total_s + got
    total = 100 * total_s / total_w if total_w else None
    if total is not None and total > ERROR_SCORE_CAP and any(f.severity == "error" for f in flags):
        flags.append(
            Flag(
                "score-capped", "error", s.supplier,
                f"the total is capped at {ERROR_SCORE_CAP:g} (was {total:.0f}) because of the "
                "errors above: correct the answers first.",
                f"de totaalscore is begrensd op {ERROR_SCORE_CAP:g} (was {total:.0f}) door de "
                "fouten hierboven: corrigeer eerst de antwoorden.",
                None,
            )
        )  # fmt: skip
        total = ERROR_SCORE_CAP
    return SupplierEvaluation(s.supplier, s.path, by_cat, total, flags, scores)


def evaluate_suppliers(
    paths: Sequence[str | Path],
    *,
    kind: str,
    today: dt.date | None = None,
    store: AnalysisStore | None = None,
    algorithm: str | None = None,
) -> EvaluationResult:
    """Evaluate one or more suppliers' questionnaires for tender type ``kind``.

    Args:
        paths: the filled-in questionnaires (CSV, JSON or XLSX), one per supplier.
        kind: tender type (decides which questions are asked and scored).
        today: reference date for evidence age (default today; pass it for reproducibility).
        store: when given with ``algorithm``, the analysis is saved with ``save_analysis``.
        algorithm: slug of the algorithm the analysis is evidence for.

    Returns:
        The suppliers, highest total first.

    Raises:
        InputError: no files, unknown kind, a malformed questionnaire (names row and field),
            two files with the same supplier name.
    """
    key = check_kind(kind)
    if not paths:
        raise InputError("no questionnaires given", hint="pass one file per supplier")
    day = today or dt.date.today()
    answers = [read_answers(p) for p in paths]
    names = [a.supplier for a in answers]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(
            f"supplier name(s) given in more than one file: {', '.join(dup)}",
            hint="fill in supplier_name differently in each questionnaire",
        )
    evaluated = [_evaluate(a, key, day) for a in answers]
    evaluated.sort(key=lambda e: (e.total is None, -(e.total or 0.0), e.supplier))
    result = EvaluationResult(key, evaluated, day)
    if store is not None and algorithm is not None:
        store.save_analysis(result.to_analysis(algorithm))
    return result
