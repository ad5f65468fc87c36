"""The Dutch form of the reasons, warnings and notes the analyses record in English.

The result documents keep their reasons in English (the JSON and stored analyses are read by
tools); the Dutch output translates them here, so ``--lang nl`` has no English sentence in it.
The sentences are matched by their fixed English wording and their numbers are rewritten with
Dutch separators; a text this module does not know (an error of the user's own model, say) is
shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from algoprint._format import number

__all__ = ["basis_text", "dutch", "say"]

_NUM = r"([-+]?[\d,]*\.?\d+(?:e[-+]?\d+)?)"


def _nl_number(text: str) -> str:
    """An English-formatted number (``1,234.5``, ``+0.0123``, ``1e-05``) in Dutch form."""
    if "e" in text.lower():
        return number(float(text), "nl")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _cv(text: str) -> str:
    """``3 × 5-fold cross-validation`` / ``5-fold CV`` in Dutch."""
    m = re.fullmatch(r"(\d+) × (\d+)-fold cross-validation", text)
    if m:
        return f"{m[1]} × {m[2]}-voudige kruisvalidatie"
    m = re.fullmatch(r"(\d+)-fold CV", text)
    return f"{m[1]}-voudige kruisvalidatie" if m else text


_WHY = {
    "clearly costlier": "duidelijk duurder",
    "not cheaper than the simpler incumbent (a tie goes to the simpler model)": (
        "niet goedkoper dan het eenvoudigere model dat nu voorop ligt (bij gelijke kosten wint "
        "het eenvoudigste model)"
    ),
}

_FIXED = {
    "stopped early": "vroeg gestopt",
    "no candidate was cross-validated in full": "geen enkel model is volledig kruisgevalideerd",
    "no candidate within tolerance has a measured cost (meter gaps)": (
        "van geen enkel model binnen de marge zijn de kosten gemeten (gaten in de meting)"
    ),
    "the budget ran out: the advice rests on the splits measured before it (fewer than one "
    "full cross-validation per candidate)": (
        "het budget was op: het advies rust op de splits die daarvoor gemeten zijn (minder dan "
        "één volledige kruisvalidatie per model)"
    ),
    "validation loss on the training data: pass eval_data for held-out data": (
        "validatieverlies gemeten op de trainingsdata: geef --eval-data op voor aparte "
        "validatiedata"
    ),
    "cost to target includes the validation after every epoch": (
        "de kosten tot het doel tellen de validatie na elke epoch mee"
    ),
    "this GPU does not support bfloat16": "deze GPU ondersteunt geen bfloat16",
}

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _n(m: re.Match[str], i: int) -> str:
    return _nl_number(m[i])


_RULES: list[_Rule] = [
    (
        re.compile(
            rf"out of reach after (\d+) split\(s\): {_NUM} below (the best|the pace-setter) "
            rf"\((.+?)\) on the same splits, more than the tolerance {_NUM} plus {_NUM} "
            rf"standard errors \({_NUM}\)"
        ),
        lambda m: (
            f"buiten bereik na {m[1]} split(s): {_n(m, 2)} lager dan "
            + ("het beste model" if m[3] == "the best" else "het goedkoopste model binnen de marge")
            + f" ({m[4]}) op dezelfde splits; dat is meer dan de marge {_n(m, 5)} plus "
            f"{_n(m, 6)} keer de standaardfout ({_n(m, 7)})"
        ),
    ),
    (
        re.compile(r"finalists re-measured interleaved \((\d+) rounds\): (.+)"),
        lambda m: f"de kosten van de finalisten opnieuw gemeten, om en om ({m[1]} rondes): {m[2]}",
    ),
    (
        re.compile(r"finalists not re-measured: a round measured no CPU time \(timer resolution\)"),
        lambda m: (
            "finalisten niet opnieuw gemeten: een ronde mat geen CPU-tijd (resolutie van de klok)"
        ),
    ),
    (
        re.compile(
            rf"stopped after (\d+) split\(s\): no better than (.+?) beyond the tolerance "
            rf"\({_NUM} ± {_NUM}, tolerance {_NUM}\) and (.+) \({_NUM} vs {_NUM}\), so it "
            r"cannot change the advice"
        ),
        lambda m: (
            f"gestopt na {m[1]} split(s): niet beter dan {m[2]} buiten de marge ({_n(m, 3)} ± "
            f"{_n(m, 4)}, marge {_n(m, 5)}) en {_WHY.get(m[6], m[6])} ({_n(m, 7)} tegen "
            f"{_n(m, 8)}); het kan het advies niet meer veranderen"
        ),
    ),
    (
        re.compile(r"(\d+) of (\d+) splits: further repeats could not change the advice"),
        lambda m: f"{m[1]} van {m[2]} splits: meer herhalingen konden het advies niet veranderen",
    ),
    (
        re.compile(
            r"the analysis's energy budget was reached( first)?"
            r"(?: \((\d+) of (\d+) splits measured\))?"
        ),
        lambda m: (
            ("het energiebudget van de analyse was " + ("eerder op" if m[1] else "op"))
            + (f" ({m[2]} van {m[3]} splits gemeten)" if m[2] else "")
        ),
    ),
    (
        re.compile(r"(\d+) split\(s\) only: the budget ran out before a full cross-validation"),
        lambda m: f"alleen {m[1]} split(s): het budget was op vóór een volledige kruisvalidatie",
    ),
    (
        re.compile(rf"energy budget {_NUM} J reached \({_NUM} J spent\)"),
        lambda m: f"energiebudget van {_n(m, 1)} J bereikt ({_n(m, 2)} J verbruikt)",
    ),
    (
        re.compile(
            rf"plan: (\d+) candidates \((\d+) baselines\), racing over (.+?) on {_NUM} rows: "
            r"(\d+) to (\d+) fits \(.*\)"
        ),
        lambda m: (
            f"plan: {m[1]} modellen ({m[2]} basismodellen), {_cv(m[3])} op {_n(m, 4)} rijen: "
            f"{m[5]} tot {m[6]} trainingen (de basismodellen krijgen één volledige "
            "kruisvalidatie; de andere modellen krijgen alleen meer splits zolang ze het advies "
            "nog kunnen veranderen)"
        ),
    ),
    (
        re.compile(
            rf"plan: (\d+) candidates \((\d+) baselines\), exhaustive: (\d+) × (\d+) fits on "
            rf"{_NUM} rows \((.+)\)"
        ),
        lambda m: (
            f"plan: {m[1]} modellen ({m[2]} basismodellen), alles doorrekenen: {m[3]} × {m[4]} "
            f"trainingen op {_n(m, 5)} rijen ({_cv(m[6])})"
        ),
    ),
    (
        re.compile(r"column '(.+)' has a different value in every row: .*"),
        lambda m: (
            f"kolom '{m[1]}' heeft in elke rij een andere waarde: het lijkt een ID-kolom. Laat "
            "deze kolom weg: een model kan de waarden uit het hoofd leren, en de kolom zegt "
            "niets over de uitkomst"
        ),
    ),
    (
        re.compile(r"text column '(.+)' has (\d+) distinct values: one-hot encoding makes .*"),
        lambda m: (
            f"tekstkolom '{m[1]}' heeft {m[2]} verschillende waarden: one-hot coderen maakt "
            f"daar {m[2]} kolommen van. Voeg zeldzame waarden samen of laat de kolom weg"
        ),
    ),
    (
        re.compile(rf"the tolerance grew to {_NUM} \(.*\), beyond the {_NUM} asked"),
        lambda m: (
            f"de marge is {_n(m, 1)} geworden (de meetruis van de kruisvalidatie op alle data), "
            f"meer dan de gevraagde {_n(m, 2)}"
        ),
    ),
    (
        re.compile(
            r"(exit code -?\d+|no JSON line with \"score\" on stdout)(?:; stderr tail: (.*))?", re.S
        ),
        lambda m: (
            (
                f"afsluitcode {m[1][10:]}"
                if m[1].startswith("exit")
                else 'geen JSON-regel met "score" op stdout'
            )
            + (f"; laatste regels van stderr: {m[2]}" if m[2] is not None else "")
        ),
    ),
    (
        re.compile(r"the score is not a number: (.*)"),
        lambda m: f"de score is geen getal: {m[1]}",
    ),
    (
        re.compile(r"TF32 is a CUDA tensor-core mode; not available on (\S+)"),
        lambda m: f"TF32 is een stand van CUDA-tensorcores; niet beschikbaar op {m[1]}",
    ),
    (
        re.compile(r"(\S+) autocast is not supported on (\S+): (.*)"),
        lambda m: f"{m[1]}-autocast werkt niet op {m[2]}: {m[3]}",
    ),
    (
        re.compile(r"(.+) cannot run here; (.+) is the reference"),
        lambda m: f"{m[1]} kan hier niet draaien; {m[2]} is de referentie",
    ),
    (
        re.compile(r"(.+): fewer than 2 repeats pair with the reference"),
        lambda m: f"{m[1]}: minder dan 2 herhalingen vormen een paar met de referentie",
    ),
    (
        re.compile(r"decided on (.+)"),
        lambda m: "besloten op " + basis_text({"reason": m[1]}, "nl"),
    ),
]


def dutch(text: str) -> str:
    """``text`` (a reason, warning or note algoprint wrote in English) in Dutch.

    Args:
        text: the English sentence as the result document holds it.

    Returns:
        The Dutch sentence, or ``text`` unchanged when it is not one of algoprint's own.
    """
    fixed = _FIXED.get(text)
    if fixed is not None:
        return fixed
    for pattern, build in _RULES:
        m = pattern.fullmatch(text)
        if m:
            return build(m)
    return text


def say(text: str, lang: str) -> str:
    """``text`` in the output language: Dutch for ``nl`` (:func:`dutch`), else unchanged."""
    return dutch(text) if lang == "nl" else text


_METHODS_NL = {
    "counter": "hardwareteller",
    "power-integration": "vermogensintegratie",
    "model": "vermogensmodel",
    "constant": "vaste waarde",
}


def basis_text(basis: dict[str, Any], lang: str) -> str:
    """Why a comparison decides on what it does, from a ``Basis.to_dict()`` (or its reason).

    Args:
        basis: at least ``reason`` (the English sentence of :class:`~._decide.Basis`).
        lang: ``nl`` or ``en``.
    """
    reason = str(basis.get("reason") or "")
    if lang != "nl":
        return reason
    if reason.endswith("(chosen by the user)"):
        what = "energie" if reason.startswith("energy") else "CPU-tijd van het proces"
        return f"{what} (gekozen door de gebruiker)"
    m = re.fullmatch(r"energy, measured by (.+)", reason)
    if m:
        return "energie, gemeten met " + _methods(m[1])
    m = re.fullmatch(
        r"process CPU time: the energy (?:is estimated \((.+?)\), not measured by|comes from "
        r"(.+?), not) a counter, .*",  # the second: analyses stored before 2026-12-02
        reason,
    )
    if m:
        return (
            "CPU-tijd van het proces. De energie is niet gemeten met een teller maar geschat "
            f"({_methods(m[1] or m[2])}): kloktijd × vermogen van de hele machine, dus inclusief "
            "wachttijd en andere processen"
        )
    return reason


def _methods(shown: str) -> str:
    if shown == "no meter":
        return "geen meter"
    return ", ".join(_METHODS_NL.get(m, m) for m in shown.split(", "))
