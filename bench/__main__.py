"""`make bench`: every benchmark suite, printed as tables (median, p95 and max per case)."""

import statistics

from bench import foundation, measurement, tasks


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def print_table(title: str, rows: list[tuple], data: str) -> None:
    """rows: (case, runs, samples in ms[, floor case name])."""
    medians = {name: statistics.median(samples) for name, _, samples, *_ in rows}
    width = max(len(r[0]) for r in rows)
    print(f"\n{title} ({data})")
    print(f"{'case'.ljust(width)} | runs | median ms | p95 ms | max ms | × floor")
    print(f"{'-' * width}-|------|-----------|--------|--------|--------")
    for name, runs, samples, *floor in rows:
        ratio = f"{medians[name] / medians[floor[0]]:6.1f}" if floor else "     –"
        timings = f"{medians[name]:9.1f} | {p95(samples):6.1f} | {max(samples):6.1f}"
        print(f"{name.ljust(width)} | {runs:4d} | {timings} | {ratio}")


def main() -> None:
    print_table("foundation", *foundation.run())
    print_table("tasks and meetings", *tasks.run())
    print_table("measurement: recalculation", *measurement.run())


if __name__ == "__main__":
    main()
