"""The ``algoprint`` command line. Thin: it parses, calls the layers below and prints.

``main()`` is the console-script entry point; it turns every :class:`AlgoprintError` into one
line (plus a hint line) on stderr and exit status 2, so users never see a traceback for a
problem they can fix. ``algoprint run`` exits with its command's status, so its own errors
(bad options, ``--strict`` refusals) use :data:`WRAPPER_ERROR_EXIT` instead, like ``env``,
``timeout`` and ``docker run`` do.
"""

from __future__ import annotations

import sys

__all__ = ["EXTRAS", "WRAPPER_ERROR_EXIT", "main", "missing_extra"]

WRAPPER_ERROR_EXIT = 125
"""Exit status of ``algoprint run`` when algoprint itself fails before the command ran."""

EXTRAS: dict[str, tuple[str, str]] = {
    # top-level module: (extra, what needs it)
    "typst": ("report", "the PDF report"),
    "babel": ("report", "compiling edited translation catalogues"),
    "sklearn": ("ml", "the model analyses (advise simplicity/minimisation, demo)"),
    "numpy": ("ml", "the model analyses (advise simplicity/minimisation, demo)"),
    "scipy": ("ml", "the model analyses"),
    "pandas": ("ml", "reading data files for the model analyses"),
    "pyarrow": ("ml", "reading data files for the model analyses"),
    "threadpoolctl": ("ml", "pinning thread counts in the model analyses"),
    "openpyxl": ("xlsx", "Excel questionnaires"),
    "torch": ("train", "training analyses"),
    "lightning": ("train", "training analyses"),
    "transformers": ("train", "training analyses"),
    "keras": ("train", "training analyses"),
    "pynvml": ("nvidia", "NVIDIA GPU energy"),
    "psycopg": ("postgres", "a PostgreSQL store"),
    "fastapi": ("server", "the central server and dashboard"),
    "uvicorn": ("server", "the central server and dashboard"),
    "argon2": ("server", "the central server and dashboard"),
    "authlib": ("server", "OIDC login on the central server"),
    "itsdangerous": ("server", "the central server and dashboard"),
    "multipart": ("server", "the central server and dashboard"),
    "prometheus_client": ("metrics", "Prometheus metrics"),
    "opentelemetry": ("otel", "OpenTelemetry metrics"),
    "mlflow": ("mlflow", "MLflow logging"),
    "IPython": ("jupyter", "the Jupyter magics"),
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

    from algoprint.cli._encoding import safe_streams
    from algoprint.cli.app import cli
    from algoprint.errors import AlgoprintError

    safe_streams()
    args = sys.argv[1:] if argv is None else argv
    # `run` passes its command's status on; its own failures must not look like the command's.
    error_exit = WRAPPER_ERROR_EXIT if args[:1] == ["run"] else 2
    try:
        result = cli.main(args=args, prog_name="algoprint", standalone_mode=False)
    except click.exceptions.Abort:
        print("algoprint: aborted", file=sys.stderr)
        return 130
    except click.exceptions.Exit as e:
        return int(e.exit_code)
    except click.ClickException as e:
        e.show()
        return error_exit if e.exit_code == 2 else e.exit_code
    except AlgoprintError as e:
        print(f"algoprint: error: {e.message}", file=sys.stderr)
        if e.hint:
            print(f"  hint: {e.hint}", file=sys.stderr)
        return error_exit
    except ModuleNotFoundError as e:
        message = missing_extra(e)
        if message is None:
            raise
        print(f"algoprint: error: {message}", file=sys.stderr)
        return error_exit
    except KeyboardInterrupt:
        print("algoprint: interrupted", file=sys.stderr)
        return 130
    return int(result) if isinstance(result, int) else 0
