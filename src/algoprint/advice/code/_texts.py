"""The words of ``profile`` and ``compare`` in Dutch and English (one language per output).

Numbers go through :mod:`algoprint._format`; this module holds the sentences and the Dutch form
of the meter fallbacks and faults a run records (:func:`degradation_text`); the deciding metric
reads in Dutch through :func:`algoprint.advice._dutch.basis_text`. A Dutch profile or comparison
has no English hint in it.
"""

from __future__ import annotations

from typing import Any

from algoprint._format import number

__all__ = [
    "LANGS",
    "check_lang",
    "command_reason",
    "degradation_text",
    "joules",
    "seconds",
    "text",
    "wrapped",
]

LANGS = ("nl", "en")

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "command": "command",
        "code": "profiled Python code",
        "energy": "energy",
        "unknown": "unknown",
        "in": "in",
        "attribution": "attribution",
        "sampled_lead": "sampled",
        "sampled": "{n} ticks over {s}; {a}",
        "attributed": "{e} attributed",
        "outside": ", {e} outside the profiled code",
        "per_function_unknown": "energy per function unknown",
        "note": "note",
        "ranked_process": "ranked by: process CPU time (energy shared by CPU time)",
        "ranked_process_2": "  (--scope machine: machine energy over wall time, sleeps included)",
        "ranked_machine": "ranked by: machine energy over the wall time on stack",
        "ranked_machine_2": "  (includes sleeps and other processes)",
        "head": "{e:>10} {s:>7} {c:>8} {w:>8} {t:>8}  function (file:line)",
        "power-timeline": "power-timeline",
        "whole-process": "whole-process",
        "self_wh": "self Wh",
        "share": "share",
        "cpu_s": "CPU s",
        "self_s": "self s",
        "total_s": "total s",
        "few_samples": "only {n} samples were taken: the ranking is rough (profile a longer run "
        "or a loop of the work)",
        "no_flame": "no flame graph was written: there is no per-function profile",
        "gap": "energy per function is unknown: {reason}",
        "gap_meter": "a meter reported a gap, so the energy over time is unknown",
        "gap_snapshot": "a power snapshot failed",
        "not_python": "whole-process energy only: {reason}. Energy is attributed to functions "
        "only for `python script.py ...` or `python -m module ...`",
        "no_child_profile": "the Python child left no profile (it called os._exit, was killed, "
        "or its interpreter could not run algoprint's runner)",
        "side": "{name}: {energy}, {dur} ± {dur_sd} s (n={n})",
        "energy_unknown": "energy unknown",
        "ratio": "ratio B/A (paired t-interval on log ratios, {pct}; order {order}):",
        "r_energy": "  energy   {v}",
        "r_duration": "  duration {v}",
        "r_cpu": "  cpu time {v}",
        "not_available": "not available",
        "verdict": "verdict: {verdict} (decided on {what})",
        "deciding": "deciding metric",
        "less": "B uses less",
        "more": "B uses more",
        "same": "no clear difference",
        "w_energy": "energy",
        "w_cpu": "process CPU time",
        "w_duration": "wall time",
        "alternate": "alternate",
        "random": "random",
        "note_meter_gap": "energy was not measured in every run (a meter gap): only time is "
        "compared",
        "note_no_energy": "a run registered no energy (too short for the meter): only time is "
        "compared",
    },
    "nl": {
        "command": "opdracht",
        "code": "geprofileerde Python-code",
        "energy": "energie",
        "unknown": "onbekend",
        "in": "in",
        "attribution": "toerekening",
        "sampled_lead": "bemonsterd",
        "sampled": "{n} monsters over {s}; {a}",
        "attributed": "{e} toegerekend",
        "outside": ", {e} buiten de geprofileerde code",
        "per_function_unknown": "energie per functie onbekend",
        "note": "let op",
        "ranked_process": "gerangschikt op: CPU-tijd van het proces (energie naar CPU-tijd "
        "verdeeld)",
        "ranked_process_2": "  (--scope machine: machine-energie over de kloktijd, met slapen)",
        "ranked_machine": "gerangschikt op: machine-energie over de kloktijd op de stack",
        "ranked_machine_2": "  (inclusief slapen en andere processen)",
        "head": "{e:>10} {s:>7} {c:>8} {w:>8} {t:>8}  functie (bestand:regel)",
        "power-timeline": "vermogensverloop",
        "whole-process": "hele proces",
        "self_wh": "eigen Wh",
        "share": "aandeel",
        "cpu_s": "CPU s",
        "self_s": "eigen s",
        "total_s": "totaal s",
        "few_samples": "maar {n} monsters genomen: de rangorde is grof (profileer een langere run "
        "of een lus van het werk)",
        "no_flame": "geen vlamgrafiek geschreven: er is geen profiel per functie",
        "gap": "energie per functie is onbekend: {reason}",
        "gap_meter": "een meter meldde een gat, dus de energie in de tijd is onbekend",
        "gap_snapshot": "een vermogensmeting mislukte",
        "not_python": "alleen de energie van het hele proces: {reason}. Energie wordt alleen per "
        "functie toegerekend bij `python script.py ...` of `python -m module ...`",
        "no_child_profile": "het Python-proces liet geen profiel achter (het riep os._exit aan, "
        "werd gestopt, of de interpreter kon de runner van algoprint niet draaien)",
        "side": "{name}: {energy}, {dur} ± {dur_sd} s (n={n})",
        "energy_unknown": "energie onbekend",
        "ratio": "verhouding B/A (gepaard t-interval, log-schaal, {pct}; volgorde {order}):",
        "r_energy": "  energie  {v}",
        "r_duration": "  duur     {v}",
        "r_cpu": "  CPU-tijd {v}",
        "not_available": "niet beschikbaar",
        "verdict": "oordeel: {verdict} (beslist op {what})",
        "deciding": "beslissende maat",
        "less": "B verbruikt minder",
        "more": "B verbruikt meer",
        "same": "geen duidelijk verschil",
        "w_energy": "energie",
        "w_cpu": "CPU-tijd van het proces",
        "w_duration": "kloktijd",
        "alternate": "om en om",
        "random": "willekeurig",
        "note_meter_gap": "de energie is niet in elke run gemeten (een gat in een meter): "
        "alleen de tijd wordt vergeleken",
        "note_no_energy": "een run registreerde geen energie (te kort voor de meter): alleen de "
        "tijd wordt vergeleken",
    },
}


