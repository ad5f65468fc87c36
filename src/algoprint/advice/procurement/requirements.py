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
import html
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from algoprint.advice.procurement.questionnaire import KINDS, check_kind, questions
from algoprint.errors import InputError
from algoprint.records import AnalysisRecord

__all__ = [
    "CATEGORIES",
    "FORMATS",
    "LANGS",
    "Kpi",
    "Requirement",
    "RequirementSet",
    "generate_requirements",
    "requirements_catalogue",
]

CATEGORIES: dict[str, tuple[str, str]] = {
    "kpi": ("Meetbare KPI's", "Measurable KPIs"),
    "reporting": ("Rapportageverplichtingen", "Reporting duties"),
    "certification": (
        "Certificering en wettelijke rapportage",
        "Certification and legal reporting",
    ),
    "contract": ("Contractvoorwaarden", "Contract terms"),
    "consideration": ("Overwegingen (owp-12)", "Considerations (owp-12)"),
    "social": ("Sociale criteria", "Social criteria"),
}
"""Category id → (Dutch, English) heading, in output order."""
LANGS = ("nl", "en", "nl+en")
FORMATS = ("markdown", "html", "docx")
KIND_NAMES = {
    "saas": ("SaaS- of clouddienst", "SaaS or cloud service"),
    "ai-model": ("AI-model of API (ook generatieve AI)", "AI model or API (incl. generative AI)"),
    "custom-development": ("Maatwerkontwikkeling", "Custom development"),
    "hosting": ("Hosting", "Hosting"),
}
OWP12_CITATION = (
    "Algoritmekader v2.5.1, maatregel owp-12 'Koop duurzaam algoritmes in' (MinBZK, EUPL-1.2), "
    "https://minbzk.github.io/Algoritmekader/"
)


@dataclass(frozen=True, slots=True)
class Kpi:
    """A measurable KPI: ``name`` is the questionnaire id that carries its value."""

    name: str
    unit: str
    direction: str
    target_nl: str
    target_en: str


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

    @property
    def role(self) -> str:
        """How the item is used in the tender: :data:`ROLES` (knock-out, award, ...)."""
        return ROLE_BY_CATEGORY.get(self.category, "consideration")

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
            "kpi": None
            if self.kpi is None
            else {
                "name": self.kpi.name,
                "unit": self.kpi.unit,
                "direction": self.kpi.direction,
                "target_nl": self.kpi.target_nl,
                "target_en": self.kpi.target_en,
            },
            "fields": list(self.fields),
            "owp12_quote": self.owp12_quote,
            "source": self.source,
        }


