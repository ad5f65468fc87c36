"""Alembic migration environment of the server tables (shipped in the package)."""
