"""Starting background jobs with a JobRun record the UI can poll."""

from typing import NamedTuple

from werkzeug.utils import import_string

from app.extensions import db
from app.jobs import enqueue_after_commit
from app.models.jobs import JobRun


class JobKind(NamedTuple):
    title: str
    function: str  # dotted path of a @tracked_job function, so a stranded run can be enqueued again


JOB_KINDS = {
    "demo": JobKind("Демонстрационная задача", "app.jobs.demo.count_steps"),
    "report_package": JobKind("Пакет отчёта для ФЦК", "app.jobs.reports.build_package"),
    "recalculate": JobKind("Пересчёт показателей и индекса", "app.jobs.indices.recalculate_everything"),
}


def job_function(kind: str):
    return import_string(JOB_KINDS[kind].function)


def start(kind: str, *, user=None, params: dict | None = None, region_id=None, centre_id=None) -> JobRun:
    """Create a JobRun and enqueue the kind's job `(run_id, **params)` after the caller commits."""
    params = params or {}
    run = JobRun(
        kind=kind,
        title=JOB_KINDS[kind].title,
        params=params,
        created_by_id=getattr(user, "id", None),
        region_id=region_id,
        centre_id=centre_id,
        message="Ожидает запуска",
    )
    db.session.add(run)
    db.session.flush()
    enqueue_after_commit(job_function(kind), run.id, **params)
    return run
