"""Renderers of a :class:`~algoprint.advice.procurement.requirements.RequirementSet`: Markdown,
DOCX-friendly text and one self-contained HTML page, in Dutch, English or both.

Every KPI is rendered with what makes it measurable (:data:`~.requirements.KPI_PARTS`): the
threshold, measurement method, frequency, baseline, consequence and the source of its
reference value.
"""

from __future__ import annotations

import html
import re
from typing import Any

from algoprint.advice.procurement._tender_texts import (
    CATEGORIES,
    KIND_NAMES,
    OWP12_CITATION,
    PROPORTIONALITY_EN,
    PROPORTIONALITY_NL,
    TENDER_SOURCES,
)

# Typed ``Any``: importing algoprint.advice.procurement.requirements here would be a cycle.
RequirementSet = Any

__all__ = ["html_page", "markdown_lines"]

_LABELS = {
    "nl": {
        "kpi": "KPI",
        "target": "doel",
        "check": "Controle",
        "fields": "Velden",
        "source": "Bron",
        "quote": "owp-12",
        "title": "Duurzaamheidseisen",
        "method": "Meetmethode",
        "frequency": "Frequentie",
        "baseline": "Nulmeting",
        "consequence": "Gevolg",
        "reference": "Referentiewaarde",
    },
    "en": {
        "kpi": "KPI",
        "target": "target",
        "check": "Verification",
        "fields": "Fields",
        "source": "Source",
        "quote": "owp-12",
        "title": "Sustainability requirements",
        "method": "Measurement method",
        "frequency": "Frequency",
        "baseline": "Baseline",
        "consequence": "Consequence",
        "reference": "Reference value",
    },
}


_UNITS_NL = {
    "Wh/transaction": "Wh/transactie",
    "Wh/request": "Wh/verzoek",
    "billion parameters": "miljard parameters",
    "ratio": "verhouding",
}
"""Dutch names of the questionnaire's KPI units (the questionnaire keeps one unit per id)."""


def _unit(unit: str, lang: str) -> str:
    return _UNITS_NL.get(unit, unit) if lang == "nl" else unit


_KPI_LINES = ("method", "frequency", "baseline", "consequence", "reference")


def _langs(lang: str) -> list[str]:
    return ["nl", "en"] if lang == "nl+en" else [lang]


def _joined(texts: list[str]) -> str:
    return " / ".join(dict.fromkeys(texts))


def _plain(text: str) -> str:
    return re.sub(r"[*`]", "", text)


def markdown_lines(rs: RequirementSet, lang: str, *, docx: bool) -> list[str]:
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
                    unit = _unit(r.kpi.unit, c)
                    out += [f"{lab['kpi']}: {r.kpi.name} ({unit}), {lab['target']}: {target}", ""]
                    out += [f"- {lab[w]}: {r.kpi.get(w, c)}" for w in _KPI_LINES] + [""]
                if r.reference(c):
                    out += [f"{lab['reference']}: {r.reference(c)}", ""]
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


def html_page(rs: RequirementSet, lang: str) -> str:
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
                        f"<code>{esc(r.kpi.name)}</code> ({esc(_unit(r.kpi.unit, c))}), "
                        f"{lab['target']}: "
                        f"{esc(target)}</p>"
                    )
                    rows = "".join(f"<li>{lab[w]}: {esc(r.kpi.get(w, c))}</li>" for w in _KPI_LINES)
                    parts.append(f'<ul class="meta kpi">{rows}</ul>')
                if r.reference(c):
                    parts.append(f'<p class="meta">{lab["reference"]}: {esc(r.reference(c))}</p>')
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
