"""The ``algoprint`` command line. Thin: it parses, calls the layers below and prints.

``main()`` is the console-script entry point; it turns every :class:`AlgoprintError` into one
line (plus a hint line) on stderr and exit status 2, so users never see a traceback for a
problem they can fix.
"""

from __future__ import annotations

import sys

__all__ = ["EXTRAS", "main", "missing_extra"]

EXTRAS: dict[str, tuple[str, str]] = {
    # top-level module: (extra, what needs it)
    "typst": ("report", "the PDF report"),
    "babel": ("report", "compiling edited translation catalogues"),
    "sklearn": ("ml", "the model analyses (advise simplicity/minimisation, demo)"),
    "numpy": ("ml", "the model analyses (advise simplicity/minimisation, demo)"),
    "scipy": ("ml", "the model analyses"),
    "openpyxl": ("xlsx", "Excel questionnaires"),
    "torch": ("train", "training analyses"),
    "lightning": ("train", "training analyses"),
    "transformers": ("train", "training analyses"),
    "keras": ("train", "training analyses"),
    "pynvml": ("nvidia", "NVIDIA GPU energy"),
    "psycopg": ("postgres", "a PostgreSQL store"),
}
"""Optional modules and the extra that brings each (README: "Extras")."""


def missing_extra(error: ModuleNotFoundError) -> str | None:
    """The one-line message for an optional dependency that is not installed, or ``None`` when
    the missing module is no optional dependency (then it is a bug and shows as one)."""
    top = (error.name or "").split(".")[0]
    if top not in EXTRAS:
        return None
    extra, purpose = EXTRAS[top]
    return f"{purpose} needs {top}: pip install 'algoprint[{extra}]'"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit status (also used by ``python -m algoprint``)."""
    import click

    from algoprint.cli.app import cli
    from algoprint.errors import AlgoprintError

    try:
        result = cli.main(args=argv, prog_name="algoprint", standalone_mode=False)
    except click.exceptions.Abort:
        print("algoprint: aborted", file=sys.stderr)
        return 130
    except click.exceptions.Exit as e:
        return int(e.exit_code)
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except AlgoprintError as e:
        print(f"algoprint: error: {e.message}", file=sys.stderr)
        if e.hint:
            print(f"  hint: {e.hint}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as e:
        message = missing_extra(e)
        if message is None:
            raise
        print(f"algoprint: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("algoprint: interrupted", file=sys.stderr)
        return 130
    return int(result) if isinstance(result, int) else 0
