"""The Algoritmekader measures of *Duurzaam werken met algoritmes*, shipped with algoprint.

The texts are pinned to one Algoritmekader version (:data:`ALGORITMEKADER_VERSION`) and live in
``texts/``: ``nl/`` holds byte-identical copies of the Dutch pages (kept as-is for attribution),
``en/`` holds unofficial translations by algoprint, ``manifest.json`` says which file is which and
``registry.json`` carries the ids of the same measures in MinBZK's task registry (used by AMT).
``scripts/build_kader_texts.py`` regenerates everything except the translations.

The pages are MkDocs Markdown. :meth:`Measure.text` and :func:`topic_text` return a clean
rendering: no front matter, no HTML comments, admonitions as block quotes, site-generated lists
filled from the catalogue, relative links made absolute, and no images (the Algoritmekader does
not licence its images for reuse). Every rendering ends with the attribution line.

Everything is read lazily on first use; PyYAML is imported only then.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from algoprint.errors import AlgoprintError, InputError

__all__ = [
    "ALGORITMEKADER_VERSION",
    "ATTRIBUTION_EN",
    "ATTRIBUTION_NL",
    "LANGUAGES",
    "MEASURE_CODES",
    "Measure",
    "Phase",
    "Role",
    "lifecycle_phases",
    "measure",
    "measures",
    "render_markdown",
    "roles",
    "topic_text",
    "translation_marker",
]

ALGORITMEKADER_VERSION = "v2.5.1"
MEASURE_CODES: tuple[str, ...] = (
    "owp-12",
    "owp-13",
    "dat-06",
    "dat-09",
    "owk-05",
    "owk-06",
    "mon-06",
)
LANGUAGES: tuple[str, ...] = ("nl", "en")
SITE_URL = "https://minbzk.github.io/Algoritmekader/"
REPOSITORY_URL = "https://github.com/MinBZK/Algoritmekader"

ATTRIBUTION_NL = (
    f"Bron: Algoritmekader {ALGORITMEKADER_VERSION} van het Ministerie van Binnenlandse Zaken en "
    f"Koninkrijksrelaties (MinBZK), {REPOSITORY_URL}, gelicentieerd onder EUPL-1.2. Opmaak "
    "vereenvoudigd door algoprint; de Rijksoverheid onderschrijft algoprint niet."
)
ATTRIBUTION_EN = (
    f"Source: Algoritmekader {ALGORITMEKADER_VERSION} by the Dutch Ministry of the Interior and "
    f"Kingdom Relations (MinBZK), {REPOSITORY_URL}, licensed under EUPL-1.2. Unofficial English "
    "translation and simplified formatting by algoprint; not endorsed by the Rijksoverheid."
)


def translation_marker(original_url: str) -> str:
    """The notice that opens every English text (in the file and in the rendering).

    Args:
        original_url: the page of the Dutch original on the Algoritmekader site.
    """
    return (
        "> **Unofficial translation.** This is an unofficial English translation by the algoprint "
        f"project of the Dutch original in the Algoritmekader {ALGORITMEKADER_VERSION} (MinBZK, "
        "EUPL-1.2). It is not endorsed by the Rijksoverheid (the Dutch government). Only the Dutch "
        f"original is authoritative: <{original_url}>"
    )


@dataclass(frozen=True)
class Phase:
    """A phase of the Algoritmekader lifecycle (*levenscyclus*).

    Attributes:
        number: the phase number used by the Algoritmekader (0 to 8).
        slug: the id used in front matter and the task registry, e.g. ``"ontwerp"``.
        name_nl: the Dutch name.
        name_en: an English name (algoprint's translation).
    """

    number: int
    slug: str
    name_nl: str
    name_en: str

    @property
    def source_url(self) -> str:
        """The phase page on the Algoritmekader site."""
        return f"{SITE_URL}levenscyclus/{self.slug}/"

    def name(self, lang: str = "nl") -> str:
        """The name in ``lang`` (``"nl"`` or ``"en"``); raises InputError otherwise."""
        return self.name_en if _check_lang(lang) == "en" else self.name_nl


@dataclass(frozen=True)
class Role:
    """A role (*rol*) of the Algoritmekader.

    Attributes:
        slug: the id used in front matter and the task registry, e.g. ``"ontwikkelaar"``.
        name_nl: the Dutch name (title of the role page).
        name_en: an English name (algoprint's translation).
    """

    slug: str
    name_nl: str
    name_en: str

    @property
    def source_url(self) -> str:
        """The role page on the Algoritmekader site."""
        return f"{SITE_URL}rollen/{self.slug}/"

    def name(self, lang: str = "nl") -> str:
        """The name in ``lang`` (``"nl"`` or ``"en"``); raises InputError otherwise."""
        return self.name_en if _check_lang(lang) == "en" else self.name_nl


# Names from the phase pages docs/levenscyclus/*.md (Algoritmekader v2.5.1), in phase order.
_PHASES = (
    Phase(
        0,
        "organisatieverantwoordelijkheden",
        "Organisatieverantwoordelijkheden",
        "Organisational responsibilities",
    ),
    Phase(1, "probleemanalyse", "Probleemanalyse", "Problem analysis"),
    Phase(2, "ontwerp", "Ontwerp", "Design"),
    Phase(
        3,
        "dataverkenning-en-datapreparatie",
        "Dataverkenning en datapreparatie",
        "Data exploration and data preparation",
    ),
    Phase(4, "ontwikkelen", "Ontwikkelen", "Development"),
    Phase(5, "verificatie-en-validatie", "Verificatie en validatie", "Verification and validation"),
    Phase(6, "implementatie", "Implementatie", "Implementation"),
    Phase(7, "monitoring-en-beheer", "Monitoring en beheer", "Monitoring and management"),
    Phase(8, "uitfaseren", "Uitfaseren", "Phasing out"),
)
# Names from the role pages docs/rollen/*.md (Algoritmekader v2.5.1).
_ROLES = (
    Role("beleid-en-advies", "Beleids- en adviesprofessional", "Policy and advisory professional"),
    Role("jurist", "Jurist", "Legal professional"),
    Role("ontwikkelaar", "Ontwikkelaar", "Developer"),
    Role("projectleider", "Projectleider", "Project leader"),
)


def lifecycle_phases() -> list[Phase]:
    """The nine lifecycle phases, in order (0 organisational responsibilities ... 8 phasing out)."""
    return list(_PHASES)


def roles() -> list[Role]:
    """The roles of the Algoritmekader, sorted by slug."""
    return list(_ROLES)


@dataclass(frozen=True)
class Measure:
    """One Algoritmekader measure (*maatregel*) with its texts and ids.

    Attributes:
        code: the short code, e.g. ``"owp-12"``.
        urn: the Algoritmekader id, e.g. ``"urn:nl:ak:mtr:owp-12"`` (same in the task registry).
        title_nl: the Dutch title.
        title_en: the title of the unofficial English translation.
        lifecycle: lifecycle phase slugs (see :func:`lifecycle_phases`).
        roles: role slugs (see :func:`roles`).
        requirements: slugs of the linked requirements (*vereisten*), e.g.
            ``"awb-01-zorgvuldigheidsbeginsel"``; see :attr:`requirement_urns`.
        registry: the measure's fields in MinBZK's task registry (urn, name, schema_version,
            url, lifecycle, suggested_roles, subject, links, ...), a fresh copy per object.
        source_url: the page on the Algoritmekader site.
        source_file_url: the Markdown file on GitHub at the pinned version tag.
        subjects: topic slugs (*onderwerp*), e.g. ``("publieke-inkoop", "duurzaamheid")``.
        audit_references: norms of audit frameworks the page cites (``sources`` in the front
            matter), e.g. ``{"ADR": "PRI.5", "ARK": "2.20"}``.
    """

    code: str
    urn: str
    title_nl: str
    title_en: str
    lifecycle: tuple[str, ...]
    roles: tuple[str, ...]
    requirements: tuple[str, ...]
    registry: dict[str, Any] = field(hash=False, repr=False)
    source_url: str
    source_file_url: str
    subjects: tuple[str, ...] = ()
    audit_references: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def requirement_urns(self) -> tuple[str, ...]:
        """URNs of the linked requirements, e.g. ``("urn:nl:ak:ver:awb-01",)``."""
        return tuple(_requirement_urn(slug) for slug in self.requirements)

    def title(self, lang: str = "nl") -> str:
        """The title in ``lang``; raises InputError for another language."""
        return self.title_en if _check_lang(lang) == "en" else self.title_nl

    def text(self, lang: str = "nl", *, attribution: bool = True) -> str:
        """The page as clean Markdown (see the module docstring for what is simplified).

        Args:
            lang: ``"nl"`` (the original) or ``"en"`` (starts with :func:`translation_marker`).
            attribution: end with :data:`ATTRIBUTION_NL` / :data:`ATTRIBUTION_EN`.

        Raises:
            InputError: unknown language.
        """
        return _with_attribution(_measure_text(self.code, _check_lang(lang)), lang, attribution)

    def summary(self, lang: str = "nl") -> str:
        """The one-paragraph summary (the page's ``toelichting`` front-matter field)."""
        front, body = _document(_check_lang(lang), _manifest()["measures"][self.code]["file"])
        summary = str(front.get("toelichting") or "").strip()
        return summary or _first_paragraph(body)


def measures() -> list[Measure]:
    """The seven measures of the topic, in :data:`MEASURE_CODES` order."""
    return [_measure(code) for code in MEASURE_CODES]


def measure(code_or_urn: str) -> Measure:
    """One measure by code (``"owp-12"``) or URN (``"urn:nl:ak:mtr:owp-12"``), case-insensitive.

    Raises:
        InputError: not one of the seven measures (the message lists them).
    """
    key = code_or_urn.strip().lower().removeprefix("urn:nl:ak:mtr:")
    if key not in MEASURE_CODES:
        raise InputError(
            f"unknown Algoritmekader sustainability measure {code_or_urn!r}",
            hint=f"use one of {', '.join(MEASURE_CODES)} (or urn:nl:ak:mtr:<code>)",
        )
    return _measure(key)


def topic_text(lang: str = "nl", *, attribution: bool = True) -> str:
    """The topic page *Duurzaam werken met algoritmes* as clean Markdown.

    The site-generated list of recommended measures is filled in from this catalogue.

    Raises:
        InputError: unknown language.
    """
    return _with_attribution(_topic_text(_check_lang(lang)), lang, attribution)


# --- rendering ---------------------------------------------------------------------------

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PLACEHOLDER = re.compile(
    r"^(?P<indent>[ \t]*)<!--\s*(?P<name>list_\w+|tags)\b[^>]*-->[ \t]*$", re.M
)
_ADMONITION = re.compile(
    r"^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)"
    r'(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$'
)
_HEADING_ATTRS = re.compile(r"^(#{1,6}[ \t].*?)[ \t]*\{[^}\n]*\}[ \t]*$", re.M)
_IMAGES = (
    re.compile(r"!\[[^\]]*\]\([^)]*\)(\{[^}]*\})?"),  # ![alt](src){ attrs }
    re.compile(r"!\[[^\]]*\]\[[^\]]*\]"),  # ![alt][ref]
    re.compile(r"<img\b[^>]*>", re.I),
    re.compile(r"^\[[^\]]+\]:[ \t]*\S+\.(?:png|jpe?g|gif|svg|webp|bmp|ico)\b.*$", re.M | re.I),
    re.compile(r"</?(?:figure|figcaption|picture|source)\b[^>]*>", re.I),
)
_LINK = re.compile(
    r"(?<!!)\[(?P<label>[^\]]*)\]\((?P<target>[^)\s]+)(?P<title>[ \t]+\"[^\"]*\")?\)"
)
_BLOCK_MARKERS = re.compile(r"^[ \t]*(?:///.*|</?div\b[^>]*>)[ \t]*$", re.M | re.I)


def render_markdown(
    text: str,
    *,
    docs_path: str,
    placeholders: Mapping[str, list[str]] | None = None,
) -> str:
    """Turn an Algoritmekader MkDocs page into plain, portable Markdown.

    Drops the front matter, HTML comments, heading attribute lists (``{ data-search-exclude }``),
    layout blocks and every image reference; turns admonitions into block quotes (collapsible
    ``expander`` blocks are unwrapped); makes relative links absolute on the Algoritmekader
    site; drops sections left empty.

    Args:
        text: the page, with or without front matter.
        docs_path: the page's path in the Algoritmekader repository (``docs/...md``); relative
            links are resolved against it.
        placeholders: lines to put in place of site-generated lists, by the comment's first word
            (``list_maatregelen``, ``list_vereisten``, ...); unknown ones are dropped.
    """
    body = _split_front_matter(text)[1]
    fill = placeholders or {}

    def placeholder(m: re.Match[str]) -> str:
        return "\n".join(m["indent"] + line for line in fill.get(m["name"], []))

    body = _PLACEHOLDER.sub(placeholder, body)
    body = _COMMENT.sub("", body)
    body = _HEADING_ATTRS.sub(r"\1", body)
    body = _BLOCK_MARKERS.sub("", body)
    for pattern in _IMAGES:
        body = pattern.sub("", body)
    body = re.sub(r"\[\s*\]\([^)]*\)", "", body)  # links whose only content was an image
    body = "\n".join(_admonitions(body.splitlines()))
    page = _page_url(docs_path)
    body = _LINK.sub(lambda m: _absolute_link(m, docs_path, page), body)
    lines = _drop_empty_sections([line.rstrip() for line in body.splitlines()])
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _admonitions(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _ADMONITION.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        base = len(m["indent"].expandtabs())
        block: list[str] = []
        i += 1
        while i < len(lines) and (
            not lines[i].strip() or len(lines[i].expandtabs()) - len(lines[i].lstrip()) > base
        ):
            block.append(lines[i].expandtabs())
            i += 1
        while block and not block[-1].strip():
            i -= 1  # give trailing blank lines back to the surrounding text
            block.pop()
        depth = min((len(b) - len(b.lstrip()) for b in block if b.strip()), default=0)
        inner = _admonitions([b[depth:] for b in block])
        while inner and not inner[0].strip():
            inner.pop(0)
        if not inner:
            continue
        if m["kind"] == "expander":
            out.extend(m["indent"] + b if b else b for b in inner)
            continue
        title = m["title"] or m["kind"].capitalize()
        quoted = [f"> **{title}**", ">"] + [f"> {b}" if b.strip() else ">" for b in inner]
        out.extend(m["indent"] + q for q in quoted)
    return out


def _drop_empty_sections(lines: list[str]) -> list[str]:
    def level(line: str) -> int:
        m = re.match(r"^(#{1,6})[ \t]", line)
        return len(m[1]) if m else 0

    changed = True
    while changed:
        changed = False
        for i, line in enumerate(lines):
            if not (lvl := level(line)):
                continue
            nxt = next((x for x in lines[i + 1 :] if x.strip()), None)
            if nxt is None or 0 < level(nxt) <= lvl:
                del lines[i]
                changed = True
                break
    return lines


def _absolute_link(m: re.Match[str], docs_path: str, page: str) -> str:
    target = m["target"]
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
        return m[0]
    path, _, anchor = target.partition("#")
    anchor = f"#{anchor}" if anchor else ""
    if not path:
        url = page + anchor
    else:
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(docs_path), path))
        if resolved.startswith("docs/") and resolved.endswith(".md"):
            url = _page_url(resolved) + anchor
        elif resolved.startswith("docs/"):
            url = SITE_URL + resolved.removeprefix("docs/").rstrip("/") + "/" + anchor
        else:
            return m[0]
    return f"[{m['label']}]({url}{m['title'] or ''})"


def _page_url(docs_path: str) -> str:
    """The site URL MkDocs gives ``docs/<path>.md`` (directory URLs)."""
    page = docs_path.removeprefix("docs/").removesuffix(".md")
    page = page.removesuffix("index").rstrip("/")
    return f"{SITE_URL}{page}/" if page else SITE_URL


def _first_paragraph(body: str) -> str:
    for raw in re.split(r"\n\s*\n", _COMMENT.sub("", body)):
        block = raw.strip()
        if block and not block.startswith(("#", ">", "!!!", "???")):
            return " ".join(block.split())
    return ""


# --- loading -----------------------------------------------------------------------------


def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InputError(
            f"unsupported language {lang!r} for Algoritmekader texts",
            hint=f"use one of {', '.join(LANGUAGES)}",
        )
    return lang


@functools.cache
def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_read("manifest.json"))
    return data


@functools.cache
def _registry() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_read("registry.json"))
    return data


