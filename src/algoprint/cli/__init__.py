"""algoprint.cli."""
