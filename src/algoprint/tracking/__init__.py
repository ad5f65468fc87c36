"""algoprint.tracking."""
