"""Plain-language explanations (Dutch B1 and English) and text tables for the two analyses.

Everything works from the result *documents* (``to_dict()``), so a report can render a stored
analysis the same way the CLI renders a fresh one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from algoprint._format import number, quantity
from algoprint.advice._dutch import basis_text, say
from algoprint.advice._measure_expected import render_expected

__all__ = [
    "fmt_energy",
    "render_data",
    "render_simplicity",
    "summary_data",
    "summary_simplicity",
    "table",
]


def _num(value: float, digits: int, lang: str) -> str:
    text = f"{value:,.{digits}f}"
    if lang == "nl":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def fmt_energy(energy_j: float | None, lang: str = "en") -> str:
    """Energy with a readable unit: J, kJ, Wh or kWh (``?`` when unknown)."""
    if energy_j is None:
        return "?" if lang == "en" else "onbekend"
    j = abs(energy_j)
    if j < 1000:
        return f"{_num(energy_j, 2 if j < 10 else 0, lang)} J"
    if j < 36_000:
        return f"{_num(energy_j / 1000, 1, lang)} kJ"
    if j < 3.6e6:
        return f"{_num(energy_j / 3600, 1, lang)} Wh"
    return f"{_num(energy_j / 3.6e6, 1, lang)} kWh"


def _fmt_mass(grams: float, lang: str) -> str:
    g = abs(grams)
    if g >= 1000:
        return f"{_num(grams / 1000, 1, lang)} kg"
    if g >= 1:
        return f"{_num(grams, 1 if g < 10 else 0, lang)} g"
    if g >= 1e-3:
        return f"{_num(grams * 1000, 1 if g < 1e-2 else 0, lang)} mg"
    return f"{number(grams * 1000, lang)} mg"  # never exponent notation for people


def _co2(impacts: dict[str, Any], lang: str) -> str | None:
    c = impacts.get("co2e_location_g") if impacts else None
    if not c:
        return None
    return (
        f"{_fmt_mass(c['value'], lang)} CO2e "
        f"({_fmt_mass(c['low'], lang)}–{_fmt_mass(c['high'], lang)})"
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A plain text table (left-aligned first column, right-aligned others)."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _score(value: float | None, lang: str) -> str:
    return "–" if value is None else _num(value, 3, lang)


_LOCATION_NL = (
    "Let op: er is geen locatie ingesteld. De impact is berekend met het gemiddelde van het "
    "Nederlandse stroomnet (NL) en standaardwaarden voor PUE en WUE. Stel --location of "
    "[location] in algoprint.toml in voor uw eigen datacenter."
)


def _location_lines(doc: dict[str, Any], nl: bool) -> list[str]:
    note = doc.get("location_note")
    if not note:
        return []
    return [_LOCATION_NL if nl else f"Note: {note}."]


# -- owp-13 -----------------------------------------------------------------------------------

_STAGE = {
    "en": {
        "full": "compared",
        "discarded": "dropped early",
        "failed": "failed",
        "not-evaluated": "not run (budget)",
        "pending": "not run",
    },
    "nl": {
        "full": "vergeleken",
        "discarded": "vroeg afgevallen",
        "failed": "mislukt",
        "not-evaluated": "niet gedaan (budget)",
        "pending": "niet gedaan",
    },
}


def summary_simplicity(doc: dict[str, Any], lang: str = "en") -> str:
    """The conclusion in a few plain sentences (B1 level Dutch for ``nl``)."""
    rec, best = doc.get("recommended"), doc.get("best")
    nl = lang == "nl"
    if rec is None:
        return (
            f"Er is geen advies: {say(str(doc.get('recommendation_reason')), lang)}."
            if nl
            else f"No recommendation: {doc.get('recommendation_reason')}."
        )
    cands = {c["name"]: c for c in doc["candidates"]}
    r, b = cands[rec], cands[best]
    tol = _num(doc["tolerance"] * 100, 1, lang) if not doc["metric"].startswith("neg_") else None
    metric = doc["metric"]
    parts: list[str] = []
    if rec == best:
        parts.append(
            f"Advies: gebruik {rec}. Dit model geeft de beste kwaliteit ({metric} "
            f"{_score(r['score_mean'], lang)}) en er is geen eenvoudiger model dat bijna even "
            "goed is."
            if nl
            else f"Advice: use {rec}. It gives the best quality ({metric} "
            f"{_score(r['score_mean'], lang)}) and no simpler model comes close enough."
        )
    else:
        margin = (
            (f"minder dan {tol} procentpunt verschil" if nl else f"within {tol} percentage points")
            if tol
            else ("binnen de marge" if nl else "within the margin")
        )
        parts.append(
            f"Advies: gebruik {rec}. Dit model is bijna even goed als het beste model ({best}): "
            f"{metric} {_score(r['score_mean'], lang)} tegen {_score(b['score_mean'], lang)} "
            f"({margin}). Het kost minder energie."
            if nl
            else f"Advice: use {rec}. It is almost as good as the best model ({best}): "
            f"{metric} {_score(r['score_mean'], lang)} against {_score(b['score_mean'], lang)} "
            f"({margin}). It uses less energy."
        )
    saving = doc.get("saving") or {}
    saved = saving.get("energy_j_per_year")
    if saved is not None and saved > 0:
        co2 = _co2(saving.get("impacts") or {}, lang)
        share = saving.get("share")
        pct = f" ({_num(share * 100, 0, lang)} %)" if share is not None else ""
        parts.append(
            f"Bij het opgegeven gebruik bespaart dit per jaar {fmt_energy(saved, lang)}{pct} "
            f"ten opzichte van {saving['against']}" + (f", ongeveer {co2}." if co2 else ".")
            if nl
            else f"At the declared use this saves {fmt_energy(saved, lang)}{pct} a year "
            f"compared with {saving['against']}" + (f", about {co2}." if co2 else ".")
        )
    elif doc.get("yearly_predictions") is None:
        parts.append(
            "Geef op hoe vaak het model per jaar wordt gebruikt; dan rekenen we de besparing "
            "per jaar uit."
            if nl
            else "Declare how often the model is used per year to get the yearly saving."
        )
    return " ".join(parts)


def render_simplicity(doc: dict[str, Any], lang: str = "en") -> list[str]:
    """The explanation, the comparison table and the analysis's own footprint."""
    nl = lang == "nl"
    lines = [summary_simplicity(doc, lang), ""]
    headers = (
        [
            "model",
            "fase",
            "splits",
            doc["metric"],
            "± sd",
            "training",
            "per 1.000 voorsp.",
            "grootte",
        ]
        if nl
        else [
            "model",
            "stage",
            "splits",
            doc["metric"],
            "± sd",
            "training",
            "per 1,000 pred.",
            "size",
        ]
    )
    rows = []
    for c in doc["candidates"]:
        ev = c.get("full") or c.get("screening") or {}
        mark = " *" if c["name"] == doc.get("recommended") else ""
        size = ev.get("model_size_bytes")
        rows.append(
            [
                c["name"] + mark,
                _STAGE["nl" if nl else "en"].get(c["stage"], c["stage"]),
                str(c.get("splits") or "–"),
                _score(ev.get("score_mean"), lang),
                _score(ev.get("score_std"), lang),
                fmt_energy(ev.get("fit_energy_j"), lang),
                fmt_energy(ev.get("inference_j_per_1000"), lang),
                "–" if size is None else f"{_num(size / 1024, 1, lang)} KiB",
            ]
        )
    lines.extend(table(headers, rows))
    lines.append("")
    lines.append(
        f"* = advies. Marge: {_num(doc['tolerance'], 4, lang)} (de gekozen marge, of de "
        "meetruis van het beste model als die groter is)."
        if nl
        else f"* = recommended. Tolerance: {doc['tolerance']:.4g} ({doc['tolerance_rule']})."
    )
    for c in doc["candidates"]:
        if c["stage"] in {"failed", "discarded", "not-evaluated"} and c.get("reason"):
            lines.append(f"- {c['name']}: {say(c['reason'], lang)}")
    lines.extend(_simplicity_notes(doc, lang))
    lines.extend(_location_lines(doc, nl))
    own = doc.get("own_footprint") or {}
    co2 = _co2(own.get("impacts") or {}, lang)
    lines.append(
        (
            f"Deze analyse gebruikte zelf {quantity(own.get('energy_j'), 'J', lang)}"
            if nl
            else f"This analysis itself used {quantity(own.get('energy_j'), 'J', lang)}"
        )
        + (f" ({co2})." if co2 else ".")
    )
    lines.extend(render_expected(doc.get("expected_cost"), lang))
    lines.extend(_payback_lines(doc.get("saving") or {}, nl, lang))
    if doc.get("stopped_early"):
        lines.append(
            ("Gestopt: het energiebudget was op " if nl else "Stopped early: ")
            + f"({say(str(doc.get('stop_reason')), lang)})."
        )
    return lines