def check_lang(lang: str) -> str:
    """``lang`` when it is ``nl`` or ``en``.

    Raises:
        InputError: any other language.
    """
    if lang not in LANGS:
        from algoprint.errors import InputError

        raise InputError(f"unknown language {lang!r}", hint="use nl or en")
    return lang


def text(key: str, lang: str, **values: Any) -> str:
    """The sentence ``key`` in ``lang``, filled with ``values``."""
    return _TEXTS[lang][key].format(**values)


def wrapped(lead: str, body: str, width: int = 80) -> list[str]:
    """``lead: body`` wrapped to ``width`` columns, continuation lines indented by two."""
    import textwrap

    return textwrap.wrap(
        f"{lead}: {body}", width=width, subsequent_indent="  ", break_on_hyphens=False
    ) or [f"{lead}:"]


def joules(value_j: float | None, lang: str) -> str:
    """An energy in Wh (never exponent notation), or the language's "unknown"."""
    if value_j is None:
        return text("unknown", lang)
    return f"{number(value_j / 3600.0, lang)} Wh"


def seconds(value_s: float, lang: str) -> str:
    """A duration in seconds with three significant digits."""
    return f"{number(value_s, lang)} s"


_DEGRADATIONS_NL = {
    "no readable CPU energy counter": "geen leesbare CPU-energieteller (RAPL); de CPU-energie "
    "komt uit een vermogensmodel van benutting en TDP (grotere onzekerheid)",
    "RAPL counters exist but are not readable": "RAPL-tellers zijn er, maar niet leesbaar; het "
    "CPU-vermogensmodel wordt gebruikt",
}


def degradation_text(source: str, message: str, lang: str) -> str:
    """A meter fallback or fault as ``source: message``, in Dutch where it is known.

    A message algoprint has no Dutch text for is named as a meter notice with its source, and
    ``algoprint doctor`` is pointed to for the details, rather than printed in English.
    """
    if lang != "nl":
        return f"{source}: {message}"
    for start, dutch in _DEGRADATIONS_NL.items():
        if message.startswith(start):
            return f"{source}: {dutch}"
    return f"{source}: melding van de meter (details: algoprint doctor of --lang en)"


_REASONS_NL = (
    (" is not a Python interpreter", " is geen Python-interpreter"),
    ("no command", "geen opdracht"),
    ("-m without a module name", "-m zonder modulenaam"),
    (
        "python -c CODE is not profiled per function (put the code in a file)",
        "python -c CODE wordt niet per functie geprofileerd (zet de code in een bestand)",
    ),
    (
        "a script read from stdin is not profiled per function",
        "een script van stdin wordt niet per functie geprofileerd",
    ),
    (
        "an interactive interpreter (no script or -m module) is not profiled",
        "een interactieve interpreter (zonder script of -m-module) wordt niet geprofileerd",
    ),
)


def command_reason(reason: str, lang: str) -> str:
    """Why a command is not profiled per function (:func:`._command.parse_python_command`),
    in ``lang``."""
    if lang != "nl":
        return reason
    for english, dutch in _REASONS_NL:
        if english in reason:
            return reason.replace(english, dutch)
    return reason
