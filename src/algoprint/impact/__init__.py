"""algoprint.impact."""
