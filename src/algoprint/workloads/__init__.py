"""Small bundled workloads for demos, tests and benchmarks."""
