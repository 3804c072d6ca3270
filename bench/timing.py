"""Timing a page in-process, shared by the page benchmarks (bench/pages.py, bench/peak_pages.py)."""

import statistics
import time


def time_requests(client, path: str, runs: int) -> tuple[float, float]:
    """`runs` GETs of `path`: the median wall time and the median CPU time of this process, ms."""
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(times), statistics.median(cpu)
