"""Recalculation jobs: one centre-period after new answers (then drop alerts), everything at night or on an
admin's request; the weekly CX digest."""

from datetime import date

from app.extensions import db
from app.jobs import _app, report_progress, tracked_job
from app.services import cx_digest, indices


def recalculate_centre(centre_id: int, period: str) -> None:
    """Coalesced job for one centre-period: safe to run twice, all or nothing."""
    with _app().app_context():
        try:
            indices.recalculate_centre(centre_id, period)
            cx_digest.alert_drops(centre_id, period)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()


def recalculate_nightly() -> int:
    """The cron job: every active version from all answers."""
    with _app().app_context():
        try:
            written = indices.recalculate_all()
            db.session.commit()
            return written
        finally:
            db.session.remove()


@tracked_job
def recalculate_everything(run) -> dict:
    """«Пересчитать всё» from the admin page, with progress per version."""
    versions = indices.active_versions()
    written = 0
    for number, version in enumerate(versions, 1):
        report_progress(run, 100 * (number - 1) // max(len(versions), 1), f"Пересчитывается «{version.name}»")
        written += indices.recalculate_version(version, force=True)
        db.session.commit()
    return {"values": written, "versions": len(versions)}


def send_weekly_digest(on: str | None = None) -> int:
    """The cron job (Mondays, 08:00 Moscow): last week's digest of each centre; running it twice sends nothing new."""
    with _app().app_context():
        try:
            sent = cx_digest.send_weekly(date.fromisoformat(on) if on else None)
            db.session.commit()
            return sent
        finally:
            db.session.remove()
