"""algoprint.store."""
