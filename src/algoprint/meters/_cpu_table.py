"""CPU power table lookup and the fitted CPU load curve (data side of the CPU model meter).

The table ``refdata/cpu_power.csv`` merges the codecarbon (MIT) and Green Algorithms
(CC-BY-4.0) TDP tables under a normalised key (see :func:`normalise_cpu_name`); it is built by
``scripts/refdata/hardware.py``. The load curve ``refdata/cpu_load_curve.csv`` is a knot table of
``P(u) / P_max`` fitted by ``bench/cpu_model_fit.py`` (see docs/benchmarks.md).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import os
import re
from pathlib import Path

from algoprint._values import Frozen, fill
from algoprint.refdata import load_table

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "CpuMatch",
    "CpuPowerEntry",
    "LoadCurve",
    "cores_from_name",
    "cpu_power_table",
    "default_w_per_core",
    "load_curve",
    "load_curve_for_year",
    "match_cpu_model",
    "normalise_cpu_name",
]

# Compiled on first use (re caches them): a tracker whose CPU match is cached never needs them.
_MARKS = r"\((?:r|tm|c)\)|[®™©]"
_CLOCK = r"@.*$|\b\d+(?:\.\d+)?\s*[gm]hz\b"
_GRAPHICS = r"\bwith\b.*$"
_N_CORE = r"\b(\d+|[a-z]+)-cores?\b"
# "0" appears in real Sandy Bridge strings ("Intel(R) Xeon(R) CPU E5-2620 0 @ 2.00GHz").
_DROP = frozenset({"intel", "amd", "cpu", "processor", "apu", "genuine", "family", "0"})


def normalise_cpu_name(name: str) -> str:
    """The lookup key of a CPU model name.

    Lower-cases; drops (R)/(TM) marks, the clock ("@ 2.40GHz"), "with Radeon Graphics"
    suffixes, "N-Core", vendor words ("Intel", "AMD") and the words "CPU"/"Processor"; collapses
    spaces. ``"Intel(R) Xeon(R) CPU E5-2620 v3 @ 2.40GHz"`` → ``"xeon e5-2620 v3"``;
    ``"AMD EPYC 7B13 64-Core Processor"`` → ``"epyc 7b13"``.
    """
    text = re.sub(_MARKS, " ", name, flags=re.IGNORECASE)
    text = re.sub(_CLOCK, " ", text, flags=re.IGNORECASE)
    text = re.sub(_GRAPHICS, " ", text, flags=re.IGNORECASE)
    text = re.sub(_N_CORE, " ", text, flags=re.IGNORECASE)
    words = [w for w in re.split(r"[\s,]+", text.lower()) if w and w not in _DROP]
    return " ".join(words)


def cores_from_name(name: str) -> int | None:
    """Physical cores stated in a model name (``"... 64-Core Processor"`` → 64), else None."""
    match = re.search(r"\b(\d+)-cores?\b", name, re.IGNORECASE)
    return int(match.group(1)) if match else None


class CpuPowerEntry(Frozen):
    """One row of ``cpu_power.csv``: TDP per socket (W) and physical cores per socket."""

    _fields = ("key", "model", "tdp_w", "n_cores", "source", "licence")
    __slots__ = _fields
    key: str
    model: str
    tdp_w: float
    n_cores: int | None
    source: str
    licence: str

    def __init__(  # noqa: PLR0917 - positional, as the dataclass it replaced
        self, key: str, model: str, tdp_w: float, n_cores: int | None, source: str, licence: str
    ) -> None:
        fill(
            self, key=key, model=model, tdp_w=tdp_w, n_cores=n_cores, source=source, licence=licence
        )


class CpuMatch(Frozen):
    """The result of looking a model name up in the table.

    Attributes:
        query: the name looked up.
        key: its normalised key.
        entry: the matching row, None when unknown.
        kind: ``exact`` (same key), ``token`` (same model-number tokens, best word overlap) or
            ``none``.
    """

    _fields = ("query", "key", "entry", "kind")
    __slots__ = _fields
    query: str
    key: str
    entry: CpuPowerEntry | None
    kind: str

    def __init__(self, query: str, key: str, entry: CpuPowerEntry | None, kind: str) -> None:
        fill(self, query=query, key=key, entry=entry, kind=kind)


@functools.cache
def cpu_power_table() -> tuple[CpuPowerEntry, ...]:
    """The shipped CPU power table (read once)."""
    rows = []
    for row in load_table("cpu_power"):
        cores = row.get("n_cores") or ""
        rows.append(
            CpuPowerEntry(
                key=row["key"],
                model=row["model"],
                tdp_w=float(row["tdp_w"]),
                n_cores=int(cores) if cores.strip() else None,
                source=row["source"],
                licence=row["licence"],
            )
        )
    return tuple(rows)


def _digit_tokens(tokens: list[str]) -> frozenset[str]:
    return frozenset(t for t in tokens if any(c.isdigit() for c in t))


def match_cpu_model(name: str, table: tuple[CpuPowerEntry, ...] | None = None) -> CpuMatch:
    """Find ``name`` in the CPU power table.

    First an exact match of the normalised key; then a token match: rows whose model-number
    tokens (the words with a digit, e.g. ``e5-2620``, ``v3``, ``8480+``) equal the query's, the
    one sharing most other words winning (ties: fewest extra words, then key order). A name
    without any model-number token (e.g. a VM that shows ``"Intel Xeon Processor"``) never
    token-matches: guessing a model from the family alone would be a silent fallback.
    """
    rows = cpu_power_table() if table is None else table
    key = normalise_cpu_name(name)
    for entry in rows:
        if entry.key == key:
            return CpuMatch(query=name, key=key, entry=entry, kind="exact")
    tokens = key.split()
    digits = _digit_tokens(tokens)
    if not digits:
        return CpuMatch(query=name, key=key, entry=None, kind="none")
    best: tuple[int, int, str] | None = None
    best_entry: CpuPowerEntry | None = None
    for entry in rows:
        cand = entry.key.split()
        if _digit_tokens(cand) != digits:
            continue
        score = (-len(set(cand) & set(tokens)), len(set(cand) - set(tokens)), entry.key)
        if best is None or score < best:
            best, best_entry = score, entry
    if best_entry is None:
        return CpuMatch(query=name, key=key, entry=None, kind="none")
    return CpuMatch(query=name, key=key, entry=best_entry, kind="token")


_CACHE_NAME = "cpu-match-{version}.json"


def _cache_path() -> Path | None:
    from algoprint._dirs import user_dir
    from algoprint.refdata import FACTOR_VERSION

    return Path(user_dir("cache")) / _CACHE_NAME.format(version=FACTOR_VERSION)


def _load_cache(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def cached_match(name: str) -> tuple[CpuMatch, float]:
    """:func:`match_cpu_model` and :func:`default_w_per_core`, remembered per CPU name.

    Reading the 4,700-row table costs ~0.1 s, which would dominate a tracker's start; the
    result for this host's CPU name is kept in the user cache dir, keyed by the factor version
    (a new table version recomputes it). A cache that cannot be read or written is ignored.
    """
    path = _cache_path()
    cache = _load_cache(path)
    hit = cache.get(name)
    if isinstance(hit, dict):
        try:
            entry = hit["entry"]
            match = CpuMatch(
                query=name,
                key=hit["key"],
                entry=CpuPowerEntry(**entry) if entry else None,
                kind=hit["kind"],
            )
            return match, float(hit["default_w_per_core"])
        except (KeyError, TypeError, ValueError):
            pass
    match = match_cpu_model(name)
    per_core = default_w_per_core()
    cache[name] = {
        "key": match.key,
        "kind": match.kind,
        "entry": match.entry.as_dict() if match.entry else None,
        "default_w_per_core": per_core,
    }
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(cache))
            os.replace(tmp, path)
        except OSError:
            pass
    return match, per_core


def default_w_per_core(table: tuple[CpuPowerEntry, ...] | None = None) -> float:
    """Default power per physical core (W) for unknown CPUs: the median TDP per core of the
    table rows that state a core count (the Green Algorithms rows)."""
    rows = cpu_power_table() if table is None else table
    import statistics  # only when the cached match is missing

    return float(statistics.median(e.tdp_w / e.n_cores for e in rows if e.n_cores))


class LoadCurve(Frozen):
    """``P(u) / P_max`` as knots, linearly interpolated; u is utilisation in [0, 1].

    ``P(0) / P_max`` is the idle fraction and ``P(1) / P_max`` is 1 by construction, so
    ``P(u) = P_idle + (P_max - P_idle) * f(u)`` with ``f`` rising from 0 to 1.
    """

    _fields = ("utilisation", "power_rel")
    __slots__ = _fields
    utilisation: tuple[float, ...]
    power_rel: tuple[float, ...]

    def __init__(self, utilisation: tuple[float, ...], power_rel: tuple[float, ...]) -> None:
        fill(self, utilisation=utilisation, power_rel=power_rel)
        self.__post_init__()

    def __post_init__(self) -> None:
        u, p = self.utilisation, self.power_rel
        if len(u) < 2 or len(u) != len(p) or u[0] != 0.0 or u[-1] != 1.0:
            raise ValueError("load curve knots must run from u=0 to u=1")
        if any(b <= a for a, b in itertools.pairwise(u)):
            raise ValueError("load curve utilisation knots must increase")
        if any(b < a for a, b in itertools.pairwise(p)) or abs(p[-1] - 1.0) > 1e-9:
            raise ValueError("load curve power must not decrease and must end at 1")

    @property
    def idle_fraction(self) -> float:
        """``P_idle / P_max``."""
        return self.power_rel[0]

    def __call__(self, u: float) -> float:
        """``P(u) / P_max``; u is clamped to [0, 1]."""
        u = min(1.0, max(0.0, u))
        i = bisect.bisect_right(self.utilisation, u)
        if i >= len(self.utilisation):
            return self.power_rel[-1]
        u0, u1 = self.utilisation[i - 1], self.utilisation[i]
        p0, p1 = self.power_rel[i - 1], self.power_rel[i]
        return p0 + (p1 - p0) * (u - u0) / (u1 - u0)


@functools.cache
def load_curve() -> LoadCurve:
    """The shipped load curve (``refdata/cpu_load_curve.csv``)."""
    rows = load_table("cpu_load_curve")
    return LoadCurve(
        utilisation=tuple(float(r["utilisation"]) for r in rows),
        power_rel=tuple(float(r["power_rel"]) for r in rows),
    )


@functools.cache
def load_curve_for_year(year: int) -> tuple[LoadCurve, int]:
    """The shipped curve with the idle fraction of servers published in ``year``.

    ``refdata/cpu_idle_by_year.csv`` holds the median idle/100 % watts of SPECpower results per
    publication year (bench/cpu_vintage.py). Above idle the shipped curve's shape is kept:
    ``i_Y + (1 - i_Y) × (curve(u) - i_0) / (1 - i_0)``. Returns the curve and the table year
    used (the nearest year inside the table).
    """
    rows = {int(r["year"]): float(r["idle_fraction"]) for r in load_table("cpu_idle_by_year")}
    used = min(max(year, min(rows)), max(rows))
    base = load_curve()
    i0, iy = base.idle_fraction, rows[used]
    rel = tuple(iy + (1 - iy) * (p - i0) / (1 - i0) for p in base.power_rel)
    return LoadCurve(base.utilisation, rel), used
