"""Recognise Python command lines and build the child command that profiles them."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PythonTarget", "parse_python_command", "runner_command"]

_PYTHON_NAME = re.compile(r"^python(\d+(\.\d+)*)?(\.exe)?$")
# Interpreter options that take a separate value (``-X dev``, ``-W ignore``).
_WITH_VALUE = ("-X", "-W", "--check-hash-based-pycs")
RUNNER = Path(__file__).with_name("_runner.py")


@dataclass(frozen=True, slots=True)
class PythonTarget:
    """A ``python [options] script.py ARGS`` or ``python [options] -m module ARGS`` command."""

    interpreter: str
    options: tuple[str, ...]
    script: str | None
    module: str | None
    args: tuple[str, ...]


def parse_python_command(argv: Sequence[str]) -> tuple[PythonTarget | None, str | None]:
    """Recognise a Python command that can be profiled function by function.

    Returns:
        ``(target, None)`` for a script or ``-m`` module run; ``(None, reason)`` otherwise,
        with the reason in words (not Python; ``-c`` code; an interactive interpreter).
    """
    if not argv:
        return None, "no command"
    exe = argv[0]
    name = os.path.basename(exe)
    same_as_us = os.path.realpath(exe) == os.path.realpath(sys.executable)
    if not (_PYTHON_NAME.match(name) or same_as_us):
        return None, f"{name} is not a Python interpreter (python, python3, python3.X)"
    options: list[str] = []
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg == "-m" or (arg.startswith("-m") and not arg.startswith("--")):
            module = arg[2:] or (argv[i + 1] if i + 1 < len(argv) else "")
            rest = argv[i + 1 :] if arg != "-m" else argv[i + 2 :]
            if not module:
                return None, "-m without a module name"
            return PythonTarget(exe, tuple(options), None, module, tuple(rest)), None
        if arg == "-c" or (arg.startswith("-c") and not arg.startswith("--")):
            return None, "python -c CODE is not profiled per function (put the code in a file)"
        if arg == "-":
            return None, "a script read from stdin is not profiled per function"
        if arg in _WITH_VALUE:
            options.extend(argv[i : i + 2])
            i += 2
            continue
        if arg.startswith("-"):
            options.append(arg)
            i += 1
            continue
        return PythonTarget(exe, tuple(options), arg, None, tuple(argv[i + 1 :])), None
    return None, "an interactive interpreter (no script or -m module) is not profiled"


def runner_command(
    target: PythonTarget, *, out: str, interval_s: float, bucket_s: float
) -> list[str]:
    """The child command: the user's interpreter and options, running ``_runner.py``."""
    which = ["--module", target.module] if target.module else ["--script", str(target.script)]
    return [
        target.interpreter,
        *target.options,
        str(RUNNER),
        "--out",
        out,
        "--interval",
        repr(interval_s),
        "--bucket",
        repr(bucket_s),
        *which,
        "--",
        *target.args,
    ]
