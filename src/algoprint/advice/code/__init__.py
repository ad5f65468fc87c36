"""Energy-efficient code (Algoritmekader owk-05): energy profiles, A/B comparison, a test gate.

- :func:`profile_command` / :class:`profile`: energy per Python function and line, with a
  self-contained HTML flame graph (``algoprint profile -- CMD``).
- :func:`compare_commands` / :func:`compare_callables`: energy ratio B/A with a confidence
  interval (``algoprint compare -- A -- B``).
- :mod:`algoprint.advice.code.gate` and :mod:`algoprint.pytest_plugin`: an energy regression
  gate for test suites (``pytest --algoprint``).

Attributes load on first use, so importing this package stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from algoprint.advice.code.compare import (
        CompareResult,
        compare_callables,
        compare_commands,
        render_compare,
        split_commands,
    )
    from algoprint.advice.code.profile import (
        ProfileResult,
        profile,
        profile_command,
        render_profile,
    )

__all__ = [
    "CompareResult",
    "ProfileResult",
    "compare_callables",
    "compare_commands",
    "profile",
    "profile_command",
    "render_compare",
    "render_profile",
    "split_commands",
]

_LAZY = {
    **{
        name: "algoprint.advice.code.compare"
        for name in (
            "CompareResult",
            "compare_callables",
            "compare_commands",
            "render_compare",
            "split_commands",
        )
    },
    **{
        name: "algoprint.advice.code.profile"
        for name in ("ProfileResult", "profile", "profile_command", "render_profile")
    },
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'algoprint.advice.code' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
