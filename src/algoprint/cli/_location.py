"""Where the energy is used, for the commands that print impacts; and the impact table.

Every command that turns energy into CO2e or water takes the same options (``--location``,
``--cloud``/``--region``, ``--datacentre``) and resolves them here with
:func:`algoprint.impact.location.resolve_location`. Precedence, highest first: the options >
the algorithm's registered location (runs of a registered algorithm) > ``ALGOPRINT_LOCATION``
and friends > the ``[location]`` table of algoprint.toml / the user config.

When nothing at all is configured the impacts are never computed against a silent default:

* in a terminal (stdin is a TTY) algoprint asks once for the country (default NL) and offers
  to save it to the user config file as ``[location] zone = "NL"``;
* otherwise (tests, CI, pipes) it says on stderr which zone it used (NL) and how to set one.
"""

from __future__ import annotations

import contextlib
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from algoprint import _format
from algoprint.errors import AlgoprintError, ConfigError, ImpactError

if TYPE_CHECKING:
    from algoprint.impact.location import LocationProfile
    from algoprint.impact.model import ImpactDocument
    from algoprint.tracking.record import RunRecord

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_ZONE = "NL"
"""The zone used when nothing is configured and nobody can be asked (said on stderr)."""

HOW_TO_SET = (
    '--location ZONE (ISO country code), ALGOPRINT_LOCATION=ZONE, or [location] zone = "NL" '
    "in algoprint.toml"
)
HOW_TO_SET_NL = (
    '--location ZONE (ISO-landcode), ALGOPRINT_LOCATION=ZONE of [location] zone = "NL" in '
    "algoprint.toml"
)


