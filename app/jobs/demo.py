"""A demonstration job that exercises the queue, the worker and the progress box end to end."""

import time

from app.jobs import report_progress, tracked_job


@tracked_job
def count_steps(run, steps: int = 10, delay: float = 0.3):
    """Count to `steps`, sleeping `delay` seconds per step and reporting progress."""
    for step in range(1, steps + 1):
        time.sleep(delay)
        report_progress(run, step * 100 // steps, f"Шаг {step} из {steps}")
    return {"steps": steps}
