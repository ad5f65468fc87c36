"""A self-contained HTML energy flame graph (an icicle chart of nested ``<div>`` elements).

No scripts, no CDN, no external fonts: the file opens offline and can be attached to a report.
Roots are at the top; each frame's width is its share of its parent's energy (or of its wall
time when the energy is unknown), so the widest boxes low down are where the energy goes.
Frames below ``min_fraction`` of the whole are left out to keep the file small.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from pathlib import Path

from algoprint._format import number
from algoprint.advice.code._aggregate import FlameNode, Hotspot

__all__ = ["render_flame_html", "write_flame_html"]

_MAX_DEPTH = 80
_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "algoprint energy profile",
        "unknown": "energy unknown",
        "energy": "energy",
        "wall": "wall time (energy unknown)",
        "widths": "Box widths: share of {basis}. Hover a box for figures.",
    },
    "nl": {
        "title": "algoprint-energieprofiel",
        "unknown": "energie onbekend",
        "energy": "energie",
        "wall": "kloktijd (energie onbekend)",
        "widths": "Breedte van de vakken: aandeel in {basis}. Wijs een vak aan voor de cijfers.",
    },
}
_HEADS = {
    "en": ("function", "file:line", "self s", "total s", "self Wh", "share %"),
    "nl": ("functie", "bestand:regel", "eigen s", "totaal s", "eigen Wh", "aandeel %"),
}

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}.meta{color:#555;font-size:.9em}
.flame{border:1px solid #ccc;padding:2px;overflow:hidden}
.n{box-sizing:border-box;min-width:0}
.l{font:11px/16px monospace;height:16px;white-space:nowrap;overflow:hidden;
text-overflow:ellipsis;border:1px solid #fff;padding:0 2px;cursor:default}
.c{display:flex;flex-direction:row}
table{border-collapse:collapse;margin-top:1em;font-size:.9em}
td,th{border-bottom:1px solid #ddd;padding:2px 8px;text-align:right}
td:nth-child(1),td:nth-child(2),th:nth-child(1),th:nth-child(2){text-align:left}
"""


def _colour(node: FlameNode) -> str:
    """Warm colours for the program's own code, grey for the standard library and packages."""
    file = node.file
    if "site-packages" in file or file.startswith("<frozen") or "/lib/python" in file:
        return "hsl(210,10%,80%)"
    digest = hashlib.sha1(f"{file}:{node.name}".encode(), usedforsecurity=False).hexdigest()
    hue = int(digest[:4], 16) % 50
    return f"hsl({hue},85%,{60 + int(digest[4], 16) % 15}%)"


def _weight(node: FlameNode, by_energy: bool) -> float:
    return (node.energy_j or 0.0) if by_energy else node.total_s


def _node_html(
    node: FlameNode,
    parent_w: float,
    total_w: float,
    *,
    by_energy: bool,
    depth: int,
    cut: float,
    lang: str = "en",
) -> str:
    weight = _weight(node, by_energy)
    width = 100.0 * weight / parent_w if parent_w > 0 else 100.0
    energy = (
        _WORDS[lang]["unknown"]
        if node.energy_j is None
        else f"{number(node.energy_j / 3600, lang)} Wh"
    )
    share = 100.0 * weight / total_w if total_w > 0 else 0.0
    tip = (
        f"{node.name} ({node.file}:{node.line})\n{energy}, {number(node.total_s, lang)} s, "
        f"{number(share, lang)} %"
    )
    parts = [
        f'<div class="n" style="width:{width:.3f}%">',
        f'<div class="l" style="background:{_colour(node)}" title="{html.escape(tip)}">'
        f"{html.escape(node.name)}</div>",
    ]
    kids = [c for c in node.children.values() if _weight(c, by_energy) >= cut]
    if kids and depth < _MAX_DEPTH:
        kids.sort(key=lambda c: _weight(c, by_energy), reverse=True)
        parts.append('<div class="c">')
        parts.extend(
            _node_html(c, weight, total_w, by_energy=by_energy, depth=depth + 1, cut=cut, lang=lang)
            for c in kids
        )
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def render_flame_html(
    tree: FlameNode,
    *,
    hotspots: Sequence[Hotspot] = (),
    title: str | None = None,
    summary: Sequence[str] = (),
    min_fraction: float = 0.002,
    top: int = 25,
    lang: str = "en",
) -> str:
    """The HTML document of an energy flame graph and hotspot table.

    Args:
        tree: the call tree from the profile (root named ``all``).
        hotspots: functions ranked by self energy, shown as a table under the graph.
        title: the page title.
        summary: lines shown under the title (command, energy, method, notes).
        min_fraction: frames below this share of the whole are left out.
        top: number of hotspot rows.
        lang: ``en`` or ``nl``: the page's words and numbers (energies in Wh).
    """
    words = _WORDS["nl" if lang == "nl" else "en"]
    lang = "nl" if lang == "nl" else "en"
    title = title or words["title"]
    by_energy = tree.energy_j is not None and tree.energy_j > 0
    total_w = _weight(tree, by_energy)
    basis = words["energy"] if by_energy else words["wall"]
    rows = []
    for h in list(hotspots)[:top]:
        energy = "—" if h.self_energy_j is None else number(h.self_energy_j / 3600, lang)
        share = "—" if h.share is None else number(100 * h.share, lang)
        rows.append(
            f"<tr><td>{html.escape(h.function)}</td><td>{html.escape(h.location)}</td>"
            f"<td>{number(h.self_s, lang)}</td><td>{number(h.total_s, lang)}</td>"
            f"<td>{energy}</td><td>{share}</td></tr>"
        )
    meta = "".join(f"<div>{html.escape(line)}</div>" for line in summary)
    graph = _node_html(
        tree, total_w, total_w, by_energy=by_energy, depth=0, cut=total_w * min_fraction,
        lang=lang,
    )  # fmt: skip
    head = "".join(f"<th>{html.escape(h)}</th>" for h in _HEADS[lang])
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f'<h1>{html.escape(title)}</h1><div class="meta">{meta}'
        f"<div>{html.escape(words['widths'].format(basis=basis))}</div></div>"
        f'<div class="flame">{graph}</div>'
        f"<table><thead><tr>{head}</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></body></html>\n"
    )


def write_flame_html(path: str | Path, document: str) -> Path:
    """Write the document to ``path`` (parent directories must exist) and return the path."""
    target = Path(path)
    target.write_text(document, encoding="utf-8")
    return target
