"""Periodic jobs for RQ's cron scheduler (started by `worker.py --with-cron`)."""

from rq.cron import register

from app.config import queue_name
from app.jobs.indices import recalculate_nightly, send_weekly_digest
from app.jobs.personal_data import anonymise_expired_client_data
from app.jobs.reminders import DIGEST_HOUR, moscow_cron, send_daily_reminders
from app.jobs.sweep import requeue_stranded

register(anonymise_expired_client_data, queue_name=queue_name(), cron="30 2 * * *")
register(requeue_stranded, queue_name=queue_name(), cron="*/15 * * * *")
register(send_daily_reminders, queue_name=queue_name(), cron=moscow_cron(DIGEST_HOUR))  # 07:00 Moscow time
register(recalculate_nightly, queue_name=queue_name(), cron=moscow_cron(3))  # 03:00 Moscow time
register(send_weekly_digest, queue_name=queue_name(), cron=moscow_cron(8, weekday="1"))  # Mondays, 08:00 Moscow