def _read(name: str) -> str:
    path = resources.files(__package__).joinpath("texts", *name.split("/"))
    if not path.is_file():
        raise AlgoprintError(
            f"Algoritmekader text {name!r} is missing from the algoprint package",
            hint="reinstall algoprint, or run scripts/build_kader_texts.py in a source checkout",
        )
    return path.read_text(encoding="utf-8")


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    m = re.match(r"\A---[ \t]*\r?\n(?P<yaml>.*?)^---[ \t]*\r?$\n?", text, re.S | re.M)
    if not m:
        return {}, text
    try:
        import yaml  # type: ignore[import-untyped, unused-ignore]
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise AlgoprintError(
            "reading the Algoritmekader texts needs PyYAML", hint="pip install pyyaml"
        ) from e
    try:
        data = yaml.safe_load(m["yaml"]) or {}
    except yaml.YAMLError as e:
        raise AlgoprintError(f"invalid front matter in an Algoritmekader text: {e}") from e
    if not isinstance(data, dict):
        raise AlgoprintError("the front matter of an Algoritmekader text is not a mapping")
    return data, text[m.end() :]


@functools.cache
def _document(lang: str, filename: str) -> tuple[Mapping[str, Any], str]:
    return _split_front_matter(_read(f"{lang}/{filename}"))


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


