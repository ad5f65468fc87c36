"""A small client for the Prometheus HTTP API (``/api/v1/query_range``), standard library only.

Every request has a timeout. Long ranges are split so no request asks for more than
:data:`MAX_POINTS` points per series (Prometheus refuses 11,000). Errors become
:class:`~algoprint.errors.SourceError` naming the server and what to check; Prometheus's own
``warnings`` (partial data, e.g. a federated source that did not answer) are kept on
:attr:`PrometheusClient.warnings` so the caller records them on the runs.
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from algoprint.errors import InputError, SourceError

__all__ = ["MAX_POINTS", "PrometheusClient", "Series"]

MAX_POINTS = 10_000

Opener = Callable[[str, float], bytes]


@dataclass(slots=True)
class Series:
    """One time series: its labels and ``(unix_s, value)`` samples in time order."""

    labels: dict[str, str]
    samples: list[tuple[float, float]] = field(default_factory=list)


def _urlopen(url: str, timeout_s: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout_s) as resp:  # noqa: S310 (scheme checked)
        body: bytes = resp.read()
        return body


class PrometheusClient:
    """Read range queries from one Prometheus (or Thanos/Mimir/VictoriaMetrics) endpoint.

    Args:
        url: base URL, e.g. ``http://prometheus.monitoring:9090`` (http or https).
        timeout_s: timeout of each HTTP request in seconds.
        opener: ``(url, timeout_s) -> body`` seam for tests; default urllib.

    Raises:
        InputError: the URL is not http(s).
    """

    def __init__(self, *, url: str, timeout_s: float = 30.0, opener: Opener | None = None) -> None:
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise InputError(
                f"--prometheus {url!r} is not an http(s) URL",
                hint="give the Prometheus base URL, e.g. http://prometheus.monitoring:9090",
            )
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s
        self._open = opener or _urlopen
        self.warnings: list[str] = []

    def query_range(self, query: str, start_s: float, end_s: float, step_s: float) -> list[Series]:
        """The matrix of ``query`` from ``start_s`` to ``end_s`` (Unix seconds) every ``step_s``.

        Series with the same labels from several chunks are joined.

        Raises:
            SourceError: unreachable, an HTTP error, a Prometheus error or an unusable answer.
        """
        if end_s <= start_s:
            return []
        by_key: dict[tuple[tuple[str, str], ...], Series] = {}
        span = step_s * MAX_POINTS
        chunks = max(1, math.ceil((end_s - start_s) / span))
        for i in range(chunks):
            lo = start_s + i * span
            hi = min(end_s, lo + span - (step_s if i < chunks - 1 else 0))
            for item in self._matrix(query, lo, hi, step_s):
                key = tuple(sorted(item.labels.items()))
                known = by_key.get(key)
                if known is None:
                    by_key[key] = item
                else:
                    known.samples.extend(item.samples)
        return list(by_key.values())

    def _matrix(self, query: str, start_s: float, end_s: float, step_s: float) -> list[Series]:
        params = urllib.parse.urlencode(
            {"query": query, "start": f"{start_s:.3f}", "end": f"{end_s:.3f}", "step": step_s}
        )
        data = self._get(f"{self.url}/api/v1/query_range?{params}", query)
        result = data.get("data", {})
        if not isinstance(result, dict) or result.get("resultType") != "matrix":
            raise SourceError(f"Prometheus at {self.url} answered {query!r} without a matrix")
        out = []
        for item in result.get("result", []):
            try:
                labels = {str(k): str(v) for k, v in item["metric"].items()}
                samples = [(float(t), float(v)) for t, v in item["values"]]
            except (KeyError, TypeError, ValueError) as e:
                raise SourceError(
                    f"Prometheus at {self.url} answered {query!r} with a malformed series: {e}"
                ) from None
            out.append(Series(labels, [s for s in samples if math.isfinite(s[1])]))
        return out

    def _get(self, url: str, query: str) -> dict[str, Any]:
        try:
            body = self._open(url, self.timeout_s)
        except urllib.error.HTTPError as e:
            detail = _error_text(e.read())
            raise SourceError(
                f"Prometheus at {self.url} refused {query!r}: HTTP {e.code} {detail}".rstrip(),
                hint="check the URL (it must be the server's base URL) and the query's metric",
            ) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise SourceError(
                f"Prometheus at {self.url} is not reachable: {reason}",
                hint="check --prometheus and that Prometheus runs and is reachable from here; "
                "the next collect starts where the last stored window ended, nothing is lost",
            ) from None
        try:
            data = json.loads(body)
        except ValueError:
            raise SourceError(
                f"{self.url} did not answer JSON; is it a Prometheus server?",
                hint="give the base URL of the Prometheus HTTP API",
            ) from None
        if not isinstance(data, dict) or data.get("status") != "success":
            detail = data.get("error", "unknown error") if isinstance(data, dict) else "no status"
            raise SourceError(f"Prometheus at {self.url} failed {query!r}: {detail}")
        for warning in data.get("warnings", []) or []:
            text = f"Prometheus warned (partial data?) on {query!r}: {warning}"
            if text not in self.warnings:
                self.warnings.append(text)
        return data


def _error_text(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if isinstance(data, dict):
        return str(data.get("error", ""))
    return ""
