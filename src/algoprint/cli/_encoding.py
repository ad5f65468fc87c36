"""Output that never fails on a terminal that cannot encode it.

algoprint prints a few characters beyond ASCII (``…``, ``—``, ``CO₂``, ``≤``, table borders).
Under an ISO-8859-1 or ASCII locale (``LC_ALL=en_US.ISO-8859-1``, ``PYTHONIOENCODING=latin-1``)
Python raised ``UnicodeEncodeError`` in the middle of ``runs`` or ``show``. :func:`safe_streams`
gives stdout and stderr an error handler that writes an ASCII stand-in for each character the
stream cannot encode (``...``, ``-``, ``CO2``, ``<=``, ``+-|`` for borders, else ``?``); text the
encoding can hold is written unchanged. UTF-8 streams are left alone.
"""

from __future__ import annotations

import codecs
import io
import sys
import unicodedata

__all__ = ["ascii_fallback", "safe_streams"]

HANDLER = "algoprint-ascii"
_PROBE = "…—₂≤─"
_STAND_INS = {
    "…": "...",
    "—": "-",
    "–": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "≤": "<=",
    "≥": ">=",
    "≈": "~",
    "±": "+/-",
    "×": "x",
    "→": "->",
    "←": "<-",
    "•": "*",
    "·": ".",
    "€": "EUR",
    "µ": "u",
    "°": " deg",
}


def _stand_in(char: str) -> str:
    if char in _STAND_INS:
        return _STAND_INS[char]
    name = unicodedata.name(char, "")
    if name.startswith(("BOX DRAWINGS", "HEAVY", "LIGHT")):
        return (
            "|"
            if "VERTICAL" in name and "HORIZONTAL" not in name
            else ("-" if "HORIZONTAL" in name and "VERTICAL" not in name else "+")
        )
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return plain or "?"


def ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: ASCII stand-ins for the characters that could not be encoded."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return "".join(_stand_in(c) for c in chunk), error.end


codecs.register_error(HANDLER, ascii_fallback)


def safe_streams() -> None:
    """Give ``sys.stdout``/``sys.stderr`` the ASCII fallback when they cannot encode Unicode."""
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):
            continue
        try:
            _PROBE.encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            stream.reconfigure(errors=HANDLER)
