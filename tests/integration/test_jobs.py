"""Background jobs: enqueue after commit, JobRun status and progress, the polling box, the worker."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app.extensions import db
from app.jobs import enqueue_after_commit, get_queue, report_progress, tracked_job
from app.jobs.demo import count_steps
from app.models.base import utcnow
from app.models.jobs import JobRun
from app.services import jobs

ROOT = Path(__file__).resolve().parents[2]


@tracked_job
def _explode(run):
    report_progress(run, 40, "Почти")
    raise ValueError("boom")


def _new_run():
    run = jobs.start("demo", params={"steps": 2, "delay": 0})
    return run


def test_commit_enqueues_and_rollback_drops(app, run_jobs):
    _new_run()
    assert get_queue().count == 0  # nothing before commit
    db.session.rollback()
    assert get_queue().count == 0
    assert db.session.query(JobRun).count() == 0

    run = _new_run()
    db.session.commit()
    assert get_queue().count == 1
    run_jobs()
    db.session.expire_all()
    assert run.status == "finished" and run.progress == 100 and run.result == {"steps": 2}
    assert run.started_at and run.finished_at and run.message == "Шаг 2 из 2"


def test_running_a_finished_job_again_changes_nothing(app, run_jobs):
    run = _new_run()
    db.session.commit()
    run_jobs()
    db.session.expire_all()
    finished_at = run.finished_at
    assert count_steps(run.id, steps=5, delay=0) is None
    db.session.expire_all()
    assert run.finished_at == finished_at and run.result == {"steps": 2}


def test_failed_job_is_recorded(app, run_jobs):
    run = JobRun(kind="test", title="Сбой")
    db.session.add(run)
    db.session.flush()
    enqueue_after_commit(_explode, run.id)
    db.session.commit()
    run_jobs()
    db.session.expire_all()
    assert run.status == "failed" and "ValueError: boom" in run.error and run.finished_at


def test_progress_box_polls_until_done(make, login, client, run_jobs):
    login(make.user(("admin", None)))
    response = client.post("/jobs/demo")
    assert response.status_code == 303
    run = db.session.query(JobRun).one()
    box = client.get(f"/jobs/{run.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in box and 'hx-trigger="load delay:1s"' in box and "В очереди" in box
    run.params = {"steps": 3, "delay": 0}
    db.session.commit()
    get_queue().empty()
    from app.jobs import _enqueue_now

    _enqueue_now(count_steps, (run.id,), {"steps": 3, "delay": 0})
    run_jobs()
    box = client.get(f"/jobs/{run.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Готово" in box and "hx-trigger" not in box and 'value="100"' in box
    page = client.get(f"/jobs/{run.id}").get_data(as_text=True)
    assert "<html" in page and "Готово" in page


def test_employee_cannot_start_jobs(make, login, client):
    login(make.user(("employee", make.centre())))
    assert client.post("/jobs/demo").status_code == 403
    assert db.session.query(JobRun).count() == 0


@pytest.mark.parametrize("app", [{"REDIS_URL": "redis://127.0.0.1:1/0"}], indirect=True)
def test_unreachable_redis_keeps_the_committed_run_for_the_sweeper(app, caplog):
    app.extensions.pop("redis", None)
    run = _new_run()
    db.session.commit()  # no exception after the data is committed
    assert "will be enqueued again by the sweeper" in caplog.text
    db.session.expire_all()
    assert run.status == "queued"


def test_sweeper_enqueues_stranded_runs_and_mail_once_they_are_old(app, run_jobs):
    from app.jobs.sweep import STRANDED_AFTER, requeue_stranded
    from app.models.mail import OutboxMessage

    old = utcnow() - STRANDED_AFTER - timedelta(minutes=1)
    stranded = JobRun(kind="demo", title="x", params={"steps": 1, "delay": 0}, created_at=old)
    fresh = JobRun(kind="demo", title="y", params={"steps": 1, "delay": 0})
    message = OutboxMessage(recipient="a@b.ru", subject="s", body="b", status="pending", created_at=old)
    db.session.add_all([stranded, fresh, message])
    db.session.commit()
    assert requeue_stranded() == {"runs": 1, "messages": 1, "recalculations": 0, "responses_checked": 0}
    queued = sorted((job.func_name, job.args) for job in get_queue().jobs)
    assert queued == [("app.jobs.demo.count_steps", (stranded.id,)), ("app.jobs.mail.deliver", (message.id,))]
    get_queue().empty()


@pytest.mark.parametrize("app", [{"REDIS_URL": "redis://127.0.0.1:1/0", "JOBS_INLINE_FALLBACK": True}], indirect=True)
def test_development_runs_inline_with_a_warning_when_redis_is_down(app, caplog):
    app.extensions.pop("redis", None)
    run = _new_run()
    db.session.commit()
    import time

    for _ in range(50):
        db.session.expire_all()
        if run.status == "finished":
            break
        time.sleep(0.1)
    assert run.status == "finished"
    assert "Redis unreachable" in caplog.text


def test_real_forked_worker_runs_the_demo_job(app):
    """worker.py --burst as a separate process: fork per job, its own DB connection."""
    run = _new_run()
    db.session.commit()
    env = {**os.environ, "CXM_ENV": "testing"}
    result = subprocess.run(
        [sys.executable, "worker.py", "--burst"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    db.session.expire_all()
    assert run.status == "finished" and run.result == {"steps": 2}
