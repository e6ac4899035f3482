"""RQ plumbing: the queue, enqueue-after-commit, and the tracked job wrapper.

Jobs receive primitive arguments (ids), run in their own app context and session, record
their status and progress in `JobRun`, and are safe to run twice.
"""

import functools
import logging
import threading
import traceback

from flask import current_app, flash, has_app_context, has_request_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import event

from app.extensions import db
from app.models.base import utcnow
from app.models.jobs import JobRun

log = logging.getLogger(__name__)


def redis_connection() -> Redis:
    """The app's Redis connection, created once per app."""
    ext = current_app.extensions
    if "redis" not in ext:
        ext["redis"] = Redis.from_url(current_app.config["REDIS_URL"])
    return ext["redis"]


def get_queue() -> Queue:
    return Queue(current_app.config["RQ_QUEUE"], connection=redis_connection())


def enqueue_after_commit(func, *args, **kwargs) -> None:
    """Enqueue `func` once the surrounding transaction commits; a rollback drops it."""
    db.session().info.setdefault("rq_pending", []).append((func, args, kwargs))


def _enqueue_now(func, args, kwargs) -> None:
    """Hand a committed job to RQ; if Redis is down the committed data stays and the job waits.

    The record behind the job (a queued JobRun, a pending outbox message) is already saved, so
    the sweeper (`app.jobs.sweep`) enqueues it again later; development runs it in a thread now.
    """
    try:
        get_queue().enqueue(func, *args, **kwargs)
    except RedisError:
        if current_app.config.get("JOBS_INLINE_FALLBACK"):
            log.warning("Redis unreachable; running %s inline (development only)", func.__name__)
            message = "Redis недоступен: фоновая задача выполняется в процессе веб-сервера."
            app = current_app._get_current_object()
            threading.Thread(target=_run_in_app, args=(app, func, args, kwargs), daemon=True).start()
        else:
            log.exception("Redis unreachable; %s%s will be enqueued again by the sweeper", func.__name__, args)
            message = "Очередь фоновых задач недоступна: задача сохранена и запустится автоматически позже."
        if has_request_context():
            flash(message, "warning")


def _run_in_app(app, func, args, kwargs) -> None:
    with app.app_context():
        func(*args, **kwargs)


def install_session_hooks(session) -> None:
    """Wire the after-commit enqueue and the rollback drop onto a session factory."""

    @event.listens_for(session, "after_commit")
    def _enqueue_pending(sess):
        for func, args, kwargs in sess.info.pop("rq_pending", []):
            _enqueue_now(func, args, kwargs)

    @event.listens_for(session, "after_rollback")
    def _drop_pending(sess):
        sess.info.pop("rq_pending", None)


def _app():
    if has_app_context():
        return current_app._get_current_object()
    from app import create_app

    return create_app()


def tracked_job(fn):
    """Wrap a job taking a JobRun id first: marks it started, then finished or failed."""

    @functools.wraps(fn)
    def wrapper(run_id: int, *args, **kwargs):
        with _app().app_context():
            run = db.session.get(JobRun, run_id)
            if run is None or run.status == "finished":
                return None  # deleted, or already done: running twice changes nothing
            run.status, run.started_at, run.error = "started", utcnow(), None
            db.session.commit()
            try:
                result = fn(run, *args, **kwargs)
            except Exception:
                db.session.rollback()
                run = db.session.get(JobRun, run_id)
                run.status, run.error, run.finished_at = "failed", traceback.format_exc(), utcnow()
                run.message = "Задача завершилась с ошибкой."
                db.session.commit()
                raise
            else:
                run.status, run.progress, run.finished_at = "finished", 100, utcnow()
                run.result = result
                db.session.commit()
                return result
            finally:
                db.session.remove()

    return wrapper


def report_progress(run: JobRun, percent: int, message: str = "") -> None:
    """Record progress (0–100) so the polling box can show it."""
    run.progress = max(0, min(100, int(percent)))
    if message:
        run.message = message
    db.session.commit()
