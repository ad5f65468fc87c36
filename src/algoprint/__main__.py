"""``python -m algoprint`` runs the CLI."""

import sys

from algoprint.cli import main

sys.exit(main())
