"""RQ worker: the app is created once, pooled connections are dropped before forking, and
each job runs in its own app context. `--with-cron` also runs RQ's cron scheduler for the
periodic jobs in app/jobs/schedule.py (run exactly one such process); `--burst` exits when
the queue is empty."""

import argparse
import multiprocessing

from rq import Worker
from rq.cron import CronScheduler

from app import create_app
from app.extensions import db
from app.jobs import redis_connection


def run_cron(redis_url: str) -> None:
    """Enqueue the periodic jobs on their schedules until stopped."""
    from redis import Redis

    scheduler = CronScheduler(connection=Redis.from_url(redis_url))
    scheduler.load_config_from_file("app.jobs.schedule")
    scheduler.start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    parser.add_argument("--with-cron", action="store_true", help="also run the cron scheduler")
    args = parser.parse_args()
    app = create_app()
    cron = None
    if args.with_cron:
        cron = multiprocessing.Process(target=run_cron, args=(app.config["REDIS_URL"],), daemon=True)
        cron.start()
    with app.app_context():
        db.engine.dispose()
        worker = Worker([app.config["RQ_QUEUE"]], connection=redis_connection())
        try:
            worker.work(burst=args.burst, with_scheduler=True)
        finally:
            if cron is not None:
                cron.terminate()


if __name__ == "__main__":
    main()