def _simplicity_notes(doc: dict[str, Any], lang: str) -> list[str]:
    """The deciding metric, the data's preparation and warnings, screening and threads."""
    nl = lang == "nl"
    lines: list[str] = []
    basis = doc.get("decided_on") or {}
    if basis:
        lines.append(f"{'Beslist op' if nl else 'Decided on'}: {basis_text(basis, lang)}.")
    data = doc.get("dataset") or {}
    if data.get("encoded_columns"):
        cols = ", ".join(data["encoded_columns"])
        lines.append(
            f"One-hot gecodeerde kolommen: {cols}." if nl else f"One-hot encoded columns: {cols}."
        )
    if data.get("missing_columns"):
        cols = ", ".join(data["missing_columns"][:10])
        lines.append(
            f"Ontbrekende waarden in {cols}: binnen elke fold aangevuld met de mediaan."
            if nl
            else f"Missing values in {cols}: imputed with the median inside each fold."
        )
    warn, note = ("Let op", "Opmerking") if nl else ("Warning", "Note")
    lines.extend(f"{warn}: {say(w, lang)}." for w in data.get("warnings") or [])
    lines.extend(f"{note}: {say(n, lang)}." for n in doc.get("notes") or [])
    threads = doc.get("threads") or {}
    if threads.get("limit"):
        lines.append(
            f"Rekenthreads tijdens de metingen: {threads['limit']} (vastgezet)."
            if nl
            else f"Compute threads during the measurements: {threads['limit']} (pinned)."
        )
    if doc.get("serving_batch"):
        lines.append(
            f"Voorspellingen gemeten in batches van {doc['serving_batch']} rij(en)."
            if nl
            else f"Predictions measured in batches of {doc['serving_batch']} row(s)."
        )
    return lines


