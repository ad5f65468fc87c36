"""The Dutch form of the analyses' English reasons, warnings and notes (advice/_dutch.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from algoprint.advice._decide import choose_basis
from algoprint.advice._dutch import basis_text, dutch, say
from algoprint.advice._measure import BudgetExceeded
from algoprint.advice.simplicity import describe_plan
from tests.cli.test_advise_lang import ENGLISH


def _plan(race: bool, repeats: int) -> str:
    data = SimpleNamespace(n_rows=12_345)
    kinds = ["baseline", "baseline", "estimator"]
    outcomes = [SimpleNamespace(candidate=SimpleNamespace(kind=k)) for k in kinds]
    return describe_plan(data, outcomes, folds=5, repeats=repeats, race=race)  # type: ignore[arg-type]


RACE_OUT = (
    "out of reach after 2 split(s): 0.1234 below the best (boosting) on the same splits, more "
    "than the tolerance 0.0100 plus 2 standard errors (0.0051)"
)
RACE_SETTLED = (
    "stopped after 5 split(s): no better than tree-depth-3 beyond the tolerance (+0.0012 ± "
    "0.0030, tolerance 0.0100) and clearly costlier (0.0123 vs 1,234), so it cannot change the "
    "advice"
)


@pytest.mark.parametrize(
    ("english", "expect"),
    [
        (RACE_OUT, "buiten bereik na 2 split(s): 0,1234 lager dan het beste model (boosting)"),
        (
            RACE_OUT.replace("the best (boosting)", "the pace-setter (logistic)"),
            "lager dan het goedkoopste model binnen de marge (logistic)",
        ),
        (
            "finalists re-measured interleaved (12 rounds): SVC, logistic",
            "de kosten van de finalisten opnieuw gemeten, om en om (12 rondes): SVC, logistic",
        ),
        (RACE_SETTLED, "marge 0,0100) en duidelijk duurder (0,0123 tegen 1.234)"),
        (
            RACE_SETTLED.replace(
                "clearly costlier",
                "not cheaper than the simpler incumbent (a tie goes to the simpler model)",
            ),
            "niet goedkoper dan het eenvoudigere model",
        ),
        (
            "6 of 15 splits: further repeats could not change the advice",
            "6 van 15 splits: meer herhalingen",
        ),
        ("stopped early", "vroeg gestopt"),
        (
            "the analysis's energy budget was reached first (2 of 10 splits measured)",
            "het energiebudget van de analyse was eerder op (2 van 10 splits gemeten)",
        ),
        (
            "1 split(s) only: the budget ran out before a full cross-validation",
            "alleen 1 split(s): het budget was op",
        ),
        (str(BudgetExceeded(1234.5, 1000.0)), "energiebudget van 1.000 J bereikt (1.234 J"),
        (_plan(True, 3), "plan: 3 modellen (2 basismodellen), 3 × 5-voudige kruisvalidatie"),
        (_plan(False, 1), "alles doorrekenen: 3 × 5 trainingen op 12.345 rijen (5-voudige"),
        (
            "column 'code' has a different value in every row: it looks like an identifier; "
            "drop it (a model can memorise it, and it carries no signal)",
            "kolom 'code' heeft in elke rij een andere waarde",
        ),
        (
            "the tolerance grew to 0.03464 (the full-data cross-validation noise), beyond the "
            "0.01 asked",
            "de marge is 0,03464 geworden",
        ),
        ("no candidate was cross-validated in full", "geen enkel model"),
        ("exit code 2; stderr tail: boom", "afsluitcode 2; laatste regels van stderr: boom"),
        ('no JSON line with "score" on stdout', 'geen JSON-regel met "score" op stdout'),
        ("the score is not a number: 'x'", "de score is geen getal: 'x'"),
    ],
)
def test_known_sentences_read_in_dutch(english: str, expect: str) -> None:
    text = dutch(english)
    assert expect in text, text
    assert ENGLISH.findall(text.replace("(boosting)", "")) == [], text
    assert say(english, "en") == english  # English output is left alone


def test_every_deciding_metric_reads_in_dutch() -> None:
    for methods, requested in [
        (["model", "constant"], "auto"),
        (["counter"], "auto"),
        ([], "auto"),
        (["counter"], "energy"),
        (["model"], "cpu"),
    ]:
        basis = choose_basis(methods, requested=requested).to_dict()
        text = basis_text(basis, "nl")
        assert ENGLISH.findall(text) == [], text
        assert basis_text(basis, "en") == basis["reason"]
    assert "vaste waarde, vermogensmodel" in basis_text(
        choose_basis(["model", "constant"]).to_dict(), "nl"
    )


def test_numbers_never_show_an_exponent() -> None:
    text = dutch(RACE_SETTLED.replace("(0.0123 vs 1,234)", "(1.2e-05 vs 3e-05)"))
    assert "e-0" not in text and "0,000012" in text


def test_an_unknown_text_is_shown_as_it_is() -> None:
    assert dutch("ValueError: Input contains NaN") == "ValueError: Input contains NaN"


def test_the_cpu_basis_reason_is_dutch_in_old_and_new_wording() -> None:
    from algoprint.advice._dutch import basis_text

    for reason in (
        "process CPU time: the energy is estimated (constant, model), not measured by a "
        "counter, so it is wall time × machine power and charges sleeps and other processes",
        "process CPU time: the energy comes from constant, model, not a counter, so it is "
        "wall time × machine power and charges sleeps and other processes",  # stored earlier
    ):
        dutch = basis_text({"metric": "cpu", "reason": reason}, "nl")
        assert dutch.startswith("CPU-tijd van het proces. De energie is niet gemeten"), dutch
        assert "energy" not in dutch and "counter" not in dutch
