"""The shipped Algoritmekader texts, their metadata and the clean rendering."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from algoprint.errors import InputError
from algoprint.kader import catalogue as cat

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared" / "data"
TEXTS = Path(str(resources.files("algoprint.kader").joinpath("texts")))
MANIFEST: dict[str, Any] = json.loads((TEXTS / "manifest.json").read_text(encoding="utf-8"))
REGISTRY: dict[str, Any] = json.loads((TEXTS / "registry.json").read_text(encoding="utf-8"))
SHIPPED_FILES = [entry["file"] for entry in MANIFEST["measures"].values()] + [
    MANIFEST["topic"]["file"]
]
IMAGE_REF = re.compile(r"!\[|<img\b|\.(?:png|jpe?g|gif|svg|webp|bmp)\b", re.I)
MKDOCS_SYNTAX = ("<!--", "!!!", "???", "{ data-search-exclude }", "///", "<div")


def split(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def all_texts() -> list[tuple[str, str]]:
    out = [(f"{m.code}/{lang}", m.text(lang)) for m in cat.measures() for lang in cat.LANGUAGES]
    return out + [(f"topic/{lang}", cat.topic_text(lang)) for lang in cat.LANGUAGES]


# --- the seven measures and their ids ------------------------------------------------------


def test_all_seven_measures_in_order() -> None:
    assert cat.MEASURE_CODES == (
        "owp-12",
        "owp-13",
        "dat-06",
        "dat-09",
        "owk-05",
        "owk-06",
        "mon-06",
    )
    assert [m.code for m in cat.measures()] == list(cat.MEASURE_CODES)
    assert set(MANIFEST["measures"]) == set(cat.MEASURE_CODES)


@pytest.mark.parametrize("code", cat.MEASURE_CODES)
def test_urn_is_valid_and_matches_registry(code: str) -> None:
    m = cat.measure(code)
    assert m.urn == f"urn:nl:ak:mtr:{code}"
    assert re.fullmatch(r"urn:nl:ak:mtr:[a-z]{3}-\d{2}", m.urn)
    assert m.registry["urn"] == m.urn


@pytest.mark.parametrize("code", cat.MEASURE_CODES)
def test_registry_fields_present_and_consistent(code: str) -> None:
    m = cat.measure(code)
    reg = m.registry
    for key in ("urn", "name", "schema_version", "language", "url", "lifecycle", "links"):
        assert key in reg, key
    assert reg["name"] == m.title_nl
    assert reg["lifecycle"] == list(m.lifecycle)
    assert reg["suggested_roles"] == list(m.roles)
    assert reg["links"] == list(m.requirement_urns)
    assert re.fullmatch(r"\d+\.\d+\.\d+", reg["schema_version"])
    assert reg["url"].startswith(m.source_url)


def test_registry_keeps_its_licence_attribution() -> None:
    source = REGISTRY["source"]
    assert source["licence"] == "EUPL-1.2"
    assert "MinBZK/task-registry" in source["attribution"]
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])


def test_registry_copy_is_per_object() -> None:
    cat.measure("owp-12").registry["urn"] = "changed"
    assert cat.measure("owp-12").registry["urn"] == "urn:nl:ak:mtr:owp-12"


@pytest.mark.parametrize("key", ["owp-12", "OWP-12", " owp-12 ", "urn:nl:ak:mtr:owp-12"])
def test_lookup_by_code_or_urn(key: str) -> None:
    assert cat.measure(key).code == "owp-12"


@pytest.mark.parametrize("key", ["owp-99", "urn:nl:ak:mtr:xyz-01", "", "duurzaamheid"])
def test_unknown_measure_raises_input_error_listing_codes(key: str) -> None:
    with pytest.raises(InputError) as err:
        cat.measure(key)
    assert all(code in str(err.value) for code in cat.MEASURE_CODES)


@pytest.mark.parametrize("lang", ["de", "NL", ""])
def test_unknown_language_raises_input_error(lang: str) -> None:
    with pytest.raises(InputError, match="nl, en"):
        cat.measure("mon-06").text(lang)
    with pytest.raises(InputError):
        cat.topic_text(lang)


# --- front matter ----------------------------------------------------------------------------


def test_front_matter_of_owp_12() -> None:
    m = cat.measure("owp-12")
    assert m.title_nl == "Koop duurzaam algoritmes in"
    assert m.title_en == "Procure algorithms sustainably"
    assert m.lifecycle == ("ontwerp",)
    assert m.roles == ("projectleider", "beleid-en-advies")
    assert m.requirements == ("awb-01-zorgvuldigheidsbeginsel",)
    assert m.requirement_urns == ("urn:nl:ak:ver:awb-01",)
    assert m.subjects == ("publieke-inkoop", "duurzaamheid")
    assert m.summary().startswith("Kies softwareoplossingen van aanbieders")
    assert m.summary("en").startswith("Choose software solutions from suppliers")
    assert m.source_url == (
        "https://minbzk.github.io/Algoritmekader/voldoen-aan-wetten-en-regels/maatregelen/"
        "2-owp-12-duurzaam-inkopen/"
    )
    assert "/blob/v2.5.1/docs/" in m.source_file_url


def test_front_matter_of_dat_06_and_dat_09() -> None:
    assert cat.measure("dat-06").lifecycle == (
        "ontwerp",
        "dataverkenning-en-datapreparatie",
        "ontwikkelen",
        "implementatie",
        "monitoring-en-beheer",
    )
    assert cat.measure("dat-09").audit_references == {"ADR": "PRI.5", "ARK": "2.20"}
    assert cat.measure("mon-06").audit_references == {"ADR": "DM.24"}
    assert cat.measure("owk-05").requirements == ()


@pytest.mark.parametrize("code", cat.MEASURE_CODES)
def test_every_measure_has_known_phases_roles_and_summaries(code: str) -> None:
    m = cat.measure(code)
    assert m.lifecycle and set(m.lifecycle) <= {p.slug for p in cat.lifecycle_phases()}
    assert m.roles and set(m.roles) <= {r.slug for r in cat.roles()}
    assert "duurzaamheid" in m.subjects
    assert m.title_nl and m.title_en and m.title_nl != m.title_en
    assert m.summary("nl") and m.summary("en") and m.summary("nl") != m.summary("en")


@pytest.mark.parametrize("filename", SHIPPED_FILES)
def test_english_front_matter_mirrors_dutch(filename: str) -> None:
    nl, _ = split(TEXTS / "nl" / filename)
    en, _ = split(TEXTS / "en" / filename)
    for key in ("id", "levenscyclus", "onderwerp", "rollen", "vereiste", "sources", "hide"):
        assert en.get(key) == nl.get(key), key
    assert en["lang"] == "en"
    assert en["translation_of"] == f"nl/{filename}"
    assert en["title"] != nl["title"]


@pytest.mark.parametrize("filename", SHIPPED_FILES)
def test_translation_made_from_the_shipped_dutch_file(filename: str) -> None:
    en, _ = split(TEXTS / "en" / filename)
    digest = hashlib.sha256((TEXTS / "nl" / filename).read_bytes()).hexdigest()
    assert en["source_sha256"] == digest, "Dutch original changed: update the translation"


def test_version_pin() -> None:
    assert cat.ALGORITMEKADER_VERSION == "v2.5.1"
    assert MANIFEST["algoritmekader"]["version"] == cat.ALGORITMEKADER_VERSION
    assert MANIFEST["algoritmekader"]["licence"] == "EUPL-1.2"


# --- translation marker and attribution ---------------------------------------------------


@pytest.mark.parametrize("filename", SHIPPED_FILES)
def test_english_file_starts_with_translation_marker(filename: str) -> None:
    _, body = split(TEXTS / "en" / filename)
    entry = next(
        e for e in [*MANIFEST["measures"].values(), MANIFEST["topic"]] if e["file"] == filename
    )
    url = cat._page_url(entry["source_path"])
    assert body.lstrip("\n").startswith(cat.translation_marker(url) + "\n")


@pytest.mark.parametrize("code", cat.MEASURE_CODES)
def test_rendered_english_has_marker_and_attribution(code: str) -> None:
    m = cat.measure(code)
    text = m.text("en")
    assert text.startswith(cat.translation_marker(m.source_url))
    assert text.rstrip().endswith(cat.ATTRIBUTION_EN)
    assert f"\n# {m.title_en}\n" in text
    for part in ("unofficial", "algoprint", "v2.5.1", "MinBZK", "EUPL-1.2", "not endorsed"):
        assert part in text


@pytest.mark.parametrize("code", cat.MEASURE_CODES)
def test_rendered_dutch_has_title_attribution_and_no_marker(code: str) -> None:
    m = cat.measure(code)
    text = m.text("nl")
    assert text.startswith(f"# {m.title_nl}\n")
    assert text.rstrip().endswith(cat.ATTRIBUTION_NL)
    assert "Unofficial translation" not in text
    assert cat.ATTRIBUTION_NL not in m.text("nl", attribution=False)


def test_topic_text_in_both_languages() -> None:
    nl, en = cat.topic_text("nl"), cat.topic_text("en")
    assert nl.startswith("# Duurzaam werken met algoritmes\n")
    assert nl.rstrip().endswith(cat.ATTRIBUTION_NL)
    assert en.startswith(cat.translation_marker(cat.SITE_URL + "onderwerpen/duurzaamheid/"))
    assert "\n# Working sustainably with algorithms\n" in en
    assert en.rstrip().endswith(cat.ATTRIBUTION_EN)
    for m in cat.measures():  # the site-generated list is filled from the catalogue
        assert f"[{m.title_nl}]({m.source_url}) ({m.code})" in nl
        assert f"[{m.title_en}]({m.source_url}) ({m.code})" in en


# --- clean rendering, no images ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "text"), all_texts())
def test_rendering_has_no_images_front_matter_or_mkdocs_syntax(name: str, text: str) -> None:
    assert not IMAGE_REF.search(text), name
    assert not text.startswith("---"), name
    for syntax in MKDOCS_SYNTAX:
        assert syntax not in text, (name, syntax)
    assert not re.search(r"\]\((?!https?:|mailto:)", text), f"{name}: relative link left"


def test_requirements_list_is_filled_from_front_matter() -> None:
    text = cat.measure("owp-12").text("nl")
    assert "## Bijbehorende vereiste(n)\n" in text
    assert "(urn:nl:ak:ver:awb-01)" in text
    assert "Bijbehorende vereiste(n)" not in cat.measure("owp-13").text("nl")  # empty: dropped


def test_no_image_files_are_shipped() -> None:
    files = [p for p in TEXTS.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert files
    assert {p.suffix for p in files} <= {".md", ".json"}
    for p in files:
        p.read_bytes().decode("utf-8")  # text only: an image would not decode
    assert {p.name for p in (TEXTS / "nl").iterdir()} == set(SHIPPED_FILES)
    assert {p.name for p in (TEXTS / "en").iterdir()} == set(SHIPPED_FILES)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("![logo](../images/logo.png)\n\nText.", "Text.\n"),
        ("Text ![a](x.svg){ width=300 } more.", "Text  more.\n"),
        ("[![badge](b.png)](https://example.org)\nText.", "Text.\n"),
        ('<img src="x.jpg" alt="x">\nText.', "Text.\n"),
        ("Text.\n\n[ref]: ./img/diagram.png", "Text.\n"),
        ("<figure markdown>\n![x](y.png)\n<figcaption>Cap</figcaption>\n</figure>", "Cap\n"),
    ],
)
def test_render_drops_image_references(source: str, expected: str) -> None:
    assert cat.render_markdown(source, docs_path="docs/onderwerpen/x.md") == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("---\ntitle: T\n---\n\nBody", "Body\n"),
        ("A <!-- note --> B\n<!--\nmulti\n-->\nC", "A  B\n\nC\n"),
        ("## Kop { data-search-exclude }\nText", "## Kop\nText\n"),
        (
            '!!! tip "Tip"\n\n    Line one.\n    Line two.\n\nAfter.',
            "> **Tip**\n>\n> Line one.\n> Line two.\n\nAfter.\n",
        ),
        ("!!! note\n    Body.", "> **Note**\n>\n> Body.\n"),
        ('??? expander "Alle"\n    - item', "- item\n"),
        (
            '??? expander "Alle"\n    <!-- list_vereisten_on_maatregelen_page -->\n\n## Next\nx',
            "## Next\nx\n",
        ),
        ("## Empty\n\n## Full\nText", "## Full\nText\n"),
        (
            "[a](../levenscyclus/ontwerp.md#stap)",
            "[a](https://minbzk.github.io/Algoritmekader/levenscyclus/ontwerp/#stap)\n",
        ),
        ("[a](#anker)", "[a](https://minbzk.github.io/Algoritmekader/onderwerpen/x/#anker)\n"),
        (
            "[a](../levenscyclus/index.md)",
            "[a](https://minbzk.github.io/Algoritmekader/levenscyclus/)\n",
        ),
        ("[a](https://example.org/x.md)", "[a](https://example.org/x.md)\n"),
        ("## Lijst\n<!-- list_maatregelen onderwerp/x no-search -->", "## Lijst\n- filled\n"),
    ],
)
def test_render_markdown_cases(source: str, expected: str) -> None:
    filled = {"list_maatregelen": ["- filled"]}
    got = cat.render_markdown(source, docs_path="docs/onderwerpen/x.md", placeholders=filled)
    assert got == expected


# --- lifecycle phases and roles ----------------------------------------------------------------


def test_lifecycle_phases_are_the_nine_in_order() -> None:
    phases = cat.lifecycle_phases()
    assert [p.slug for p in phases] == [
        "organisatieverantwoordelijkheden",
        "probleemanalyse",
        "ontwerp",
        "dataverkenning-en-datapreparatie",
        "ontwikkelen",
        "verificatie-en-validatie",
        "implementatie",
        "monitoring-en-beheer",
        "uitfaseren",
    ]
    assert [p.number for p in phases] == list(range(9))
    assert phases[3].name("nl") == "Dataverkenning en datapreparatie"
    assert phases[3].name("en") == "Data exploration and data preparation"
    assert all(p.name_en and p.name_nl and p.source_url.endswith(f"/{p.slug}/") for p in phases)


def test_roles() -> None:
    by_slug = {r.slug: r for r in cat.roles()}
    assert set(by_slug) == {"beleid-en-advies", "jurist", "ontwikkelaar", "projectleider"}
    assert by_slug["ontwikkelaar"].name("en") == "Developer"
    assert by_slug["beleid-en-advies"].name_nl == "Beleids- en adviesprofessional"
    with pytest.raises(InputError):
        by_slug["jurist"].name("fr")


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data not present")
def test_phase_and_role_names_match_source_pages() -> None:
    docs = SHARED / "algoritmekader" / "docs"
    for phase in cat.lifecycle_phases():
        page = (docs / "levenscyclus" / f"{phase.slug}.md").read_text(encoding="utf-8")
        assert f"# Fase {phase.number}: {phase.name_nl}\n" in page
    for role in cat.roles():
        page = (docs / "rollen" / f"{role.slug}.md").read_text(encoding="utf-8")
        assert f"\n# {role.name_nl}\n" in page


# --- byte-identical copies and reproducibility --------------------------------------------------


@pytest.mark.parametrize("entry", [*MANIFEST["measures"].values(), MANIFEST["topic"]])
def test_shipped_dutch_copy_matches_manifest_digest(entry: dict[str, Any]) -> None:
    data = (TEXTS / "nl" / entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data not present")
@pytest.mark.parametrize("entry", [*MANIFEST["measures"].values(), MANIFEST["topic"]])
def test_shipped_dutch_copy_is_byte_identical_to_source(entry: dict[str, Any]) -> None:
    source = SHARED / "algoritmekader" / entry["source_path"]
    assert (TEXTS / "nl" / entry["file"]).read_bytes() == source.read_bytes()


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data not present")
def test_build_script_reproduces_shipped_files() -> None:
    script = REPO_ROOT / "scripts" / "build_kader_texts.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--check", "--shared", str(SHARED)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
