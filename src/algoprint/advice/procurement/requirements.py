"""Tender requirement sets for sustainable procurement (Algoritmekader owp-12).

:func:`generate_requirements` builds, for one tender type (:data:`KINDS`), the requirements of
``templates/requirements.toml`` as data (:class:`Requirement`: id, category, Dutch and English
text, KPI, verification, the owp-12 sentence it implements) and renders them as Markdown, as a
self-contained HTML page, or as DOCX-friendly text (plain headings and numbered lists that paste
cleanly into a word processor). The result is stored as
``AnalysisRecord(kind="procurement-requirements")``.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from algoprint._format import number
from algoprint.advice.procurement._requirements_render import html_page, markdown_lines
from algoprint.advice.procurement._tender_texts import (
    CATEGORIES,
    KIND_NAMES,
    OWP12_CITATION,
    PROPORTIONALITY_EN,
    PROPORTIONALITY_NL,
    TENDER_SOURCES,
)
from algoprint.advice.procurement.questionnaire import KINDS, check_kind, questions
from algoprint.errors import InputError
from algoprint.records import AnalysisRecord

__all__ = [
    "CATEGORIES",
    "FORMATS",
    "KPI_PARTS",
    "LANGS",
    "Kpi",
    "Requirement",
    "RequirementSet",
    "generate_requirements",
    "grid_reference",
    "requirements_catalogue",
]

LANGS = ("nl", "en", "nl+en")
FORMATS = ("markdown", "html", "docx")


@dataclass(frozen=True, slots=True)
class Kpi:
    """A measurable KPI, as a bonus-malus clause needs it.

    Attributes:
        name: the questionnaire id that carries its value (the metric).
        unit: its unit.
        direction: ``lower`` or ``higher`` is better.
        target_nl / target_en: the threshold, a reference value the buyer may change.
        method_nl / method_en: how it is measured.
        frequency_nl / frequency_en: how often it is reported.
        baseline_nl / baseline_en: what it is compared with.
        consequence_nl / consequence_en: what follows when the target is met or missed.
        reference_nl / reference_en: the public source of the reference value.
    """

    name: str
    unit: str
    direction: str
    target_nl: str
    target_en: str
    method_nl: str = ""
    method_en: str = ""
    frequency_nl: str = ""
    frequency_en: str = ""
    baseline_nl: str = ""
    baseline_en: str = ""
    consequence_nl: str = ""
    consequence_en: str = ""
    reference_nl: str = ""
    reference_en: str = ""

    def get(self, what: str, lang: str) -> str:
        """One of :data:`KPI_PARTS` (``target``, ``method``, ...) in ``nl`` or ``en``."""
        value: str = getattr(self, f"{what}_{'en' if lang == 'en' else 'nl'}")
        return value

    def missing(self) -> list[str]:
        """The parts of :data:`KPI_PARTS` left empty in either language."""
        return [
            f"{what}_{code}"
            for what in KPI_PARTS
            for code in ("nl", "en")
            if not self.get(what, code)
        ]

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        out = {"name": self.name, "unit": self.unit, "direction": self.direction}
        out.update({f"{w}_{c}": self.get(w, c) for w in KPI_PARTS for c in ("nl", "en")})
        return out


KPI_PARTS = ("target", "method", "frequency", "baseline", "consequence", "reference")
"""What makes a KPI measurable: threshold, measurement method, reporting frequency, baseline,
consequence, and the source of the reference value (with ``name`` and ``unit``)."""


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement of a tender.

    Attributes:
        id: stable id (``kpi-pue-dcie``, ``con-need``, ...).
        category: one of :data:`CATEGORIES`.
        kinds: tender types it applies to (``all`` = every type).
        title_nl / title_en, text_nl / text_en: the requirement in both languages.
        verification_nl / verification_en: how the buyer checks it.
        kpi: the KPI it sets, if any.
        fields: questionnaire ids to report (reporting requirements).
        owp12_quote: the Dutch sentence of owp-12 it implements, verbatim.
        source: where the requirement or metric comes from.
    """

    id: str
    category: str
    kinds: tuple[str, ...]
    title_nl: str
    title_en: str
    text_nl: str
    text_en: str
    verification_nl: str
    verification_en: str
    kpi: Kpi | None = None
    fields: tuple[str, ...] = ()
    owp12_quote: str | None = None
    source: str = ""
    role_override: str | None = None
    reference_nl: str = ""
    reference_en: str = ""

    @property
    def role(self) -> str:
        """How the item is used in the tender: :data:`ROLES` (knock-out, award, ...): the
        item's own ``role`` where the template sets one, else its category's."""
        return self.role_override or ROLE_BY_CATEGORY.get(self.category, "consideration")

    def reference(self, lang: str) -> str:
        """The source of a reference value in the text (items without a KPI), or ``""``."""
        return self.reference_en if lang == "en" else self.reference_nl

    def role_label(self, lang: str) -> str:
        """The role in ``nl`` or ``en``."""
        return ROLES[self.role][1 if lang == "en" else 0]

    def title(self, lang: str) -> str:
        """Title in ``nl`` or ``en``."""
        return self.title_en if lang == "en" else self.title_nl

    def text(self, lang: str) -> str:
        """Text in ``nl`` or ``en``."""
        return self.text_en if lang == "en" else self.text_nl

    def verification(self, lang: str) -> str:
        """Verification in ``nl`` or ``en``."""
        return self.verification_en if lang == "en" else self.verification_nl

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "category": self.category,
            "kinds": list(self.kinds),
            "role": self.role,
            "title_nl": self.title_nl,
            "title_en": self.title_en,
            "text_nl": self.text_nl,
            "text_en": self.text_en,
            "verification_nl": self.verification_nl,
            "verification_en": self.verification_en,
            "kpi": None if self.kpi is None else self.kpi.to_dict(),
            "fields": list(self.fields),
            "owp12_quote": self.owp12_quote,
            "source": self.source,
            "reference_nl": self.reference_nl,
            "reference_en": self.reference_en,
        }


