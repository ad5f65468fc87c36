"""Fixtures: the shared sample store (tests/_sample_store.py)."""

from tests._sample_store import NOW, fresh_store, make_store, shared_store

__all__ = ["NOW", "fresh_store", "make_store", "shared_store"]
