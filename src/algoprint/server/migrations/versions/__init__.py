"""Alembic revisions of the server tables, oldest first."""
