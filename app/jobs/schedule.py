"""Periodic jobs for RQ's cron scheduler (started by `worker.py --with-cron`)."""

from rq.cron import register

from app.config import queue_name
from app.jobs.personal_data import anonymise_expired_client_data
from app.jobs.sweep import requeue_stranded

register(anonymise_expired_client_data, queue_name=queue_name(), cron="30 2 * * *")
register(requeue_stranded, queue_name=queue_name(), cron="*/15 * * * *")