@functools.cache
def requirements_catalogue() -> tuple[Requirement, ...]:
    """Every shipped requirement (all tender types), in file order.

    ``{grid_nl}`` in a text is replaced by the Dutch grid factor of the shipped reference data
    (:func:`grid_reference`), so the requirement cites the figure algoprint itself uses.

    Raises:
        ValueError: a template role that is not one of :data:`ROLES` (a packaging fault).
    """
    text = (
        resources.files("algoprint.advice.procurement")
        .joinpath("templates/requirements.toml")
        .read_text("utf-8")
    )
    grid = grid_reference()

    def fill(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("{grid_nl}", grid["en"])
        if isinstance(value, dict):
            return {k: fill_lang(k, v) for k, v in value.items()}
        return value

    def fill_lang(key: str, value: Any) -> Any:
        if isinstance(value, str) and not key.endswith("_en"):
            return value.replace("{grid_nl}", grid["nl"])
        return fill(value)

    out = []
    for raw in tomllib.loads(text)["requirement"]:
        r = fill(raw)
        kpi = r.get("kpi")
        role = r.get("role")
        if role is not None and role not in ROLES:
            raise ValueError(f"requirement {r['id']}: unknown role {role!r}")
        out.append(
            Requirement(
                id=r["id"],
                category=r["category"],
                kinds=tuple(r["kinds"]),
                title_nl=r["title_nl"],
                title_en=r["title_en"],
                text_nl=r["text_nl"],
                text_en=r["text_en"],
                verification_nl=r["verification_nl"],
                verification_en=r["verification_en"],
                kpi=None if kpi is None else Kpi(**kpi),
                fields=tuple(r.get("fields", ())),
                owp12_quote=r.get("owp12_quote"),
                source=r.get("source", ""),
                role_override=role,
                reference_nl=r.get("reference_nl", ""),
                reference_en=r.get("reference_en", ""),
            )
        )
    return tuple(out)


def grid_reference(zone: str = "NL") -> dict[str, str]:
    """The grid factor of ``zone`` in the shipped reference data, as a citation per language.

    The latest year of the table is used (``algoprint factors`` shows the same figure); where
    the table has no figure, the citation says so instead of inventing one.
    """
    from algoprint.errors import AlgoprintError
    from algoprint.impact import factors

    try:
        g = factors.grid_intensity(zone)
    except AlgoprintError:
        return {
            "nl": f"geen netfactor voor {zone} in de referentiedata van algoprint",
            "en": f"no grid factor for {zone} in algoprint's reference data",
        }
    source = g.source.split(" (")[0]
    year = g.year_used
    return {
        "nl": f"{number(g.value, 'nl')} g CO2e/kWh (net {zone}, jaar {year}; bron: {source})",
        "en": f"{number(g.value, 'en')} g CO2e/kWh ({zone} grid, year {year}; source: {source})",
    }


@dataclass(slots=True)
class RequirementSet:
    """The requirements for one tender type, with renderers.

    Attributes:
        kind: tender type.
        lang: default language of the renderings (``nl``, ``en`` or ``nl+en``).
        fmt: default format of :meth:`text` (``markdown``, ``html``, ``docx``).
        requirements: the requirements, grouped by category order.
    """

    kind: str
    lang: str
    fmt: str
    requirements: list[Requirement] = field(default_factory=list)

    def ids(self) -> list[str]:
        """Requirement ids, in order."""
        return [r.id for r in self.requirements]

    def by_category(self, category: str) -> list[Requirement]:
        """The requirements of one category."""
        return [r for r in self.requirements if r.category == category]

    def kpis(self) -> list[Kpi]:
        """Every KPI the set contains."""
        return [r.kpi for r in self.requirements if r.kpi is not None]

    def reporting_fields(self) -> list[dict[str, str]]:
        """The annual-report fields for this kind: id, unit, run-document field, question."""
        asked = {q.id: q for q in questions(self.kind)}
        wanted = [f for r in self.by_category("reporting") for f in r.fields]
        seen: list[str] = []
        for f in wanted:
            if f in asked and f not in seen:
                seen.append(f)
        return [
            {
                "id": f,
                "unit": asked[f].unit or asked[f].type,
                "run_field": asked[f].run_field or "",
                "question_nl": asked[f].question_nl,
                "question_en": asked[f].question_en,
            }
            for f in seen
        ]

    def text(self) -> str:
        """The rendering in the set's own ``fmt`` and ``lang``."""
        if self.fmt == "html":
            return self.to_html(self.lang)
        if self.fmt == "docx":
            return self.to_docx_text(self.lang)
        return self.to_markdown(self.lang)

    def to_markdown(self, lang: str | None = None) -> str:
        """Markdown: a heading per category, each requirement with text, KPI and check."""
        return "\n".join(markdown_lines(self, _lang(lang or self.lang), docx=False)) + "\n"

    def to_docx_text(self, lang: str | None = None) -> str:
        """Markdown without tables, links or emphasis: numbered headings and lists only."""
        return "\n".join(markdown_lines(self, _lang(lang or self.lang), docx=True)) + "\n"

    def to_html(self, lang: str | None = None) -> str:
        """One self-contained HTML page (inline CSS, no scripts, no external resources)."""
        return html_page(self, _lang(lang or self.lang))

    def render(self, lang: str = "nl") -> list[str]:
        """Terminal lines: one per requirement (id, category, title)."""
        code = "en" if lang == "en" else "nl"
        head = KIND_NAMES[self.kind][1 if code == "en" else 0]
        lines = [
            f"{head}: {len(self.requirements)} requirements"
            if code == "en"
            else f"{head}: {len(self.requirements)} eisen"
        ]
        id_w = max((len(r.id) for r in self.requirements), default=0)
        role_w = max((len(r.role_label(code)) for r in self.requirements), default=0)
        lines += [
            f"  {r.id:<{id_w}}  {r.role_label(code):<{role_w}}  {r.title(code)}"
            for r in self.requirements
        ]
        lines.append(PROPORTIONALITY_EN if code == "en" else PROPORTIONALITY_NL)
        return lines

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the ``result`` of the stored analysis)."""
        return {
            "kind": self.kind,
            "lang": self.lang,
            "requirements": [r.to_dict() for r in self.requirements],
            "reporting_fields": self.reporting_fields(),
            "citation": OWP12_CITATION,
            "sources": list(TENDER_SOURCES),
            "proportionality_nl": PROPORTIONALITY_NL,
            "proportionality_en": PROPORTIONALITY_EN,
        }

    def to_analysis(self, algorithm: str | None) -> AnalysisRecord:
        """The ``procurement-requirements`` analysis record (evidence for owp-12)."""
        n, k = len(self.requirements), len(self.kpis())
        nl_kind, en_kind = KIND_NAMES[self.kind]
        return AnalysisRecord(
            kind="procurement-requirements",
            algorithm=algorithm,
            title=f"Procurement requirements: {en_kind}",
            result=self.to_dict(),
            summary_en=f"Requirement set for {en_kind}: {n} requirements, {k} KPIs.",
            summary_nl=f"Eisenset voor {nl_kind}: {n} eisen, {k} KPI's.",
        )


ROLES: dict[str, tuple[str, str]] = {
    "knock-out": ("eis (knock-out)", "requirement (knock-out)"),
    "award": ("gunningscriterium", "award criterion"),
    "contract-clause": ("contractbepaling", "contract clause"),
    "consideration": ("overweging vóór de aanbesteding", "consideration before tendering"),
}
"""How an item is used: a minimum requirement a tender must meet (technical specification,
art. 2:75 Aanbestedingswet, or a special condition, art. 2:80), an award criterion (scored),
a contract clause, or a consideration for the buyer before tendering."""
ROLE_BY_CATEGORY = {
    "certification": "knock-out",
    "reporting": "knock-out",
    "kpi": "award",
    "social": "award",
    "contract": "contract-clause",
    "consideration": "consideration",
}
AI_MODEL_ITEMS = frozenset(
    {"kpi-energy-per-request", "kpi-model-size", "con-smaller-model", "con-reuse-finetune"}
)
"""Items about an AI model, left out of hosting tenders."""


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise InputError(f"unknown language {lang!r}", hint=f"use one of {', '.join(LANGS)}")
    return lang


def generate_requirements(
    kind: str, *, lang: str = "nl+en", fmt: str = "markdown"
) -> RequirementSet:
    """The requirement set for tender type ``kind``.

    Args:
        kind: ``saas``, ``ai-model``, ``custom-development`` or ``hosting``.
        lang: ``nl`` (Dutch), ``en`` or ``nl+en`` (Dutch with the English below it).
        fmt: default format of :meth:`RequirementSet.text`: ``markdown``, ``html``, ``docx``.

    Raises:
        InputError: unknown kind, language or format.
    """
    key = check_kind(kind)
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    chosen = [r for r in requirements_catalogue() if "all" in r.kinds or key in r.kinds]
    if key == "hosting":  # a hosting tender buys no model: AI-model items do not apply
        chosen = [r for r in chosen if r.id not in AI_MODEL_ITEMS]
    order = list(CATEGORIES)
    chosen.sort(key=lambda r: order.index(r.category))
    return RequirementSet(key, _lang(lang), fmt, chosen)


assert set(KIND_NAMES) == set(KINDS)
