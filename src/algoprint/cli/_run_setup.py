"""What ``algoprint run`` needs before the command starts, without standing in its way.

A measurement tool in a CI or production job must not be the reason the job failed. So a
broken config file or ``ALGOPRINT_*`` variable, a store that cannot be opened and an algorithm
that cannot be registered are said on stderr, recorded on the run (degradations with sources
``config``, ``store`` and ``register``), and the command runs anyway; the run then goes to the
store's spool or a fallback spool and reaches the store when it next opens. Explicit options
are still checked strictly (a typo in ``--interval`` is refused), and ``--strict`` turns every
such problem back into a refusal before the command starts.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from algoprint.config import Settings, load_settings
from algoprint.errors import AlgoprintError, ConfigError
from algoprint.tracking.record import Degradation

__all__ = ["Setup", "prepare"]


@dataclass
class Setup:
    """Settings, the open store (``None`` when it could not be opened) and the problems."""

    settings: Settings
    store: Any = None
    quiet: bool = False
    problems: list[Degradation] = field(default_factory=list)

    def problem(self, source: str, message: str, hint: str | None = None) -> None:
        """Record a problem for the run and say it (unless ``--quiet``)."""
        self.problems.append(
            Degradation(source=source, message=message, hint=hint, kind="fallback")
        )
        if not self.quiet:
            print(f"algoprint: {message}", file=sys.stderr)
            if hint:
                print(f"  hint: {hint}", file=sys.stderr)


def prepare(
    explicit: Mapping[str, Any], algorithm: str | None, *, quiet: bool, strict: bool
) -> Setup:
    """Load the settings, open the store and register ``algorithm``.

    Raises:
        AlgoprintError: an explicit option is invalid; or, with ``strict``, any problem.
    """
    config_problems: list[ConfigError] = []
    settings = load_settings(explicit, problems=None if strict else config_problems)
    setup = Setup(settings=settings, quiet=quiet)
    for e in config_problems:
        setup.problem("config", f"setting ignored, its default applies: {e.message}", e.hint)
    setup.store = _open(setup, explicit_db=explicit.get("db") is not None, strict=strict)
    if algorithm and setup.store is not None:
        _register(setup, algorithm, quiet=quiet, strict=strict)
    return setup


def _open(setup: Setup, *, explicit_db: bool, strict: bool) -> Any:
    try:
        from algoprint.store import open_store

        store = open_store(setup.settings.db)
        store.recover_stale_runs(stale_after_s=0)
        return store
    except ConfigError:
        if strict or explicit_db:
            raise  # a malformed --db is a usage error
        hint = "fix ALGOPRINT_DB / db in the config file"
        problem = "the store setting is not usable"
    except AlgoprintError as e:
        if strict:
            raise
        hint = e.hint or "check --db / ALGOPRINT_DB"
        problem = f"the store cannot be opened: {e.message}"
    setup.problem("store", f"{problem}; the command runs anyway and the run is spooled", hint)
    return None


def _register(setup: Setup, algorithm: str, *, quiet: bool, strict: bool) -> None:
    from algoprint.kader.register import ensure_algorithm, registration_notice

    try:
        # An unknown slug is registered (or refused under --strict) before anything runs.
        _, created = ensure_algorithm(setup.store, algorithm, strict=strict)
    except AlgoprintError as e:
        if strict:
            raise
        setup.problem(
            "register",
            f"algorithm {algorithm!r} could not be registered: {e.message}",
            "the run is stored with its algorithm name; register it later with "
            f"algoprint algorithm add {algorithm}",
        )
        return
    if created and not quiet:
        print(f"algoprint: {registration_notice(algorithm)}", file=sys.stderr)