def _payback_lines(saving: dict[str, Any], nl: bool, lang: str) -> list[str]:
    """The analysis's payback against the yearly saving."""
    verdict, years = saving.get("payback"), saving.get("payback_years")
    if verdict == "negligible":
        return [
            "De energie van deze analyse is verwaarloosbaar: binnen een dag terugverdiend."
            if nl
            else "This analysis's own energy is negligible: the saving repays it within a day."
        ]
    if verdict == "pays back" and years is not None:
        days = _num(years * 365.25, 0, lang)
        return [
            f"De analyse verdient haar eigen energie terug in {days} dagen."
            if nl
            else f"The analysis repays its own energy in {days} days."
        ]
    if verdict == "does not pay back":
        return [
            "De besparing is verwaarloosbaar: ze verdient de energie van deze analyse niet "
            "binnen 10 jaar terug."
            if nl
            else "The saving is negligible: it does not repay this analysis's own energy "
            "within 10 years."
        ]
    return []


# -- dat-09 -----------------------------------------------------------------------------------


def summary_data(doc: dict[str, Any], lang: str = "en") -> str:
    """The conclusion of the data minimisation analysis in plain sentences."""
    nl = lang == "nl"
    parts: list[str] = []
    curve = doc.get("learning_curve") or {}
    frac = curve.get("smallest_fraction")
    if frac is not None and frac < 1:
        pct = _num(frac * 100, 0, lang)
        parts.append(
            f"Met {pct} % van de rijen is het model bijna even goed als met alle rijen."
            if nl
            else f"With {pct} % of the rows the model is almost as good as with all rows."
        )
    elif frac is not None:
        parts.append(
            "Het model heeft alle rijen nodig om even goed te blijven."
            if nl
            else "The model needs all rows to keep its quality."
        )
    feats = doc.get("features") or {}
    k, d = feats.get("smallest_k"), feats.get("n_features")
    if k is not None and d and k < d:
        parts.append(
            f"Met {k} van de {d} kenmerken (kolommen) blijft de kwaliteit bijna gelijk."
            if nl
            else f"{k} of the {d} features (columns) keep almost the same quality."
        )
    dup = doc.get("duplicates") or {}
    if dup.get("exact_share"):
        share = _num(dup["exact_share"] * 100, 1, lang)
        parts.append(
            f"{share} % van de rijen komt dubbel voor."
            if nl
            else f"{share} % of rows are exact duplicates."
        )
    storage = doc.get("storage") or {}
    saved = storage.get("saving_energy_j_per_year")
    if saved:
        parts.append(
            f"Minder opslaan scheelt ongeveer {fmt_energy(saved, lang)} per jaar."
            if nl
            else f"Storing less saves about {fmt_energy(saved, lang)} a year."
        )
    if not parts:
        parts.append(
            "Er is geen kleinere dataset gevonden die even goed werkt."
            if nl
            else "No smaller dataset was found that works as well."
        )
    return " ".join(parts)


