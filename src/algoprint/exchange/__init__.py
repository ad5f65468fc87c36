"""Exchange with other systems: one module per outside format.

* :mod:`~algoprint.exchange.amt` — measure assessments as an AMT system card, export and import;
* :mod:`~algoprint.exchange.task_registry` — the measures as task-registry documents with their
  system-card entries, export and import;
* :mod:`~algoprint.exchange.algoritmeregister` — Dutch texts for the Algoritmeregister;
* :mod:`~algoprint.exchange.csrd` — ESRS E1 datapoints (CSRD) of the compute share;
* :mod:`~algoprint.exchange.boamps` — one BoAmps document per run;
* :mod:`~algoprint.exchange.runs_csv` — runs with their impacts as CSV or JSON.

The modules read the domain layers (store, kader, impact) and the report's run computation
(:mod:`algoprint.report`), so that an export and a report of the same runs give the same
figures; no domain layer and not the report imports this package (tests/test_architecture.py).
Import the format modules themselves; this package imports nothing on its own, so that
``import algoprint.exchange.amt`` loads no report code.
"""
