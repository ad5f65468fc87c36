"""Integrations: where algorithms are used and built (services, MLflow, Jupyter, scikit-learn).

An edge room: it calls the tracker, the impact layer and the store's spool, and nothing below
imports it. Each module loads its framework lazily; a missing extra is one line naming it.

- :mod:`algoprint.integrations.asgi` / :mod:`~algoprint.integrations.wsgi`: ``EnergyMiddleware``
  that attributes a service process's measured energy to its requests (docs/integrations.md).
- :mod:`algoprint.integrations.mlflow`: a run's energy, CO2e and water as MLflow metrics.
- :mod:`algoprint.integrations.jupyter`: ``%load_ext algoprint`` and ``%%algoprint``.
- :mod:`algoprint.integrations.sklearn`: fit and predict energy per estimator as phases.

:func:`add_units` counts functional units (predictions, tokens, documents) inside a request
handler that a middleware measures.
"""

from __future__ import annotations

from algoprint.integrations._accounting import add_units

__all__ = ["add_units"]
