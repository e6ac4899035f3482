"""Periodic jobs for RQ's cron scheduler (started by `worker.py --with-cron`)."""

from rq.cron import register

from app.jobs.personal_data import anonymise_expired_client_data

register(anonymise_expired_client_data, queue_name="default", cron="30 2 * * *")
