"""The ``algoprint`` command line. Thin: it parses, calls the layers below and prints.

``main()`` is the console-script entry point; it turns every :class:`AlgoprintError` into one
line (plus a hint line) on stderr and exit status 2, so users never see a traceback for a
problem they can fix.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


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
    except KeyboardInterrupt:
        print("algoprint: interrupted", file=sys.stderr)
        return 130
    return int(result) if isinstance(result, int) else 0
