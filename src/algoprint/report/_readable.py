"""What a policy reader sees: conclusions and next steps, numbered sources, translated notes.

The layers below write their remarks (defaults applied, fallbacks, why a figure is missing) as
English sentences for the record and the JSON output. This module turns the known ones into
the report's language through the catalogues; a remark it does not know goes to an appendix
("technical messages, as recorded"), so the body of a Dutch report stays Dutch. Sources are
numbered once and cited by number; paths of this project's repository never reach a report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from algoprint import _format
from algoprint.report.i18n import N_

if TYPE_CHECKING:
    from algoprint.report._view import View

__all__ = [
    "FACTOR_LABELS",
    "Readable",
    "Sources",
    "clean_source",
    "markdown_html",
    "next_steps",
    "plain_markdown",
]

FACTOR_LABELS: dict[str, str] = {
    "embodied_allocation": N_("Share of the hardware manufacture charged to the run"),
    "grid_intensity": N_("Grid carbon intensity (location-based)"),
    "machine_embodied_gwp": N_("Embodied CO₂e of the machine"),
    "market_intensity": N_("Contract factor (market-based)"),
    "pue": N_("PUE (datacentre overhead)"),
    "water_offsite": N_("Water for electricity generation"),
    "water_onsite": N_("Water for cooling"),
    "wue_onsite": N_("Water for cooling (WUE)"),
}
"""Readable names of the factors in the methods table."""

UNIT_TEXT: dict[str, str] = {
    "1": "",
    "gCO2e/kWh": "g CO₂e/kWh",
    "kg CO2e (whole machine)": "kg CO₂e",
    "L/kWh": "L/kWh",
}

METHOD_TEXTS: dict[str, str] = {
    "measured or estimated IT energy, components summed": N_(
        "measured or estimated IT energy, components added up"
    ),
    "E_IT × PUE": N_("IT energy × PUE"),
    "E_facility[kWh] × grid intensity (location-based)": N_(
        "facility energy × grid intensity (location-based)"
    ),
    "E_facility[kWh] × contract factor (market-based, GHG Protocol Scope 2)": N_(
        "facility energy × contract factor (market-based, GHG Protocol Scope 2)"
    ),
    "E_IT[kWh] × WUE_on-site (no PUE: WUE is per kWh of IT energy)": N_(
        "IT energy × WUE on site (per kWh of IT energy)"
    ),
    "E_IT[kWh] × PUE × EWIF_off-site": N_(
        "IT energy × PUE × water per kWh of electricity generated"
    ),
    "E_IT[kWh] × (WUE_on-site + PUE × EWIF_off-site)": N_("water on site + water off site"),
    "hardware embodied × min(1, duration / lifetime) × reserved share": N_(
        "manufacture impact of the hardware × share of its lifetime × share of the machine used"
    ),
    "co2e_location_g + embodied_gwp_g": N_("location-based CO₂e + embodied CO₂e"),
}
"""The impact methods (formulas of impact/compute.py) in words, per language."""

# (pattern of an English remark, msgid with %(name)s fields from the pattern's groups)
_REMARKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^PUE (?P<value>[\d.]+) .*unknown default"),
        N_(
            "PUE %(value)s is a default for a datacentre whose PUE is unknown; set pue in "
            "[location] or [datacentres.NAME] to use your datacentre's figure."
        ),
    ),
    (
        re.compile(r"^WUE (?P<value>[\d.]+) L/kWh .*unknown default"),
        N_(
            "WUE %(value)s L/kWh is a default for a datacentre whose water use is unknown; set "
            "wue in [location] or [datacentres.NAME]."
        ),
    ),
    (
        re.compile(
            r"^market-based: no contract configured, (?P<zone>\w+) .*factor (?P<value>[\d.]+) g/kWh"
        ),
        N_(
            "Market-based: no electricity contract configured, so the %(zone)s factor for "
            "electricity of unknown origin (%(value)s g CO₂e/kWh) is used; set contract in "
            "[location], e.g. groen-gvo."
        ),
    ),
    (
        re.compile(r"^embodied impacts use the default server archetype (?P<archetype>\S+)"),
        N_(
            "Hardware manufacture: no [hardware] table is configured, so the default server "
            "type %(archetype)s is used (a wide estimate); declare your machine in [hardware]."
        ),
    ),
    (
        re.compile(r"^hardware lifetime (?P<years>[\d.]+) years from archetype (?P<archetype>\S+)"),
        N_("Hardware lifetime: %(years)s years (from the server type %(archetype)s)."),
    ),
    (
        re.compile(
            r"^grid intensity of (?P<zone>\w+) for (?P<year>\d+) not yet in the table; "
            r"(?P<used>\d+) \(latest available\) used"
        ),
        N_(
            "The grid intensity of %(zone)s for %(year)s is not yet in the table; %(used)s, "
            "the latest year available, is used."
        ),
    ),
    (
        re.compile(r"^the run records no vCPUs or memory available"),
        N_(
            "The run does not record the processors and memory it had, so its share of the "
            "machine is unknown; declare the machine in [hardware]."
        ),
    ),
    (
        re.compile(r"^needs (both )?co2e_location_g and embodied_gwp_g"),
        N_("Needs both the location-based CO₂e and the embodied CO₂e."),
    ),
    (
        re.compile(r"^no functional units recorded"),
        N_("No functional units recorded; record the units served on the run."),
    ),
    (
        re.compile(r"^the location of algorithm '(?P<algorithm>[^']+)' does not resolve"),
        N_(
            "The registered location of %(algorithm)s could not be used, so the default "
            "location was used; check it with: algoprint algorithm show %(algorithm)s."
        ),
    ),
    (
        re.compile(r"^market-based CO2e of 0 reflects certificates"),
        N_(
            "Market-based 0 g CO₂e means the electricity is covered by a renewable contract or "
            "certificates (GHG Protocol Scope 2); the grid still emitted the location-based figure."
        ),
    ),
    (
        re.compile(r"^RAPL not readable; CPU energy from the CPU model"),
        N_("The processor's energy counter (RAPL) was not readable; the CPU energy is modelled."),
    ),
    (
        re.compile(r"^grant read access to /sys/class/powercap"),
        N_("Give algoprint read access to the energy counters (see the configuration guide)."),
    ),
)

_ENGLISH = re.compile(r"\b(the|and|not|from|with|used|does|could|needs|set)\b")
_PROJECT_PATH = re.compile(
    r"(,? ?restated in )?(\.\./)?\b(shared/data|docs|src/algoprint|scripts|tests)/[\w./-]+"
)


def clean_source(text: str) -> str:
    """``text`` without paths of this project's repository (``docs/…``, ``shared/data/…``)."""
    text = _PROJECT_PATH.sub("", text)
    text = re.sub(r"\(\s*\)", "", text)
    return re.sub(r"\s{2,}", " ", text).strip(" ;,")