def _requirement_urn(slug: str) -> str:
    m = re.match(r"^([a-z]+-\d+)", slug)
    return f"urn:nl:ak:ver:{m[1] if m else slug}"


@functools.cache
def _measure_fields(code: str) -> dict[str, Any]:
    entry = _manifest()["measures"][code]
    front, _ = _document("nl", entry["file"])
    front_en, _ = _document("en", entry["file"])
    sources = front.get("sources") or {}
    return {
        "code": code,
        "urn": str(front["id"]),
        "title_nl": str(front["title"]).strip(),
        "title_en": str(front_en["title"]).strip(),
        "lifecycle": _strings(front.get("levenscyclus")),
        "roles": _strings(front.get("rollen")),
        "requirements": _strings(front.get("vereiste")),
        "source_url": _page_url(entry["source_path"]),
        "source_file_url": f"{REPOSITORY_URL}/blob/{ALGORITMEKADER_VERSION}/{entry['source_path']}",
        "subjects": _strings(front.get("onderwerp")),
        "audit_ref_items": tuple((str(k), str(v)) for k, v in sources.items()),
    }


def _measure(code: str) -> Measure:
    fields = dict(_measure_fields(code))
    refs = dict(fields.pop("audit_ref_items"))
    registry = json.loads(json.dumps(_registry()["measures"].get(code, {})))  # a deep copy
    return Measure(**fields, registry=registry, audit_references=refs)


