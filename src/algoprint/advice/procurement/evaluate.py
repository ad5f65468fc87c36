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
from algoprint.advice._greenwash_more import flag_lines
from algoprint.advice._greenwash_more import value as fmt
from algoprint.advice.procurement._checks import (
    CONSISTENCY_FACTOR,
    ERF_PLAUSIBLE_MAX,
    LIFETIME_PLAUSIBLE_MAX_YEARS,
    LLM_PLAUSIBILITY_FACTOR,
    MEASUREMENT_METHODS,
    PUE_RANGE,
    cross_checks,
    num,
)
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
    "ERF_PLAUSIBLE_MAX",
    "EVIDENCE_MAX_AGE_DAYS",
    "LIFETIME_PLAUSIBLE_MAX_YEARS",
    "LLM_PLAUSIBILITY_FACTOR",
    "MEASUREMENT_METHODS",
    "PUE_RANGE",
    "UNVERIFIED_SCORE_SHARE",
    "EvaluationResult",
    "SupplierEvaluation",
    "evaluate_suppliers",
]

EVIDENCE_MAX_AGE_DAYS = 365
#: Share of a question's score kept when its evidence is missing or stale.
UNVERIFIED_SCORE_SHARE = 0.5
#: A supplier with any error flag (impossible or inconsistent figures) scores at most this total:
#: an internally inconsistent answer set must not outscore an honest one.
ERROR_SCORE_CAP = 50.0
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
            for f in s.flags:
                lines += flag_lines(f, lang, field=True)
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
    bound = f">= {fmt(q.min or 0)}" if low_bad else f"<= {fmt(q.max or 0)}"
    bound_nl = f">= {fmt(q.min or 0, 'nl')}" if low_bad else f"<= {fmt(q.max or 0, 'nl')}"
    unit = "" if q.unit in ("", "ratio") else f" {q.unit}"
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
        f"{a.where}: {q.id} = {fmt(v)}{unit} is impossible ({why}).",
        f"{a.where}: {q.id} = {fmt(v, 'nl')}{unit} is onmogelijk ({q.id} moet {bound_nl} zijn).",
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
        pue=num(s, "pue"),
        dcie=num(s, "dcie"),
        ref=num(s, "ref"),
        renewable_basis=basis_key,
        it_power_kw=num(s, "it_power_kw"),
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


_WHERE_NL = (("row ", "rij "), ("question ", "vraag "), ("not in the file", "niet in het bestand"))


def _where_nl(message: str) -> str:
    """The Dutch message with its place (``row 5:``, ``question 4:``) in Dutch too."""
    for english, dutch in _WHERE_NL:
        if message.startswith(english):
            return dutch + message[len(english) :]
    return message


def _evaluate(s: SupplierAnswers, kind: str, today: dt.date) -> SupplierEvaluation:
    flags: list[Flag] = []

    def flag(code: str, severity: str, fld: str | None, en: str, nl: str) -> None:
        flags.append(Flag(code, severity, s.supplier, en, _where_nl(nl), fld))

    asked = questions(kind)
    bad = cross_checks(s, kind, flag, today) | _greenwash(s, flag, today)
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
