"""algoprint.advice."""
