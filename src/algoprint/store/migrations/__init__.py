"""Alembic migration environment of the run store (shipped in the package, run by ``_migrate``)."""
