"""Re-enqueue work whose enqueue was lost because Redis was down when it was committed: job runs,
mail, and pending recalculations of a centre-period."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.jobs import _app, get_queue
from app.models.base import utcnow
from app.models.indices import RecalcRequest
from app.models.jobs import JobRun
from app.models.mail import OutboxMessage
from app.models.surveys import Response

STRANDED_AFTER = timedelta(minutes=10)


def requeue_stranded() -> dict:
    """Enqueue again job runs still queued and mail still pending after `STRANDED_AFTER`.

    Both jobs skip work already done, so a run enqueued twice does not run twice.
    """
    from app.jobs.indices import recalculate_centre
    from app.jobs.mail import deliver
    from app.services import surveys
    from app.services.jobs import JOB_KINDS, job_function

    with _app().app_context():
        cutoff = utcnow() - STRANDED_AFTER
        queue = get_queue()
        runs = db.session.scalars(
            select(JobRun).where(JobRun.status == "queued", JobRun.created_at < cutoff, JobRun.kind.in_(JOB_KINDS))
        ).all()
        for run in runs:
            queue.enqueue(job_function(run.kind), run.id, **run.params)
        message_ids = db.session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.status == "pending", OutboxMessage.created_at < cutoff)
        ).all()
        for message_id in message_ids:
            queue.enqueue(deliver, message_id)
        recalcs = db.session.execute(
            select(RecalcRequest.centre_id, RecalcRequest.period).where(RecalcRequest.requested_at < cutoff)
        ).all()
        for centre_id, period in recalcs:
            queue.enqueue(recalculate_centre, centre_id, period)
        pending = db.session.scalars(
            select(Response).where(Response.status == "pending", Response.submitted_at < cutoff)
        ).all()
        for response in pending:
            surveys.after_store(response)
        db.session.remove()
        return {
            "runs": len(runs),
            "messages": len(message_ids),
            "recalculations": len(recalcs),
            "responses_checked": len(pending),
        }