def _memo() -> dict[str, Any]:
    """Per-invocation memory (the click context's ``meta``), so "ask once" and "say once" hold
    for one command line, also when tests run many in one process."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta if ctx is not None else {}


def location_options(func: F) -> F:
    """``--location/--zone ZONE``, ``--cloud PROVIDER --region REGION``, ``--datacentre NAME``."""
    options = [
        click.option(
            "--location",
            "--zone",
            "location",
            metavar="ZONE",
            help="Grid zone where the energy is used: ISO country code (NL, DE, ...).",
        ),
        click.option(
            "--cloud", metavar="PROVIDER", help="Cloud provider (gcp, aws, azure); with --region."
        ),
        click.option("--region", metavar="REGION", help="Cloud region, e.g. europe-west4."),
        click.option(
            "--datacentre",
            metavar="NAME",
            help="Datacentre profile: a [datacentres.NAME] table in the config, or a shipped "
            "profile (algoprint factors --kind datacentre).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def stdin_is_tty() -> bool:
    """Whether a person can be asked (stdin is a terminal)."""
    stream = sys.stdin
    return bool(stream is not None and stream.isatty())


def resolve_cli_location(
    settings_extra: Mapping[str, Any],
    *,
    location: str | None = None,
    cloud: str | None = None,
    region: str | None = None,
    datacentre: str | None = None,
    registered: LocationProfile | None = None,
    ask: bool = True,
) -> LocationProfile:
    """The location profile for a command's impacts (see the module doc for the precedence).

    Args:
        settings_extra: ``Settings.extra`` (``[location]``, ``[datacentres]``, env).
        location, cloud, region, datacentre: the command's options.
        registered: the algorithm's own location from the register, if any.
        ask: ask (in a terminal) or say (elsewhere) when nothing is configured; ``False``
            returns the unconfigured profile.

    Raises:
        ImpactError: unknown zone, region or datacentre, or impossible datacentre figures.
    """
    from algoprint.impact.location import resolve_location

    given = any(v is not None for v in (location, cloud, region, datacentre))
    if given or registered is None:
        profile = resolve_location(
            settings_extra, location=location, cloud=cloud, region=region, datacentre=datacentre
        )
        if profile.configured or not ask:
            return profile
        if given:  # only --region without a provider leaves the profile unconfigured
            raise ImpactError(
                "--region needs --cloud (the provider)",
                hint="e.g. --cloud gcp --region europe-west4",
            )
    if registered is not None:
        return registered
    return ask_or_default(settings_extra)


def ask_or_default(settings_extra: Mapping[str, Any]) -> LocationProfile:
    """Ask once for the country in a terminal (and offer to save it), else say plainly which
    default zone is used and how to set one."""
    from algoprint.impact.location import default_location

    memo = _memo()
    asked = memo.get("algoprint.asked_zone")
    if asked is not None:
        return replace(default_location(asked), sources={"zone": "asked"})
    if stdin_is_tty():
        profile = _ask(settings_extra)
        memo["algoprint.asked_zone"] = profile.zone
        return profile
    if not memo.get("algoprint.said_default") and not _said_for_store("no-location"):
        memo["algoprint.said_default"] = True
        if _command_lang() == "nl":
            click.echo(
                f"algoprint: geen locatie ingesteld; de impact is berekend met de standaardzone "
                f"{DEFAULT_ZONE} (gemiddelde van het Nederlandse stroomnet, standaardwaarden "
                "voor PUE en WUE).",
                err=True,
            )
            click.echo(f"  stel uw eigen locatie in met {HOW_TO_SET_NL}", err=True)
        else:
            click.echo(
                f"algoprint: no location configured; impacts use the default zone "
                f"{DEFAULT_ZONE} (Dutch grid average, default PUE and WUE).",
                err=True,
            )
            click.echo(f"  set yours with {HOW_TO_SET}", err=True)
    return default_location(DEFAULT_ZONE)


def _command_lang() -> str:
    """The output language of the running command (its resolved ``--lang``), else ``en``."""
    ctx = click.get_current_context(silent=True)
    lang = ctx.params.get("lang") if ctx is not None else None
    return "nl" if lang == "nl" else "en"


def _said_for_store(key: str) -> bool:
    """Whether notice ``key`` was shown before for the store of this command line."""
    from algoprint.cli._notices import said_before
    from algoprint.config import load_settings
    from algoprint.store import resolve_url

    ctx = click.get_current_context(silent=True)
    db = ctx.params.get("db") if ctx is not None else None
    try:
        store = resolve_url(load_settings({"db": db}).db)
    except AlgoprintError:
        return False
    return said_before(store, key)


def _zone_value(text: str) -> str:
    from algoprint.impact.location import default_location

    try:
        zone = default_location(text.strip() or DEFAULT_ZONE).zone
    except ImpactError as e:
        raise click.UsageError(e.message) from None
    assert zone is not None
    return zone


def _ask(settings_extra: Mapping[str, Any]) -> LocationProfile:
    from algoprint.config import user_config_path
    from algoprint.impact.location import default_location

    click.echo(
        "No location configured: impacts depend on the grid the energy comes from.", err=True
    )
    zone: str = click.prompt(
        "In which country does this run? ISO code",
        default=DEFAULT_ZONE,
        value_proc=_zone_value,
        err=True,
    )
    path = user_config_path()
    if click.confirm(f'Save [location] zone = "{zone}" to {path}?', default=True, err=True):
        save_user_zone(zone, path)
        click.echo(f"Saved. Override it any time with --location ZONE or edit {path}.", err=True)
    profile = default_location(zone)
    return replace(profile, sources={"zone": "asked"})


def save_user_zone(zone: str, path: Path) -> None:
    """Write ``[location] zone = ZONE`` into the TOML file at ``path``, keeping what is there.

    Raises:
        ConfigError: the file is not valid TOML, already sets a zone, keeps ``location`` in a
            form this edit cannot safely change, or cannot be written.
    """
    line = f'zone = "{zone}"\n'
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(
            f"cannot update {path}: {e}", hint=f"add [location] zone = {zone!r} by hand"
        ) from None
    table = data.get("location")
    if table is None:
        new = text + ("" if not text or text.endswith("\n") else "\n")
        new += ("\n" if text.strip() else "") + "[location]\n" + line
    else:
        lines = text.splitlines(keepends=True)
        header = [i for i, s in enumerate(lines) if s.split("#", 1)[0].strip() == "[location]"]
        if not isinstance(table, dict) or "zone" in table or len(header) != 1:
            raise ConfigError(
                f"{path} already has a location setting that this prompt will not change",
                hint=f'set zone = "{zone}" in its [location] table by hand',
            )
        lines.insert(header[0] + 1, line)
        new = "".join(lines)
    if tomllib.loads(new).get("location", {}).get("zone") != zone:  # pragma: no cover - guard
        raise ConfigError(f"could not write the zone into {path}", hint="add it by hand")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new, encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot write {path}: {e.strerror}", hint="add it by hand") from None


def registered_location(store: Any, algorithm: str | None, extra: Mapping[str, Any]) -> Any:
    """The registered location of ``algorithm`` (``None`` when unregistered or without one)."""
    if algorithm is None:
        return None
    try:
        from algoprint.kader.register import get_algorithm, location_profile
    except ImportError:  # pragma: no cover - the register is optional
        return None
    from algoprint.errors import InputError, NotFound

    try:
        algo = get_algorithm(store, algorithm)
    except (NotFound, InputError):
        return None
    profile = location_profile(algo, extra)
    if profile is None:
        return None
    return replace(profile, sources={**profile.sources, "zone": f"algorithm {algorithm}"})


# -------------------------------------------------------------------------------- impacts


def run_impacts(
    record: RunRecord, profile: LocationProfile, settings_extra: Mapping[str, Any] | None = None
) -> ImpactDocument:
    """Impacts of a stored run, computed now from its energy (never stored); the
    ``[hardware]`` table in ``settings_extra`` describes the machine for embodied figures."""
    from algoprint.impact.compute import impacts_for_run

    return impacts_for_run(record, profile, settings_extra=settings_extra)


def impact_fields(doc: ImpactDocument, profile: LocationProfile | None) -> dict[str, Any]:
    """The ``impacts``, ``factors``, ``factor_version``, ``location`` and ``impact_notes``
    fields added to a JSON document (docs/run-schema.md)."""
    data = doc.to_dict()
    return {
        "impacts": data["impacts"],
        "factors": data["factors"],
        "factor_version": data["factor_version"],
        "location": None if profile is None else profile.to_dict(),
        "impact_notes": {
            "missing": data["missing"],
            "defaults": data["defaults"],
            "notes": data["notes"],
        },
    }


def quantity(value: float, unit: str) -> str:
    """``12.3 kg CO₂e``-style text in a unit people know, through the one formatter of every
    human output (:mod:`algoprint._format`; never joules or an exponent)."""
    return _format.quantity(value, unit, "en")


def interval(value: float, low: float, high: float, unit: str, lang: str = "en") -> str:
    """``9.80–15.1 kg CO₂e``: the ~95 % interval in the unit chosen for ``value``."""
    if low == high == value:
        return "exact"
    factor, name = _format.scale_factor(value or max(abs(low), abs(high)), unit)
    return f"{_format.number(low * factor, lang)}–{_format.number(high * factor, lang)} {name}"


LABELS = {
    "energy_it_j": "energy (IT)",
    "energy_facility_j": "energy (facility, × PUE)",
    "co2e_location_g": "CO2e location-based",
    "co2e_market_g": "CO2e market-based",
    "co2e_market_wtt_g": "CO2e chain (scope 3.3)",
    "water_onsite_l": "water on site",
    "water_offsite_l": "water off site",
    "water_l": "water",
    "embodied_gwp_g": "embodied CO2e",
    "embodied_adpe_g_sbeq": "embodied ADPe",
    "embodied_pe_j": "embodied primary energy",
    "co2e_total_g": "CO2e total",
    "sci_g_per_unit": "SCI",
}


_ORIGIN_NL = {"default": "standaard", "asked": "gevraagd"}


def where_text(profile: LocationProfile | None, lang: str = "en") -> str:
    """``NL (default)``, ``gcp:europe-west4 (NL)``-style text for a profile."""
    if profile is None:
        return "geen locatie" if lang == "nl" else "no location"
    parts = [profile.zone or "?"]
    if profile.cloud:
        parts = [f"{profile.cloud}:{profile.region} ({profile.zone})"]
    if profile.datacentre:
        parts = [f"{profile.datacentre} ({profile.zone})"]
    origin = profile.sources.get("zone")
    if origin in {"default", "asked"}:
        parts.append(f"({_ORIGIN_NL[origin] if lang == 'nl' else origin})")
    return " ".join(parts)


def impacts_table(
    doc: ImpactDocument, keys: tuple[str, ...] | None = None, lang: str = "en", wide: bool = False
) -> Any:
    """A rich table: impact and value; the ~95 % interval and the method only with ``wide``
    (the table fits 80 columns without them). Labels from the report catalogues, in ``lang``."""
    from rich.table import Table

    from algoprint.cli._format import label
    from algoprint.report.labels import IMPACT_LABELS

    nl = lang == "nl"
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("impact", justify="left")
    table.add_column("waarde" if nl else "value", justify="right")
    if wide:
        table.add_column("~95 %-interval" if nl else "~95 % interval", justify="right")
        table.add_column("methode" if nl else "method", overflow="fold")
    for key, impact in doc.impacts.items():
        if keys is not None and key not in keys:
            continue
        cells = [label(IMPACT_LABELS, key, lang), _format.quantity(impact.value, impact.unit, lang)]
        if wide:
            cells += [interval(impact.value, impact.low, impact.high, impact.unit, lang)]
            cells += [impact.method]
        table.add_row(*cells)
    return table


@contextlib.contextmanager
def cli_words(terms: Mapping[str, str]) -> Iterator[None]:
    """Re-raise a domain error with its Python API names (``cpu_tdp_w``) replaced by the
    command-line words (``--cpu-tdp``), so a hint names what the user can type."""
    try:
        yield
    except AlgoprintError as e:
        message, hint = e.message, e.hint
        for api, cli in terms.items():
            message = message.replace(api, cli)
            hint = None if hint is None else hint.replace(api, cli)
        if (message, hint) == (e.message, e.hint):
            raise
        raise type(e)(message, hint=hint) from e
