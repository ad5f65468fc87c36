"""Fleet: runs from the engines organisations already run, beyond one process on one machine.

- :mod:`~algoprint.fleet.kepler`: Kubernetes pod energy from Kepler through Prometheus.
- :mod:`~algoprint.fleet.slurm`: finished SLURM jobs from ``sacct``.
- :mod:`~algoprint.fleet.ranks`: one measuring tracker per node for multi-rank jobs.
- :mod:`~algoprint.fleet.monitor`: always-on hosts, one run per interval.
- :mod:`~algoprint.fleet.metrics`: Prometheus and OpenTelemetry instruments.

Every collector writes runs with ``Store.save_run``/``save_runs`` (the path ``algoprint run``
uses), so whatever uploads or syncs stored runs picks them up. Nothing below the edges imports
this package. docs/fleet.md describes the commands and the counting rules.
"""
