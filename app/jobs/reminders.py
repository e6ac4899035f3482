"""The daily digest of task reminders (напоминания о сроках поручений)."""

import logging
from datetime import date, datetime

from app.extensions import db
from app.jobs import _app
from app.models.base import MOSCOW
from app.services import reminders

log = logging.getLogger(__name__)

DIGEST_HOUR = 7  # Moscow time


def moscow_cron(hour: int, minute: int = 0, weekday: str = "*") -> str:
    """A daily (or, with `weekday` «1», Monday's) cron expression for `hour`:`minute` Moscow time, in the
    scheduler's local time.

    RQ's cron scheduler matches cron fields against the local time of its own process (there
    is no per-job time zone), so "0 7 * * *" would be 07:00 UTC (10:00 in Moscow) on a server
    kept in UTC. Moscow has had no daylight saving since 2014; a scheduler host whose zone
    does have it runs an hour off after a clock change until the scheduler restarts.
    """
    moscow = datetime.now(MOSCOW).replace(hour=hour, minute=minute, second=0, microsecond=0)
    local = moscow.astimezone()  # the process's local zone (TZ)
    return f"{local.minute} {local.hour} * * {weekday}"


def send_daily_reminders(on: str | None = None) -> dict:
    """Cron entry point: today's digests (Moscow date), or those of `on` (ISO date).

    Commits its own work batch by batch; running it again the same day sends nothing new.
    """
    with _app().app_context():
        try:
            day = date.fromisoformat(on) if on else None
            counts = reminders.run_daily(day, after_batch=db.session.commit)
            db.session.commit()
            log.info("Task reminders sent: %s", counts)
            return counts
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
