"""Timing of repeated queries for the benchmarks: latencies in milliseconds and their summary."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

Query = TypeVar("Query")


def timings(
    run: Callable[[Query], object], queries: Sequence[Query], warm: int = 10
) -> list[float]:
    for query in queries[:warm]:  # warm the caches
        run(query)
    measured = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        measured.append((time.perf_counter() - started) * 1000)
    return measured


def summary(label: str, values: list[float], width: int = 40) -> float:
    """Print p50, p95 and max; return p95, which the benchmarks compare to their baseline."""
    p95 = statistics.quantiles(values, n=100)[94]
    print(
        f"  {label:<{width}} p50 {statistics.median(values):8.2f} ms   p95 {p95:8.2f} ms   "
        f"max {max(values):8.2f} ms"
    )
    return p95
