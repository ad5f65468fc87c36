"""The one typed settings schema of algoprint.

Precedence (highest first): explicit arguments (Python API or CLI options) > environment
variables ``ALGOPRINT_<NAME>`` > project file ``./algoprint.toml`` > user file
``<user config dir>/algoprint/config.toml`` > defaults. Unknown keys and invalid values are
errors (:class:`~algoprint.errors.ConfigError`) that name the key, the source and the accepted
values. Nothing is read at import time.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from algoprint._format import plain
from algoprint._values import Frozen, fill
from algoprint.errors import ConfigError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = ["SETTING_MAXIMA", "Settings", "load_settings", "user_config_path"]

SCOPES = ("machine", "process")
AUTO_SCOPE = "auto"
"""The default ``scope``: resolved per context by the tracker (see :func:`context_scope`)."""

# Upper bounds of the numeric settings: far above any real value, low enough that arithmetic
# on them stays finite (``cpu_tdp_w = 1e308`` once overflowed into a 0 J run).
SETTING_MAXIMA: dict[str, float] = {
    "interval_s": 3600.0,
    "counter_interval_s": 3600.0,
    "checkpoint_interval_s": 86400.0,
    "cpu_tdp_w": 2000.0,
    "memory_w_per_gb": 10.0,
}


def _positive(name: str) -> Callable[[Any], float]:
    maximum = SETTING_MAXIMA.get(name, math.inf)
    accepted = f"a number > 0 and <= {plain(maximum)}" if math.isfinite(maximum) else "a number > 0"

    def check(value: Any) -> float:
        if isinstance(value, str) and not value.strip():
            raise ConfigError(
                f"{name} is empty", hint=f"set {name} to {accepted}, or leave it unset"
            )
        if isinstance(value, bool):
            raise ConfigError(
                f"{name} must be a number, got {value!r}", hint=f"set {name} to {accepted}"
            )
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            raise ConfigError(
                f"{name} must be a number, got {value!r}", hint=f"set {name} to {accepted}"
            ) from None
        if not math.isfinite(number) or number <= 0 or number > maximum:
            raise ConfigError(
                f"{name} must be {accepted}, got {value!r}", hint=f"set {name} to {accepted}"
            )
        return number

    return check


def _optional_positive(name: str) -> Callable[[Any], float | None]:
    check = _positive(name)

    def inner(value: Any) -> float | None:
        # Empty is refused like an empty db: ALGOPRINT_CPU_TDP_W=$UNSET must not silently
        # fall back to the power table the user meant to override.
        return None if value is None else check(value)

    return inner


def _choice(name: str, choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = str(value)
        if text not in choices:
            raise ConfigError(
                f"{name} must be one of {', '.join(choices)}, got {value!r}",
                hint=f"use {name} = {choices[0]!r}",
            )
        return text

    return check


def _bool(name: str) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(f"{name} must be true or false, got {value!r}")

    return check


def _optional_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _db(value: Any) -> str | None:
    # An empty store setting is refused, never read as "the default store": a variable that
    # expanded to nothing (ALGOPRINT_DB=$UNSET) would otherwise write somewhere unexpected.
    if value is None:
        return None
    text = str(value)
    if not text.strip():
        raise ConfigError(
            "db is empty",
            hint="give a SQLite path or a database URL, or leave db / ALGOPRINT_DB unset",
        )
    return text


def _scope(value: Any) -> str:
    text = str(value)
    if text == AUTO_SCOPE:
        return text
    return _choice("scope", SCOPES)(value)


class Settings(Frozen):
    """All settings, validated. Build with :func:`load_settings`; fields are documented in
    docs/configuration.md (a test checks every field is documented). Immutable: derive a
    changed copy with :func:`replace`."""

    _fields = (
        "db",
        "interval_s",
        "counter_interval_s",
        "checkpoint_interval_s",
        "scope",
        "cpu_tdp_w",
        "cpu_model",
        "memory_w_per_gb",
        "strict",
        "rapl_root",
        "proc_root",
        "cgroup_root",
        "gpu",
        "lang",
        "notices",
        "extra",
    )
    __slots__ = _fields

    db: str | None
    """Store URL or SQLite path; ``None`` = ``<user data dir>/algoprint/runs.sqlite``."""
    interval_s: float
    """Sampling interval of the utilisation models (seconds); 2 s by default, the checkpoint
    cadence, so that a tracker wakes once per checkpoint (docs/configuration.md)."""
    counter_interval_s: float
    """Longest gap between two reads of an energy counter (seconds)."""
    checkpoint_interval_s: float
    """How often a running run is written to the store (seconds): the most a killed run can
    lose (docs/store.md)."""
    scope: str
    """Which figure is the headline: ``machine`` or ``process``; ``auto`` (default) picks by
    context (:func:`context_scope`)."""
    cpu_tdp_w: float | None
    """Override the CPU power (W, per socket) for the CPU model."""
    cpu_model: str | None
    """Override the CPU model name looked up in the power table."""
    memory_w_per_gb: float | None
    """Override the memory power model (W per GB)."""
    strict: bool
    """Turn every degradation (fallback meter, unknown CPU) into an error."""
    rapl_root: str
    """Where the RAPL powercap tree is (tests point this at a fake tree)."""
    proc_root: str
    """Where procfs is."""
    cgroup_root: str
    """Where the cgroup filesystem is."""
    gpu: bool
    """Measure GPUs when present."""
    lang: str
    """Language of every human output (reports, tables, texts): ``nl`` or ``en``."""
    notices: str
    """Repeated notices (no location, unknown CPU): ``once`` per store, or ``always``."""
    extra: Mapping[str, Any]
    """Sections owned by other layers (location, datacentres), validated there."""

    def __init__(
        self,
        *,
        db: str | None = None,
        interval_s: float = 2.0,
        counter_interval_s: float = 10.0,
        checkpoint_interval_s: float = 2.0,
        scope: str = AUTO_SCOPE,
        cpu_tdp_w: float | None = None,
        cpu_model: str | None = None,
        memory_w_per_gb: float | None = None,
        strict: bool = False,
        rapl_root: str = "/sys/class/powercap",
        proc_root: str = "/proc",
        cgroup_root: str = "/sys/fs/cgroup",
        gpu: bool = True,
        lang: str = "nl",
        notices: str = "once",
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        fill(
            self,
            db=db,
            interval_s=interval_s,
            counter_interval_s=counter_interval_s,
            checkpoint_interval_s=checkpoint_interval_s,
            scope=scope,
            cpu_tdp_w=cpu_tdp_w,
            cpu_model=cpu_model,
            memory_w_per_gb=memory_w_per_gb,
            strict=strict,
            rapl_root=rapl_root,
            proc_root=proc_root,
            cgroup_root=cgroup_root,
            gpu=gpu,
            lang=lang,
            notices=notices,
            extra={} if extra is None else extra,
        )


_VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "db": _db,
    "interval_s": _positive("interval_s"),
    "counter_interval_s": _positive("counter_interval_s"),
    "checkpoint_interval_s": _positive("checkpoint_interval_s"),
    "scope": _scope,
    "cpu_tdp_w": _optional_positive("cpu_tdp_w"),
    "cpu_model": _optional_str,
    "memory_w_per_gb": _optional_positive("memory_w_per_gb"),
    "strict": _bool("strict"),
    "rapl_root": str,
    "proc_root": str,
    "cgroup_root": str,
    "gpu": _bool("gpu"),
    "lang": _choice("lang", ("nl", "en")),
    "notices": _choice("notices", ("once", "always")),
}

# Top-level TOML tables that belong to other layers; passed through in ``extra``.
EXTRA_SECTIONS = (
    "location",
    "datacentres",
    "hardware",
    "report",
    "server",
    "services",
    "amt",
)


def user_config_path() -> Path:
    """The user-level config file."""
    from algoprint._dirs import user_dir

    return Path(user_dir("config")) / "config.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # only when a config file exists

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path} is not valid TOML: {e}", hint="fix the file or remove it") from e
    except UnicodeDecodeError as e:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {e.start}: {e.reason})",
            hint="a config file is TOML in UTF-8; fix the file or remove it",
        ) from e
    except OSError as e:
        raise ConfigError(f"cannot read config file {path}: {e.strerror}") from e


def _apply(
    values: dict[str, Any],
    extra: dict[str, Any],
    data: Mapping[str, Any],
    source: str,
    problems: list[ConfigError] | None = None,
) -> None:
    """Validate ``data`` into ``values``/``extra``. With ``problems``, a bad key is skipped
    and its error appended instead of raised (the tracker's lenient mode)."""
    for key, value in data.items():
        try:
            _apply_one(values, extra, key, value, source)
        except ConfigError as e:
            if problems is None:
                raise
            problems.append(e)


def _apply_one(
    values: dict[str, Any], extra: dict[str, Any], key: str, value: Any, source: str
) -> None:
    if key in EXTRA_SECTIONS:
        if not isinstance(value, Mapping):
            raise ConfigError(f"[{key}] in {source} must be a table")
        merged = dict(extra.get(key, {}))
        merged.update(value)
        extra[key] = merged
        return
    if key not in _VALIDATORS:
        known = ", ".join(sorted([*_VALIDATORS, *EXTRA_SECTIONS]))
        raise ConfigError(f"unknown setting {key!r} in {source}", hint=f"known settings: {known}")
    try:
        values[key] = _VALIDATORS[key](value)
    except ConfigError as e:
        raise ConfigError(f"{e.message} (from {source})", hint=e.hint) from None


_FLEET_ENV = {"prometheus_url", "job_id", "node_id", "job_dir"}
"""ALGOPRINT_* variables read by algoprint.fleet (docs/fleet.md), not settings."""


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    project_file: Path | None = None,
    user_file: Path | None = None,
    problems: list[ConfigError] | None = None,
) -> Settings:
    """Build the settings from defaults, files, environment and explicit overrides.

    Args:
        overrides: explicit values (API arguments, CLI options); ``None`` values are ignored.
        env: environment to read ``ALGOPRINT_*`` from (default ``os.environ``).
        project_file: project config (default ``./algoprint.toml`` when it exists).
        user_file: user config (default :func:`user_config_path` when it exists).
        problems: lenient mode (the tracker, ``algoprint run``): an unreadable file, an
            unknown variable or a bad value in a file or the environment is appended here and
            skipped (its default applies) instead of raised. Explicit ``overrides`` still raise.

    Raises:
        ConfigError: an unknown key or invalid value, naming where it came from.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    user = user_file if user_file is not None else user_config_path()
    project = project_file if project_file is not None else Path.cwd() / "algoprint.toml"
    for path in (user, project):
        if path.is_file():
            try:
                data = _read_toml(path)
            except ConfigError as e:
                if problems is None:
                    raise
                problems.append(e)
                continue
            _apply(values, extra, data, str(path), problems)
    env_values: dict[str, Any] = {}
    for name, raw in env.items():
        if not name.startswith("ALGOPRINT_"):
            continue
        key = name[len("ALGOPRINT_") :].lower()
        if key in _VALIDATORS:
            env_values[key] = raw
        elif (
            key
            in {"config", "location", "cloud", "region", "datacentre", "year", "amt_session"}
            | _FLEET_ENV
        ):
            # Owned by other layers (impact location, the AMT client, fleet); read there.
            extra.setdefault("env", {})[key] = raw
        elif key in {"server", "token"} or key.startswith("serve_"):
            # The server to upload to (tracking.upload) and the server's own settings
            # (server.settings) are read there.
            continue
        else:
            known = ", ".join("ALGOPRINT_" + k.upper() for k in sorted(_VALIDATORS))
            problem = ConfigError(f"unknown environment variable {name}", hint=f"known: {known}")
            if problems is None:
                raise problem
            problems.append(problem)
    _apply(values, extra, env_values, "environment", problems)
    _apply(
        values, extra, {k: v for k, v in (overrides or {}).items() if v is not None}, "arguments"
    )
    values["extra"] = extra
    return Settings(**values)


def context_scope() -> str:
    """The headline scope when none was set (``scope = "auto"``).

    ``process`` inside an interactive or shared interpreter (a REPL, a Jupyter kernel, IPython):
    other work shares the machine there, and counting all of it would charge one cell with the
    whole machine. ``machine`` otherwise: a dedicated job (a script, ``algoprint run``) owns the
    machine while it runs, and overlapping machine-scope runs are split by the store.
    """
    import sys

    if hasattr(sys, "ps1") or sys.flags.interactive:
        return "process"
    # Libraries import IPython for display helpers; only a running shell (a notebook kernel
    # or the IPython REPL) makes this a shared interpreter.
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    if get_ipython is not None and get_ipython() is not None:
        return "process"
    return "machine"


def settings_fields() -> list[str]:
    """Names of all top-level settings (for docs checks)."""
    return [name for name in Settings._fields if name != "extra"]


def replace(settings: Settings, **changes: Any) -> Settings:
    """A copy of ``settings`` with validated changes."""
    validated = {k: _VALIDATORS[k](v) for k, v in changes.items()}
    result: Settings = settings.replace(**validated)
    return result