def _split_top_level(text: str) -> list[str]:
    """``text`` split at ``; `` outside parentheses (one source may cite others inside)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0 and text[i + 1 : i + 2] == " ":
            parts.append(text[start:i])
            start = i + 2
    parts.append(text[start:])
    return parts


@dataclass
class Sources:
    """Sources numbered in order of first citation; each appears once in the reference list."""

    entries: list[str] = field(default_factory=list)

    def cite(self, text: str | None) -> str:
        """``[3]`` for ``text`` (numbered on first use); ``-`` for no source."""
        if not text or text == "-":
            return "-"
        parts = [clean_source(p) for p in _split_top_level(text) if p.strip()]
        numbers = []
        for part in parts:
            if part not in self.entries:
                self.entries.append(part)
            numbers.append(self.entries.index(part) + 1)
        return ", ".join(f"[{n}]" for n in sorted(set(numbers)))


@dataclass
class Readable:
    """Remarks in the report language; the unknown ones collected for the appendix."""

    gettext: Callable[[str], str]
    lang: str
    appendix: list[str] = field(default_factory=list)

    def remark(self, line: str) -> str | None:
        """``line`` translated, or ``None`` (then it is kept for the appendix, in English)."""
        if self.lang == "en" and not _PROJECT_PATH.search(line):
            return line
        for pattern, msgid in _REMARKS:
            match = pattern.search(line)
            if match:
                fields = {k: v for k, v in match.groupdict().items() if v}
                if "value" in fields:  # a number from the English text, in the report's style
                    fields["value"] = _format.number(float(fields["value"]), self.lang)
                return self.gettext(msgid) % fields
        if not _ENGLISH.search(line):
            return line  # already in the report language (written through the catalogues)
        cleaned = clean_source(line)
        if cleaned not in self.appendix:
            self.appendix.append(cleaned)
        return None

    def remarks(self, lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """Translated ``(line, runs)`` pairs; unknown lines go to the appendix."""
        out = []
        for line, n in lines:
            text = self.remark(line)
            if text is not None:
                out.append((text, n))
        return out

    def method(self, text: str) -> str:
        """An impact method in words (with the market-based 0 caveat in the report language)."""
        from algoprint.impact.compute import MARKET_ZERO_CAVEAT

        base, sep, rest = text.partition("; ")
        if sep and rest == MARKET_ZERO_CAVEAT:
            return f"{self.method(base)}; {market_caveat(self.gettext)}"
        return self.gettext(METHOD_TEXTS[text]) if text in METHOD_TEXTS else text

    def licence(self, text: str) -> str:
        """The licence in a short cell: ``CC-BY-4.0``, or "cited fact" for a figure cited
        without a licence (the full text is in the JSON output)."""
        if not text:
            return "-"
        if text.startswith("cited fact"):
            return self.gettext("cited fact")
        return re.split(r" \(|; ", text, maxsplit=1)[0]

    def vintage(self, text: str) -> str:
        """The vintage year of a factor (``2025``), or the short text when it has none."""
        years = re.findall(r"\b(?:19|20)\d\d\b", text)
        return years[0] if years else (text.rsplit(" ", maxsplit=1)[-1] if text else "-")

    def factor_name(self, name: str) -> str:
        """A readable factor name."""
        return self.gettext(FACTOR_LABELS[name]) if name in FACTOR_LABELS else name


_NEXT_STEP: dict[str, str] = {
    "mon-06": N_("write and keep the monitoring report: algoprint report -a %(slug)s"),
    "owp-13": N_(
        "compare simpler models on quality and energy: algoprint advise simplicity DATA -a %(slug)s"
    ),
    "dat-09": N_("check how much data the model needs: algoprint advise data DATA -a %(slug)s"),
    "dat-06": N_("compare datacentres and regions: algoprint where NL SE -a %(slug)s"),
    "owk-05": N_("measure the code's energy: algoprint profile -a %(slug)s -- COMMAND"),
    "owk-06": N_("plan training at low-carbon hours: algoprint schedule --duration 2h -a %(slug)s"),
    "owp-12": N_(
        "set procurement requirements: algoprint procure requirements --kind ai-model -a %(slug)s"
    ),
}


def next_steps(view: View) -> list[str]:
    """The "conclusions and next steps" of the report, one sentence each (commands in
    backticks: rendered as code in HTML, plain elsewhere).

    First what the period's runs used, then per analysis its advice, then per measure without
    evidence the command that provides it, and a warning for a market-based 0.
    """
    r, fmt, _ = view.report, view.fmt, view._
    lines: list[str] = []
    totals = r.footprint.totals
    energy, co2 = totals.get("energy_it_j"), totals.get("co2e_location_g")
    if r.footprint.runs_counted and energy is not None and energy.value is not None:
        lines.append(
            _(
                "In this period %(runs)s runs used %(energy)s of IT energy: %(co2e)s "
                "(location-based)."
            )
            % {
                "runs": fmt.integer(r.footprint.runs_counted),
                "energy": fmt.scaled(energy.value, "J", plain=True),
                "co2e": fmt.scaled(co2.value if co2 else None, "g", plain=True),
            }
        )
    elif r.empty:
        lines.append(_("No runs were measured in this period: start with algoprint run."))
    market = totals.get("co2e_market_g")
    if market is not None and market.value == 0:
        lines.append(market_caveat(_))
    for a in r.analyses:
        if a.summary:
            lines.append(f"{a.kind_label} ({a.measure}): {a.summary}")
    slug = r.algorithm.slug if r.algorithm else ""
    for m in r.measures:
        if not m.supported and m.code in _NEXT_STEP and m.state != "niet-van-toepassing":
            step = _(_NEXT_STEP[m.code]) % {"slug": slug}
            step = re.sub(r"(algoprint .+)$", r"`\1`", step)  # the command as code (HTML)
            lines.append(f"{m.code} {m.title}: {step}")
    return lines


def market_caveat(gettext: Callable[[str], str]) -> str:
    """The caveat that always goes with a market-based 0 g CO₂e."""
    return gettext(
        "Market-based 0 g CO₂e means the electricity is covered by a renewable contract or "
        "certificates (GHG Protocol Scope 2); the grid still emitted the location-based figure."
    )


def readable_context(view: View) -> dict[str, Any]:
    """Template variables: conclusions, sources, translated remarks, the appendix."""
    readable = Readable(view._, view.report.lang)
    r = view.report
    return {
        "readable": readable,
        "conclusions": next_steps(view),
        "defaults": readable.remarks(list(r.methods.defaults)),
        "method_notes": readable.remarks(list(r.methods.notes)),
        "remarks": [t for t in map(readable.remark, r.gaps.remarks) if t is not None],
        "market_caveat": market_caveat(view._),
    }


_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*([^*]+)\*\*")


def plain_markdown(text: str | None) -> str:
    """A note written in Markdown as plain text (no backticks or asterisks)."""
    return _STRONG.sub(r"\1", _CODE.sub(r"\1", text or ""))


def markdown_html(text: str | None) -> Any:
    """A note written in Markdown as safe HTML: inline code and bold rendered, the rest
    escaped."""
    from markupsafe import Markup, escape

    html = str(escape(text or ""))
    html = _CODE.sub(r"<code>\1</code>", html)
    # Safe: the text was escaped first; only the code and strong tags are added.
    return Markup(_STRONG.sub(r"<strong>\1</strong>", html))  # noqa: S704