def _requirement_lines(requirements: tuple[str, ...]) -> list[str]:
    base = "docs/voldoen-aan-wetten-en-regels/vereisten/"
    return [
        f"- [{slug}]({_page_url(base + slug + '.md')}) ({_requirement_urn(slug)})"
        for slug in requirements
    ]


@functools.cache
def _measure_text(code: str, lang: str) -> str:
    m = _measure(code)
    entry = _manifest()["measures"][code]
    _, body = _document(lang, entry["file"])
    fill = {"list_vereisten_on_maatregelen_page": _requirement_lines(m.requirements)}
    text = render_markdown(body, docs_path=entry["source_path"], placeholders=fill)
    return _insert_title(text, m.title(lang))


@functools.cache
def _topic_text(lang: str) -> str:
    entry = _manifest()["topic"]
    _, body = _document(lang, entry["file"])
    page = _page_url(entry["source_path"])
    pointer = {
        "nl": f"De vereisten bij dit onderwerp staan op de originele pagina: <{page}>",
        "en": f"The requirements for this topic are listed on the original page: <{page}>",
    }[lang]
    fill = {
        "list_maatregelen": [f"- [{m.title(lang)}]({m.source_url}) ({m.code})" for m in measures()],
        "list_vereisten": [pointer],
    }
    return render_markdown(body, docs_path=entry["source_path"], placeholders=fill)


def _insert_title(text: str, title: str) -> str:
    """Add ``# title`` when the page has no H1 (the site renders it from the front matter)."""
    lines = text.splitlines()
    if any(line.startswith("# ") for line in lines):
        return text
    at = 0
    while at < len(lines) and lines[at].startswith(">"):  # keep the translation marker first
        at += 1
    head = [*lines[:at], ""] if at else []
    rest = lines[at:]
    while rest and not rest[0].strip():
        rest.pop(0)
    return "\n".join([*head, f"# {title}", "", *rest]) + "\n"


def _with_attribution(text: str, lang: str, attribution: bool) -> str:
    if not attribution:
        return text
    line = ATTRIBUTION_EN if lang == "en" else ATTRIBUTION_NL
    return f"{text.rstrip()}\n\n---\n\n{line}\n"
