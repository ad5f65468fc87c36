"""Human texts of a cost-to-target comparison (Dutch or English, through the one formatter)."""

from __future__ import annotations

from typing import Any

from algoprint import _format as fmt
from algoprint.advice._dutch import say
from algoprint.advice.training.to_target import SettingToTarget, ToTargetComparison

__all__ = ["VERDICT_LABELS", "cost_text", "lines", "rows", "summary"]

VERDICT_LABELS = {
    "reference": {"nl": "referentie", "en": "reference"},
    "cheaper": {"nl": "goedkoper", "en": "cheaper"},
    "costlier": {"nl": "duurder", "en": "costlier"},
    "no clear difference": {"nl": "geen duidelijk verschil", "en": "no clear difference"},
    "did not reach the target": {"nl": "haalde het doel niet", "en": "did not reach the target"},
    "failed": {"nl": "mislukt", "en": "failed"},
}
_METRIC = {
    "cpu": {"nl": "proces-CPU-tijd", "en": "process CPU time"},
    "energy": {"nl": "gemeten energie", "en": "measured energy"},
}


def _lang(lang: str) -> str:
    return "nl" if lang == "nl" else "en"


def cost_text(value: float | None, metric: str, lang: str) -> str:
    """A cost to target on the deciding metric: ``1,23 s CPU`` or ``0,5 Wh``."""
    if value is None:
        return fmt.na(lang)
    if metric == "energy":
        return fmt.quantity(value, "J", lang)
    return f"{fmt.number(value, lang)} s CPU"


def _saving(ratio: dict[str, float], lang: str) -> str:
    """``38 % (25–49 %)``: the saving 1 - ratio and its interval."""
    low, high = fmt.percent(1 - ratio["high"], lang), fmt.percent(1 - ratio["low"], lang)
    return f"{fmt.percent(1 - ratio['ratio'], lang)} ({low}–{high})"


def rows(c: ToTargetComparison, lang: str) -> list[dict[str, str]]:
    """One row per setting: reached, epochs, cost, energy, ratio and verdict as text."""
    lang = _lang(lang)
    metric = c.basis.metric if c.basis else "cpu"
    out = []
    for s in c.settings:
        epochs = s.epochs_to_target
        ratio = s.ratio
        out.append(
            {
                "setting": s.name,
                "reached": f"{s.reached}/{len(s.attempts)}",
                "epochs": _epochs(epochs, lang),
                "cost": _interval_text(s, metric, lang),
                "energy": fmt.na(lang)
                if s.energy_j is None
                else fmt.quantity(s.energy_j.value, "J", lang),
                "ratio": fmt.na(lang)
                if ratio is None
                else f"{fmt.number(ratio['ratio'], lang)} "
                f"({fmt.number(ratio['low'], lang)}–{fmt.number(ratio['high'], lang)})",
                "verdict": VERDICT_LABELS.get(s.verdict, {}).get(lang, s.verdict),
            }
        )
    return out


def _epochs(epochs: list[int], lang: str) -> str:
    """Mean epochs to target: whole when every repeat needed the same, else two digits."""
    if not epochs:
        return fmt.na(lang)
    if len(set(epochs)) == 1:
        return fmt.integer(epochs[0], lang)
    return fmt.number(sum(epochs) / len(epochs), lang, sig=2)


def _interval_text(s: SettingToTarget, metric: str, lang: str) -> str:
    if s.cost is None:
        return fmt.na(lang)
    value, rel = s.cost.value, s.cost.uncertainty_rel
    return f"{cost_text(value, metric, lang)} ± {fmt.percent(rel, lang)}"


