"""The REST API under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``).

Every endpoint authenticates with ``Authorization: Bearer TOKEN`` and works within the
token's organisation only. Errors use one JSON envelope
(:func:`~algoprint.server.app.error_response`).
"""

from __future__ import annotations

from fastapi import APIRouter

from algoprint.server.api import algorithms, org, runs

__all__ = ["api_router"]

api_router = APIRouter()
api_router.include_router(runs.router)
api_router.include_router(algorithms.router)
api_router.include_router(org.router)
