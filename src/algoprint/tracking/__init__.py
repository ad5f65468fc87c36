"""Tracking: the sampler, windows and phases, process attribution and the public API."""

from algoprint.tracking.record import RunRecord, RunStatus
from algoprint.tracking.tracker import Run, Tracker, track

__all__ = ["Run", "RunRecord", "RunStatus", "Tracker", "track"]
