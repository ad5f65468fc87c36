"""PDF/A through Typst (the ``typst`` Python package: a self-contained compiler, no network).

The Typst source is generated from the same view as the HTML (``templates/report.typ.j2``);
every user-supplied text is inserted as a Typst string literal, never as markup. Charts are
embedded as SVG images with alternative text. Only the fonts bundled in Typst are used
(``ignore_system_fonts``), so the PDF looks the same on every machine and embeds every font,
as PDF/A requires.

The archival standard is PDF/A-2a (PDF/A-2 with tagged structure for accessibility). When the
installed Typst cannot produce it, PDF/A-2b is tried, then a plain PDF, and the PDF itself
says on its first page which standard it meets (:data:`PDF_STANDARDS`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from algoprint.errors import AlgoprintError, InputError

if TYPE_CHECKING:
    from algoprint.report._view import View

__all__ = ["PDF_STANDARDS", "TypstCode", "compile_pdf", "typst_context", "typst_string"]

PDF_STANDARDS: tuple[str, ...] = ("a-2a", "a-2b")
"""Standards tried in order; the first the compiler accepts is used."""

_LOG = logging.getLogger(__name__)
_NOTE_MARK = "ALGOPRINT-PDF-STANDARD"


class TypstCode(str):
    """Template output inserted as is: Typst source, or a macro's already escaped result
    (the ``verbatim`` filter). Every other expression is escaped by the environment."""

    __slots__ = ()


def typst_string(text: str) -> str:
    """``text`` as a Typst string literal."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{out}"'


def typst_context(view: View) -> dict[str, Any]:
    """Template helpers: ``ts`` (a Typst string literal) and ``svg`` (an SVG as bytes)."""

    def ts(value: Any) -> TypstCode:
        return TypstCode(typst_string("" if value is None else str(value)))

    def svg(markup: str) -> TypstCode:
        return TypstCode(f"bytes({typst_string(markup)})")

    return {"ts": ts, "svg": svg, "standard_note": TypstCode(f"/* {_NOTE_MARK} */")}


def _compile(source: bytes, standard: str | None) -> bytes:
    import typst

    kwargs: dict[str, Any] = {"ignore_system_fonts": True, "format": "pdf"}
    if standard is not None:
        kwargs["pdf_standards"] = [standard]
    result = typst.compile(source, **kwargs)
    if not isinstance(result, bytes):  # pragma: no cover - one PDF for one document
        raise AlgoprintError("Typst returned no single PDF document")
    return result


def compile_pdf(source: str) -> bytes:
    """Compile Typst ``source`` to PDF/A (see the module docstring for the fallbacks).

    Raises:
        InputError: the ``typst`` package is not installed (hint: the ``report`` extra).
        AlgoprintError: the source does not compile (a bug: the message has Typst's error).
    """
    try:
        import typst  # noqa: F401
    except ImportError:
        raise InputError(
            "PDF reports need the typst package",
            hint="pip install 'algoprint[report]' (or choose --format html)",
        ) from None
    errors: list[str] = []
    for standard in (*PDF_STANDARDS, None):
        note = f"PDF/A ({standard.upper()})" if standard else "not PDF/A: " + "; ".join(errors)
        text = source.replace(f"/* {_NOTE_MARK} */", _note(note))
        try:
            return _compile(text.encode("utf-8"), standard)
        except Exception as e:  # typst raises its own RuntimeError subclasses
            message = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            if standard is None:
                raise AlgoprintError(
                    f"the PDF could not be compiled: {message}",
                    hint="report this as a bug; --format html gives the same report",
                ) from None
            _LOG.warning(
                "Typst cannot produce %s (%s); trying the next standard", standard, message
            )
            errors.append(f"{standard}: {message}")
    raise AssertionError("unreachable")  # pragma: no cover


def _note(text: str) -> str:
    return f"#text(size: 8pt)[#{typst_string(text)};]"
