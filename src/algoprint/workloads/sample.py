"""A small, deterministic CPU workload (about 2-4 s on one core) for the quick start.

Run it as ``python -m algoprint.workloads.sample [SECONDS]``; it prints what it computed.
"""

from __future__ import annotations

import sys
import time


def count_primes(limit: int) -> int:
    """Count primes below ``limit`` with a plain sieve (pure Python, CPU-bound)."""
    sieve = bytearray([1]) * limit
    sieve[0:2] = b"\x00\x00"
    for n in range(2, int(limit**0.5) + 1):
        if sieve[n]:
            sieve[n * n :: n] = bytearray(len(range(n * n, limit, n)))
    return sum(sieve)


def busy(seconds: float) -> tuple[int, int]:
    """Repeat the sieve until ``seconds`` have passed; returns (rounds, primes per round)."""
    deadline = time.perf_counter() + seconds
    rounds = primes = 0
    while time.perf_counter() < deadline:
        primes = count_primes(2_000_000)
        rounds += 1
    return rounds, primes


def main(argv: list[str]) -> int:
    seconds = float(argv[0]) if argv else 3.0
    rounds, primes = busy(seconds)
    print(f"sample workload: {rounds} sieve rounds, {primes} primes below 2,000,000 each")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