@functools.cache
def requirements_catalogue() -> tuple[Requirement, ...]:
    """Every shipped requirement (all tender types), in file order."""
    text = (
        resources.files("algoprint.advice.procurement")
        .joinpath("templates/requirements.toml")
        .read_text("utf-8")
    )
    out = []
    for r in tomllib.loads(text)["requirement"]:
        kpi = r.get("kpi")
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
            )
        )
    return tuple(out)


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
        return "\n".join(_markdown(self, _lang(lang or self.lang), docx=False)) + "\n"

    def to_docx_text(self, lang: str | None = None) -> str:
        """Markdown without tables, links or emphasis: numbered headings and lists only."""
        return "\n".join(_markdown(self, _lang(lang or self.lang), docx=True)) + "\n"

    def to_html(self, lang: str | None = None) -> str:
        """One self-contained HTML page (inline CSS, no scripts, no external resources)."""
        return _html(self, _lang(lang or self.lang))

    def render(self, lang: str = "nl") -> list[str]:
        """Terminal lines: one per requirement (id, category, title)."""
        code = "en" if lang == "en" else "nl"
        head = KIND_NAMES[self.kind][1 if code == "en" else 0]
        lines = [
            f"{head}: {len(self.requirements)} requirements"
            if code == "en"
            else f"{head}: {len(self.requirements)} eisen"
        ]
        lines += [
            f"  {r.id:<28} {r.role_label(code):<28} {r.title(code)}" for r in self.requirements
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
TENDER_SOURCES = (
    "PIANOo, MVI-criteriatool (mvicriteria.nl): minimumeisen, gunningscriteria en "
    "contractbepalingen per productgroep, in drie ambitieniveaus",
    "European Commission, EU Green Public Procurement criteria for data centres, server rooms "
    "and cloud services, SWD(2020) 55 final, with the JRC technical report (2020)",
    "Algoritmekader owp-12 (duurzaam inkopen) and dat-06 (DCiE at least 50 % over a year)",
)
PROPORTIONALITY_NL = (
    "Proportionaliteit (Gids Proportionaliteit): kies alleen de eisen die passen bij de omvang "
    "en het risico van de opdracht; neem niet alle eisen over. Een knock-out-eis sluit "
    "inschrijvers uit: gebruik die alleen waar de markt eraan kan voldoen, en weeg de rest als "
    "gunningscriterium."
)
PROPORTIONALITY_EN = (
    "Proportionality (Dutch Gids Proportionaliteit): choose only the requirements that fit the "
    "size and risk of the contract; do not copy them all. A knock-out requirement excludes "
    "tenderers: use it only where the market can meet it, and score the rest as award criteria."
)


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


# --------------------------------------------------------------------------- renderers

_LABELS = {
    "nl": {
        "kpi": "KPI",
        "target": "doel",
        "check": "Controle",
        "fields": "Velden",
        "source": "Bron",
        "quote": "owp-12",
        "title": "Duurzaamheidseisen",
    },
    "en": {
        "kpi": "KPI",
        "target": "target",
        "check": "Verification",
        "fields": "Fields",
        "source": "Source",
        "quote": "owp-12",
        "title": "Sustainability requirements",
    },
}


def _langs(lang: str) -> list[str]:
    return ["nl", "en"] if lang == "nl+en" else [lang]


def _joined(texts: list[str]) -> str:
    return " / ".join(dict.fromkeys(texts))


def _plain(text: str) -> str:
    return re.sub(r"[*`]", "", text)


def _markdown(rs: RequirementSet, lang: str, *, docx: bool) -> list[str]:
    first = _langs(lang)[0]
    name = _joined([KIND_NAMES[rs.kind][0 if c == "nl" else 1] for c in _langs(lang)])
    out = [f"# {_LABELS[first]['title']}: {name}", ""]
    for cat_no, cat in enumerate(CATEGORIES, start=1):
        items = rs.by_category(cat)
        if not items:
            continue
        heading = " / ".join(CATEGORIES[cat][0 if c == "nl" else 1] for c in _langs(lang))
        out += [f"## {cat_no}. {heading}", ""]
        for n, r in enumerate(items, start=1):
            title = _joined([r.title(c) for c in _langs(lang)])
            out += [f"### {cat_no}.{n} {title} ({r.id})", ""]
            out += [_joined([r.role_label(c) for c in _langs(lang)]), ""]
            for c in _langs(lang):
                lab = _LABELS[c]
                body = r.text(c)
                out += [body if (docx or c == "nl") else f"*{body}*", ""]
                if r.kpi is not None:
                    target = r.kpi.target_en if c == "en" else r.kpi.target_nl
                    out += [
                        f"{lab['kpi']}: {r.kpi.name} ({r.kpi.unit}), {lab['target']}: {target}",
                        "",
                    ]
                out += [f"{lab['check']}: {r.verification(c)}", ""]
            if r.category == "reporting" and r.fields:
                lab = _LABELS[first]
                out += [f"{lab['fields']}:", ""]
                mine = [f for f in rs.reporting_fields() if f["id"] in r.fields]
                for i, f in enumerate(mine, start=1):
                    run = f" — algoprint: {f['run_field']}" if f["run_field"] else ""
                    out.append(f"{i}. {f['id']} ({f['unit']}){run}")
                out.append("")
            if r.owp12_quote:
                out += [f"{_LABELS[first]['quote']}: \u201c{r.owp12_quote}\u201d", ""]
            if r.source:
                out += [f"{_LABELS[first]['source']}: {r.source}", ""]
    out += ["---", ""]
    for c in _langs(lang):
        out += [PROPORTIONALITY_EN if c == "en" else PROPORTIONALITY_NL, ""]
    out += [f"- {src}" for src in TENDER_SOURCES]
    out += ["", OWP12_CITATION]
    return [_plain(x) for x in out] if docx else out


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;line-height:1.5;"
    "color:#1a1a1a;padding:0 1rem}h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;"
    "margin-top:2rem}h3{font-size:1.05rem;margin-bottom:.3rem}.en{color:#444;font-style:italic}"
    ".meta{font-size:.9rem;color:#333}.id{color:#666;font-weight:normal;font-size:.85rem}"
    "blockquote{border-left:3px solid #999;margin:.5rem 0;padding-left:.8rem;color:#333}"
    "pre{white-space:pre-wrap;font-family:inherit;margin:0}"
)


