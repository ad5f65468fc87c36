"""algoprint.kader."""
