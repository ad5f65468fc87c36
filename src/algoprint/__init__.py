"""algoprint: measure, monitor and report the energy and environmental impact of algorithms.

The public API is what ``__all__`` lists (a test pins it); every other module is private.
Importing this package stays light: no SQLAlchemy, pandas or plotting is loaded until used.
"""

from __future__ import annotations

from algoprint._version import __version__

__all__ = ["__version__"]
