"""algoprint.report."""
