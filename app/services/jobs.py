"""Starting background jobs with a JobRun record the UI can poll."""

from app.extensions import db
from app.jobs import enqueue_after_commit
from app.models.jobs import JobRun

JOB_KINDS = {"demo": "Демонстрационная задача"}


def start(kind: str, func, *, user=None, params: dict | None = None, region_id=None, centre_id=None) -> JobRun:
    """Create a JobRun and enqueue `func(run_id, **params)` after the caller commits."""
    params = params or {}
    run = JobRun(
        kind=kind,
        title=JOB_KINDS.get(kind, kind),
        params=params,
        created_by_id=getattr(user, "id", None),
        region_id=region_id,
        centre_id=centre_id,
        message="Ожидает запуска",
    )
    db.session.add(run)
    db.session.flush()
    enqueue_after_commit(func, run.id, **params)
    return run