def summary(c: ToTargetComparison, lang: str) -> str:
    """The decision in one or two sentences, saying the metric and the target."""
    lang = _lang(lang)
    metric = c.basis.metric if c.basis else "cpu"
    what = _METRIC[metric][lang]
    target = fmt.number(c.target, lang) if c.target is not None else fmt.na(lang)
    loss = "metric" if c.greater_is_better else "validation loss"
    loss_nl = "metriek" if c.greater_is_better else "validatieverlies"
    missed = [s.name for s in c.settings if s.verdict == "did not reach the target"]
    if c.reason:
        text = f"No advice: {c.reason}." if lang == "en" else f"Geen advies: {c.reason}."
        return text
    rec = c.setting(c.recommended) if c.recommended else None
    if rec is not None and rec.name != c.reference and rec.ratio:
        saving = _saving(rec.ratio, lang)
        if lang == "en":
            text = (
                f"Use {rec.name}: it reaches the target {loss} {target} with {saving} less "
                f"{what} than the reference {c.reference} ({c.repeats} repeats)."
            )
        else:
            text = (
                f"Gebruik {rec.name}: die haalt het doel ({loss_nl} {target}) met {saving} "
                f"minder {what} dan de referentie {c.reference} ({c.repeats} herhalingen)."
            )
    elif lang == "en":
        text = (
            f"Keep {c.reference}: no setting reached the target {loss} {target} clearly "
            f"cheaper (decided on {what}, {c.repeats} repeats)."
        )
    else:
        text = (
            f"Houd {c.reference}: geen instelling haalde het doel ({loss_nl} {target}) "
            f"duidelijk goedkoper (besloten op {what}, {c.repeats} herhalingen)."
        )
    if missed:
        names = ", ".join(missed)
        text += (
            f" Did not reach the target: {names}."
            if lang == "en"
            else f" Haalden het doel niet: {names}."
        )
    text += _early_stop_text(c.early_stop, lang)
    return text


def _early_stop_text(early: dict[str, Any] | None, lang: str) -> str:
    if not early or early["ratio"] >= 0.98:
        return ""
    saving = _saving(early, lang)
    mean = early["epochs_to_target"]
    epoch = fmt.integer(mean, lang) if mean == round(mean) else fmt.number(mean, lang, sig=2)
    planned = fmt.integer(early["planned_epochs"], lang)
    if lang == "en":
        return (
            f" The reference reaches the target after {epoch} of its {planned} epochs: "
            f"stopping there (early stopping) saves {saving}."
        )
    return (
        f" De referentie haalt het doel na {epoch} van de {planned} epochs: daar stoppen "
        f"(early stopping) bespaart {saving}."
    )


_HEADS = {
    "nl": (
        "instelling",
        "gehaald",
        "epochs",
        "kosten tot doel",
        "energie",
        "verhouding",
        "oordeel",
    ),
    "en": ("setting", "reached", "epochs", "cost to target", "energy", "ratio", "verdict"),
}
_KEYS = ("setting", "reached", "epochs", "cost", "energy", "ratio", "verdict")


def lines(
    c: ToTargetComparison,
    lang: str,
    *,
    device: str,
    skipped: list[dict[str, str]],
    notes: list[str],
) -> list[str]:
    """The comparison as a text table, the skipped settings, the notes and the summary."""
    lang = _lang(lang)
    nl = lang == "nl"
    table = [list(_HEADS[lang]), *([r[k] for k in _KEYS] for r in rows(c, lang))]
    widths = [max(len(row[i]) for row in table) for i in range(len(_KEYS))]
    head = (
        f"Trainingsinstellingen op {device}, kosten tot het doel"
        if nl
        else f"Training settings on {device}, cost to the target"
    )
    out = [head + f" ({_METRIC[c.basis.metric if c.basis else 'cpu'][lang]}):"]
    out += [
        "  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]
    word = "overgeslagen" if nl else "skipped"
    out += [f"  {word}: {item['setting']}: {say(item['reason'], lang)}" for item in skipped]
    out += [f"  {'noot' if nl else 'note'}: {say(note, lang)}" for note in [*notes, *c.notes]]
    out.append(summary(c, lang))
    return out
