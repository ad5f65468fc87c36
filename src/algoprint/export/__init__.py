"""Exports for other systems: ESRS E1 datapoints (CSRD), BoAmps run reports, runs as CSV.

* :func:`export_csrd` — E1-5 energy and E1-6 GHG datapoints of the compute share
  (:mod:`algoprint.export.csrd`);
* :func:`export_boamps` — one BoAmps document per run (:mod:`algoprint.export.boamps`);
* :func:`export_runs` — runs with their impacts as CSV or JSON (:mod:`algoprint.export.runs_csv`).

The AMT export of the measures lives in :func:`algoprint.kader.interop.export_amt`.
"""

from __future__ import annotations

from algoprint.export.boamps import export_boamps
from algoprint.export.csrd import export_csrd
from algoprint.export.runs_csv import export_runs

__all__ = ["export_boamps", "export_csrd", "export_runs"]