def render_data(doc: dict[str, Any], lang: str = "en") -> list[str]:
    """The explanation, the learning curve, the feature grid and the data checks."""
    nl = lang == "nl"
    lines = [summary_data(doc, lang), ""]
    curve = doc.get("learning_curve") or {}
    if curve.get("points"):
        lines.extend(
            table(
                ["rijen %" if nl else "rows %", doc["metric"], "± sd", "training"],
                [
                    [
                        _num(p["fraction"] * 100, 0, lang),
                        _score(p["score_mean"], lang),
                        _score(p["score_std"], lang),
                        fmt_energy(p["fit_energy_j"], lang),
                    ]
                    for p in curve["points"]
                ],
            )
        )
        lines.append("")
    feats = doc.get("features") or {}
    if feats.get("points"):
        lines.extend(
            table(
                ["k", doc["metric"], "± sd", "training"],
                [
                    [
                        str(p["k"]),
                        _score(p["score_mean"], lang),
                        _score(p["score_std"], lang),
                        fmt_energy(p["fit_energy_j"], lang),
                    ]
                    for p in feats["points"]
                ],
            )
        )
        lines.append("")
    dup = doc.get("duplicates") or {}
    cols = doc.get("columns") or {}
    lines.append(
        (
            "Dubbele rijen: {e} exact, {n} bijna; constante kolommen: {c}; "
            "sterk samenhangende kolommen: {r}."
            if nl
            else "Duplicate rows: {e} exact, {n} near; constant columns: {c}; "
            "redundant (|r| >= 0.98) columns: {r}."
        ).format(
            e=dup.get("exact_rows", 0),
            n=dup.get("near_rows", 0),
            c=", ".join(cols.get("constant", []) + cols.get("quasi_constant", [])) or "–",
            r=", ".join(cols.get("redundant", [])) or "–",
        )
    )
    storage = doc.get("storage") or {}
    if storage.get("energy_j_per_year") is not None:
        lines.append(
            ("Opslag: {e} per jaar ({src})." if nl else "Storage: {e} a year ({src}).").format(
                e=fmt_energy(storage["energy_j_per_year"], lang),
                src=_storage_source(storage, lang),
            )
        )
    lines.extend(_location_lines(doc, nl))
    lines.extend(_data_rule_lines(doc, nl, lang))
    own = doc.get("own_footprint") or {}
    lines.append(
        f"Deze analyse gebruikte zelf {quantity(own.get('energy_j'), 'J', lang)}."
        if nl
        else f"This analysis itself used {quantity(own.get('energy_j'), 'J', lang)}."
    )
    return lines


def _storage_source(storage: dict[str, Any], lang: str) -> str:
    """The storage factor's source; in Dutch its name and figure (the citation is English)."""
    factor = storage.get("factor") or {}
    source = str(factor.get("source", ""))
    if lang != "nl":
        return source
    if source == "user":
        return "eigen waarde"
    wh = factor.get("wh_per_tb_hour")
    if wh is None or not source.startswith("Cloud Carbon Footprint"):
        return source
    media = str(storage.get("media") or "").upper()
    return f"bron: Cloud Carbon Footprint (Thoughtworks), {_num(wh, 2, lang)} Wh per TB-uur {media}"


def _data_rule_lines(doc: dict[str, Any], nl: bool, lang: str) -> list[str]:
    """Duplicates removed, no-signal columns, the combined point, tolerance, training saving."""
    lines: list[str] = []
    removed = (doc.get("duplicates") or {}).get("removed_before_curve")
    if removed:
        lines.append(
            (
                "1 dubbele rij is vóór de leercurve verwijderd (anders lekt die tussen de folds). "
                "Advies: verwijder deze rij ook uit de data."
                if removed == 1
                else f"{removed} dubbele rijen zijn vóór de leercurve verwijderd (anders lekken "
                "ze tussen de folds). Advies: verwijder ze ook uit de data."
            )
            if nl
            else f"{removed} duplicate rows were removed before the learning curve (copies "
            "leak across folds). Advice: remove them from the data too."
        )
    curve = doc.get("learning_curve") or {}
    if curve.get("tolerance_note"):
        lines.append(("Let op: " if nl else "Note: ") + say(curve["tolerance_note"], lang) + ".")
    noise = ((doc.get("features") or {}).get("no_signal") or {}).get("columns")
    if noise:
        cols = ", ".join(noise[:15])
        lines.append(
            f"Kolommen zonder signaal (niet beter dan willekeurige kolommen): {cols}."
            if nl
            else f"Columns with no signal (no better than random probe columns): {cols}."
        )
    combined = curve.get("combined")
    if combined and not combined.get("validated"):
        lines.append(
            "Minder rijen én minder kolommen samen haalden de kwaliteit niet: alleen de grootste "
            "enkele vermindering telt."
            if nl
            else "Fewer rows and fewer columns together missed the quality: only the larger "
            "single reduction is claimed."
        )
    saving = curve.get("training_saving") or {}
    per = saving.get("per_retrain_j")
    if per is not None and per > 0:
        year = saving.get("per_year_j")
        lines.append(
            f"Training op de geadviseerde data bespaart {fmt_energy(per, lang)} per training"
            + (f", {fmt_energy(year, lang)} per jaar." if year is not None else ".")
            if nl
            else f"Training on the advised data saves {fmt_energy(per, lang)} per retrain"
            + (f", {fmt_energy(year, lang)} a year." if year is not None else ".")
        )
    return lines