def _html(rs: RequirementSet, lang: str) -> str:
    esc = html.escape
    codes = _langs(lang)
    name = _joined([KIND_NAMES[rs.kind][0 if c == "nl" else 1] for c in codes])
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{codes[0]}"><head><meta charset="utf-8">',
        f"<title>{esc(_LABELS[codes[0]]['title'])}: {esc(name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{esc(_LABELS[codes[0]]['title'])}: {esc(name)}</h1>",
    ]
    for cat_no, cat in enumerate(CATEGORIES, start=1):
        items = rs.by_category(cat)
        if not items:
            continue
        heading = " / ".join(CATEGORIES[cat][0 if c == "nl" else 1] for c in codes)
        parts.append(f'<section id="{cat}"><h2>{cat_no}. {esc(heading)}</h2>')
        for n, r in enumerate(items, start=1):
            title = _joined([r.title(c) for c in codes])
            parts.append(
                f'<article id="{r.id}" data-category="{r.category}">'
                f'<h3>{cat_no}.{n} {esc(title)} <span class="id">{r.id}</span></h3>'
            )
            for c in codes:
                lab = _LABELS[c]
                cls = ' class="en"' if c == "en" and len(codes) > 1 else ""
                parts.append(f'<div lang="{c}"{cls}><pre>{esc(r.text(c))}</pre>')
                if r.kpi is not None:
                    target = r.kpi.target_en if c == "en" else r.kpi.target_nl
                    parts.append(
                        f'<p class="meta" data-kpi="{esc(r.kpi.name)}">{lab["kpi"]}: '
                        f"<code>{esc(r.kpi.name)}</code> ({esc(r.kpi.unit)}), {lab['target']}: "
                        f"{esc(target)}</p>"
                    )
                parts.append(f'<p class="meta">{lab["check"]}: {esc(r.verification(c))}</p></div>')
            if r.category == "reporting" and r.fields:
                rows = "".join(
                    f"<li><code>{esc(f['id'])}</code> ({esc(f['unit'])})</li>"
                    for f in rs.reporting_fields()
                    if f["id"] in r.fields
                )
                parts.append(f"<ol>{rows}</ol>")
            if r.owp12_quote:
                parts.append(f'<blockquote lang="nl">owp-12: {esc(r.owp12_quote)}</blockquote>')
            if r.source:
                parts.append(f'<p class="meta">{_LABELS[codes[0]]["source"]}: {esc(r.source)}</p>')
            parts.append("</article>")
        parts.append("</section>")
    parts += [f'<footer class="meta"><p>{esc(OWP12_CITATION)}</p></footer>', "</body></html>"]
    return "\n".join(parts) + "\n"


assert set(KIND_NAMES) == set(KINDS)
