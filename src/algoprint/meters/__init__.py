"""Energy meters: one module per source. See :mod:`algoprint.meters.common` for the shape."""
