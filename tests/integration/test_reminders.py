"""Daily task reminders: one digest per person, the rules, escalation on the production calendar,
idempotence (twice the same day sends nothing new), closed tasks and inactive users, tuned rules."""

import os
import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from app.extensions import db
from app.jobs import get_queue
from app.jobs.reminders import moscow_cron, send_daily_reminders
from app.models.base import utcnow
from app.models.mail import OutboxMessage
from app.models.notifications import Notification, ReminderLog, ReminderRule
from app.models.org import Setting
from app.models.tasks import Task, TaskParticipant
from app.services import reminders
from app.services.calendar import ProductionCalendar
from app.services.reminders import Rule, escalation_cutoff, qualifies

MON = date(2021, 8, 16)  # a Monday


def _task(title, due_on, responsible=None, controller=None, co_executors=(), status="new", **kw) -> Task:
    task = Task(
        title=title,
        due_on=due_on,
        responsible_id=responsible.id if responsible else None,
        controller_id=controller.id if controller else None,
        status=status,
        **kw,
    )
    for user in co_executors:
        task.participants.append(TaskParticipant(user_id=user.id, role="co_executor"))
    db.session.add(task)
    db.session.flush()
    return task


def _mails(user) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == user.email)))


def _notes(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# ---- the rule, pure ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "due_in", "expected"),
    [
        (Rule(), 0, "due_today"),
        (Rule(on_due_day=False), 0, None),
        (Rule(), 1, "due_soon"),
        (Rule(), 2, None),
        (Rule(days_before=3), 3, "due_soon"),
        (Rule(days_before=3), 1, None),
        (Rule(days_before=0), 1, None),
        (Rule(), -1, "overdue"),
        (Rule(), -17, "overdue"),
        (Rule(overdue_every=3), -1, None),
        (Rule(overdue_every=3), -3, "overdue"),
        (Rule(overdue_every=3), -4, None),
        (Rule(overdue_every=3), -6, "overdue"),
        (Rule(overdue_every=0), -3, None),
    ],
)
def test_rule_decides_the_day(rule, due_in, expected):
    assert qualifies(rule, MON + timedelta(days=due_in), MON) == expected


def test_escalation_boundary_counts_working_days_over_the_november_holidays():
    # Sat 2025-11-01 is a working day (transfer), Sun 11-02, Mon 11-03 and Tue 11-04 are off.
    calendar = ProductionCalendar({})
    assert escalation_cutoff(date(2025, 11, 5), 3, calendar) == date(2025, 10, 30)
    assert escalation_cutoff(date(2025, 11, 6), 3, calendar) == date(2025, 10, 31)
    assert calendar.working_days_between(date(2025, 10, 31), date(2025, 11, 5)) == 2
    assert calendar.working_days_between(date(2025, 10, 31), date(2025, 11, 6)) == 3


# ---- the digest -------------------------------------------------------------------------------


def test_one_email_per_person_lists_all_their_tasks(app, make):
    centre = make.centre()
    anna = make.user(("employee", centre), full_name="Иванова Анна Сергеевна", centre=centre)
    boris = make.user(("employee", centre), centre=centre)
    today_task = _task("Подготовить отчёт о пилоте", MON, anna)
    tomorrow = _task("Разместить анкету на сайте", MON + timedelta(days=1), anna, co_executors=[boris])
    late = _task("Провести опрос соискателей", MON - timedelta(days=2), anna)
    later = _task("Обновить карту пути", MON + timedelta(days=5), anna)
    db.session.commit()

    counts = reminders.run_daily(MON)
    db.session.commit()

    assert counts["people"] == 2 and counts["notifications"] == 4 and counts["emails"] == 2
    (message,) = _mails(anna)
    assert message.subject == "cxm: поручения на 16.08.2021"
    body = message.body
    assert body.startswith("Здравствуйте, Анна Сергеевна!")
    assert "«Подготовить отчёт о пилоте» — до 16.08.2021, срок сегодня" in body
    assert "«Разместить анкету на сайте» — до 17.08.2021, остался 1 день" in body
    assert "«Провести опрос соискателей» — до 14.08.2021, просрочено на 2 дня" in body
    assert later.title not in body
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    for task in (today_task, tomorrow, late):
        assert f"{base}/tasks/{task.id}\n" in body
    assert body.index("Просрочено (1):") < body.index("Срок сегодня (1):") < body.index("Скоро срок (1):")
    assert f"{base}/notifications/settings" in body

    newest_first = db.session.scalars(
        select(Notification.kind)
        .where(Notification.user_id == anna.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    ).all()
    assert newest_first == ["overdue", "due_today", "due_soon"]  # the most urgent on top of the list
    notes = {n.task_id: n for n in _notes(anna)}
    assert set(notes) == {today_task.id, tomorrow.id, late.id}
    assert notes[late.id].kind == "overdue" and notes[late.id].link == f"/tasks/{late.id}"
    assert notes[tomorrow.id].text == "«Разместить анкету на сайте»: остался 1 день, срок 17.08.2021."
    assert notes[late.id].text == "«Провести опрос соискателей»: просрочено на 2 дня, срок был 14.08.2021."
    (boris_mail,) = _mails(boris)
    assert "Разместить анкету на сайте" in boris_mail.body and "Подготовить отчёт" not in boris_mail.body
    assert [n.task_id for n in _notes(boris)] == [tomorrow.id]


def test_every_n_days_while_overdue(app, make):
    user = make.user(("employee", make.centre()))
    db.session.add(ReminderRule(user_id=user.id, overdue_every=3))
    task = _task("Исправить навигацию в ЦЗН", MON, user)
    db.session.commit()

    reminded = []
    for offset in range(0, 8):
        day = MON + timedelta(days=offset)
        if reminders.run_daily(day)["notifications"]:
            reminded.append(offset)
        db.session.commit()
    # due day (on by default), then every third day of delay; the day before (−1) was not run
    assert reminded == [0, 3, 6]
    assert db.session.scalar(select(func.count()).where(ReminderLog.task_id == task.id)) == 3
    assert len(_mails(user)) == 3


def test_a_newer_reminder_replaces_the_unread_older_one(app, make):
    user = make.user(("employee", make.centre()))
    _task("Повесить навигационные таблички", MON - timedelta(days=1), user)
    db.session.commit()
    reminders.run_daily(MON)
    reminders.run_daily(MON + timedelta(days=1))
    db.session.commit()
    notes = sorted(_notes(user), key=lambda n: n.id)
    assert len(notes) == 2 and notes[0].read_at is not None and notes[1].read_at is None
    assert "просрочено на 2 дня" in notes[1].text


def test_escalation_to_the_controller_after_three_working_days(app, make):
    centre = make.centre()
    worker = make.user(("employee", centre), full_name="Петров Пётр Петрович", centre=centre)
    boss = make.user(("team_lead", centre), centre=centre)
    task = _task("Оформить стенд «Работа России»", date(2025, 10, 31), worker, controller=boss)
    own = _task("Собственное поручение контролёра", date(2025, 10, 20), boss, controller=boss)
    db.session.commit()

    # Wed 11-05: five calendar days late but only two working days (11-01 worked; 11-03, 11-04 off)
    counts = reminders.run_daily(date(2025, 11, 5))
    db.session.commit()
    assert counts["escalations"] == 0
    assert all(n.task_id != task.id for n in _notes(boss))
    assert own.id in {n.task_id for n in _notes(boss)}  # as the responsible person, not escalated to self
    assert [n.kind for n in _notes(boss)] == ["overdue"]

    # Thu 11-06: three working days late: the controller hears of it, under its own heading
    counts = reminders.run_daily(date(2025, 11, 6))
    db.session.commit()
    assert counts["escalations"] == 1
    escalated = [n for n in _notes(boss) if n.kind == "escalation"]
    assert [n.task_id for n in escalated] == [task.id]
    assert escalated[0].text == (
        "«Оформить стенд «Работа России»»: просрочено на 6 дней (3 рабочих дня), срок был 31.10.2025, "
        "ответственный: Петров П. П."
    )
    mail = [m for m in _mails(boss) if m.subject == "cxm: поручения на 06.11.2025"][0]
    assert "Просрочено у исполнителей (1):" in mail.body
    assert "«Оформить стенд «Работа России»» — до 31.10.2025, просрочено на 6 дней (3 рабочих дня)" in mail.body
    # the worker still gets their own reminder, not the escalation heading
    worker_mail = [m for m in _mails(worker) if "06.11.2025" in m.subject][0]
    assert "Просрочено у исполнителей" not in worker_mail.body

    # …every day while it stays late, once a day
    reminders.run_daily(date(2025, 11, 6))
    reminders.run_daily(date(2025, 11, 7))
    db.session.commit()
    assert len([n for n in _notes(boss) if n.kind == "escalation"]) == 2


def test_escalation_threshold_is_a_setting(app, make):
    worker = make.user(("employee", make.centre()))
    boss = make.user(("employee", make.centre()))
    db.session.add(Setting(key=reminders.ESCALATE_AFTER_KEY, value="1"))
    _task("Отчёт", date(2025, 11, 5), worker, controller=boss)  # Wed; Thu is the first working day late
    db.session.commit()
    assert reminders.run_daily(date(2025, 11, 6))["escalations"] == 1


def test_closed_standing_undated_tasks_and_inactive_users_get_nothing(app, make):
    centre = make.centre()
    user = make.user(("employee", centre), centre=centre)
    gone = make.user(("employee", centre), centre=centre, active=False)
    boss = make.user(("employee", centre), centre=centre)
    _task("Выполнено", MON, user, status="done", completed_on=MON)
    _task("Отменено", MON - timedelta(days=5), user, controller=boss, status="cancelled")
    _task("Постоянно контролировать", MON, user, standing=True)
    _task("Без срока", None, user)
    _task("Уволившемуся", MON, gone, co_executors=[])
    late_of_gone = _task("Просрочено у уволившегося", MON - timedelta(days=10), gone, controller=boss)
    db.session.commit()

    counts = reminders.run_daily(MON)
    db.session.commit()
    assert _notes(user) == [] and _mails(user) == []
    assert _notes(gone) == [] and _mails(gone) == []
    # the inactive person's late task still reaches an active controller
    assert [n.task_id for n in _notes(boss)] == [late_of_gone.id]
    assert counts["people"] == 1 and counts["emails"] == 1


def test_inactive_controller_gets_no_escalation(app, make):
    worker = make.user(("employee", make.centre()))
    boss = make.user(("employee", make.centre()), active=False)
    _task("Просрочено", MON - timedelta(days=10), worker, controller=boss)
    db.session.commit()
    assert reminders.run_daily(MON)["escalations"] == 0
    assert _notes(boss) == []


# ---- never twice a day ------------------------------------------------------------------------


def test_running_twice_the_same_day_sends_nothing_new(app, make):
    user = make.user(("employee", make.centre()))
    boss = make.user(("employee", make.centre()))
    _task("Сегодня", MON, user)
    _task("Просрочено давно", MON - timedelta(days=10), user, controller=boss)
    db.session.commit()

    first = reminders.run_daily(MON)
    db.session.commit()
    second = reminders.run_daily(MON)
    db.session.commit()
    assert first["notifications"] == 3 and first["emails"] == 2
    assert second == {**second, "people": 0, "notifications": 0, "emails": 0, "escalations": 0, "skipped": 3}
    assert _count(OutboxMessage) == 2 and _count(Notification) == 3 and _count(ReminderLog) == 3


def test_old_log_rows_are_purged(app, make):
    user = make.user(("employee", make.centre()))
    task = _task("Давнее", MON, user)
    old = MON - timedelta(days=reminders.KEEP_LOG_DAYS + 1)
    db.session.add_all(
        [
            ReminderLog(task_id=task.id, user_id=user.id, sent_on=old, kind="due_soon"),
            ReminderLog(task_id=task.id, user_id=user.id, sent_on=old + timedelta(days=1), kind="due_soon"),
        ]
    )
    db.session.commit()
    assert reminders.run_daily(MON)["log_purged"] == 1
    db.session.commit()
    assert sorted(db.session.scalars(select(ReminderLog.sent_on))) == [old + timedelta(days=1), MON]


def test_daily_job_twice_through_the_rq_worker_sends_nothing_new(app, make, run_jobs):
    user = make.user(("employee", make.centre()))
    other = make.user(("employee", make.centre()))
    _task("Первое", MON, user)
    _task("Второе", MON - timedelta(days=1), user, co_executors=[other])
    db.session.commit()

    queue = get_queue()
    first = queue.enqueue(send_daily_reminders, MON.isoformat())
    second = queue.enqueue(send_daily_reminders, MON.isoformat())
    run_jobs()

    assert first.return_value()["emails"] == 2
    assert second.return_value()["emails"] == 0 and second.return_value()["skipped"] == 3
    db.session.expire_all()
    assert _count(OutboxMessage) == 2 and _count(Notification) == 3
    (digest,) = _mails(user)
    assert "Первое" in digest.body and "Второе" in digest.body
    # and calling the job function directly once more changes nothing either
    assert send_daily_reminders(MON.isoformat())["notifications"] == 0
    assert _count(OutboxMessage) == 2


def test_two_runs_at_the_same_time_send_each_reminder_once(app, make):
    """Two workers start the digest together, each in its own session and transaction."""
    people = [make.user(("employee", make.centre())) for _ in range(6)]
    for n in range(30):
        _task(f"Поручение {n}", MON - timedelta(days=n % 3), people[n % 6], co_executors=[people[(n + 1) % 6]])
    db.session.commit()
    start, results, errors = threading.Barrier(2), [], []

    def run():
        with app.app_context():
            try:
                start.wait(timeout=10)
                results.append(reminders.run_daily(MON))
                db.session.commit()
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    db.session.expire_all()
    assert sum(r["notifications"] for r in results) == 60 and sum(r["emails"] for r in results) == 6
    assert _count(Notification) == 60 and _count(OutboxMessage) == 6 and _count(ReminderLog) == 60


def test_a_task_another_run_already_claimed_is_left_out(app, make):
    """Two runs at once: whichever inserts the (task, person, day) row first sends it; the other skips it."""
    user = make.user(("employee", make.centre()))
    claimed = _task("Уже напомнили", MON, user)
    fresh = _task("Ещё не напомнили", MON, user)
    db.session.add(ReminderLog(task_id=claimed.id, user_id=user.id, sent_on=MON, kind="due_soon"))
    db.session.commit()
    counts = reminders.run_daily(MON)
    db.session.commit()
    assert counts["skipped"] == 1
    assert [n.task_id for n in _notes(user)] == [fresh.id]
    (message,) = _mails(user)
    assert "Ещё не напомнили" in message.body and "Уже напомнили" not in message.body


def test_the_insert_itself_skips_a_row_inserted_after_the_run_looked(app, make):
    """The race the read before the insert cannot see: ON CONFLICT DO NOTHING leaves the row to its winner."""
    user = make.user(("employee", make.centre()))
    taken, free = _task("Занято", MON, user), _task("Свободно", MON, user)
    db.session.add(ReminderLog(task_id=taken.id, user_id=user.id, sent_on=MON, kind="due_soon"))
    db.session.flush()
    rows = [
        {"task_id": task.id, "user_id": user.id, "sent_on": MON, "kind": "due_soon", "created_at": utcnow()}
        for task in (taken, free)
    ]
    # the read looks at another day, as if the winner's row had not been there yet
    assert reminders._claim(rows, MON - timedelta(days=1)) == {(free.id, user.id)}
    assert reminders._claim(rows, MON) == set()


def test_the_same_task_next_day_is_reminded_again(app, make):
    user = make.user(("employee", make.centre()))
    _task("Просрочено", MON - timedelta(days=1), user)
    db.session.commit()
    reminders.run_daily(MON)
    reminders.run_daily(MON)
    reminders.run_daily(MON + timedelta(days=1))
    db.session.commit()
    assert len(_mails(user)) == 2


# ---- tuned rules ------------------------------------------------------------------------------


def test_a_tuned_rule_changes_what_the_user_gets(app, make, login, client):
    user = make.user(("employee", make.centre()))
    today_task = _task("Срок сегодня", MON, user)
    in_three = _task("Через три дня", MON + timedelta(days=3), user)
    tomorrow = _task("Завтра", MON + timedelta(days=1), user)
    late = _task("Просрочено", MON - timedelta(days=1), user)
    login(user)

    page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'name="days_before"' in page and 'value="1"' in page
    response = client.post(
        "/notifications/settings", data={"days_before": "3", "overdue_every": "0"}
    )  # both check boxes off
    assert response.status_code == 303
    db.session.expire_all()
    rule = db.session.get(ReminderRule, user.id)
    assert (rule.on_due_day, rule.days_before, rule.overdue_every, rule.email_digest) == (False, 3, 0, False)

    counts = reminders.run_daily(MON)
    db.session.commit()
    assert [n.task_id for n in _notes(user)] == [in_three.id]
    assert counts["emails"] == 0 and _mails(user) == []  # in-app only
    assert {today_task.id, tomorrow.id, late.id}.isdisjoint(n.task_id for n in _notes(user))


@pytest.mark.parametrize(
    ("days_before", "overdue_every"),
    [("31", "1"), ("-1", "1"), ("abc", "1"), ("", "1"), ("1", "2.5")],
)
def test_settings_refuse_bad_numbers_with_a_russian_message(app, make, login, client, days_before, overdue_every):
    user = make.user(("employee", make.centre()))
    login(user)
    response = client.post(
        "/notifications/settings",
        data={"on_due_day": "y", "days_before": days_before, "overdue_every": overdue_every, "email_digest": "y"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Введите целое число от 0 до 30." in page and 'aria-invalid="true"' in page
    assert page.count("Введите целое число от 0 до 30.") == 1
    assert db.session.get(ReminderRule, user.id) is None


def test_rule_changes_are_audited(app, make, login, client):
    from app.models.audit import AuditEvent

    user = make.user(("employee", make.centre()))
    login(user)
    client.post(
        "/notifications/settings",
        data={"on_due_day": "y", "days_before": "2", "overdue_every": "1", "email_digest": "y"},
    )
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reminder_rule.update")).one()
    assert event.actor_id == user.id and event.before == {"days_before": 1} and event.after == {"days_before": 2}


# ---- scale and schedule -----------------------------------------------------------------------


def test_the_daily_run_reads_in_a_few_queries_whatever_the_number_of_tasks(app, make):
    centre = make.centre()
    people = [make.user(("employee", centre), centre=centre) for _ in range(12)]
    for n in range(240):
        due = MON + timedelta(days=(n % 5) - 2)
        _task(
            f"Поручение {n}", due, people[n % 12], controller=people[(n + 1) % 12], co_executors=[people[(n + 2) % 12]]
        )
    db.session.commit()

    selects = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        counts = reminders.run_daily(MON)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    db.session.commit()
    assert counts["tasks"] == 240 - 48  # due in 2 days: beyond everyone's lookahead (1 day)
    assert counts["people"] == 12 and counts["emails"] == 12
    assert len(selects) <= 12, selects


@pytest.mark.parametrize(("zone", "expected"), [("UTC", "0 4 * * *"), ("Asia/Yekaterinburg", "0 9 * * *")])
def test_cron_runs_at_seven_moscow_time_in_the_schedulers_zone(zone, expected):
    saved = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        assert moscow_cron(7) == expected
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_schedule_registers_the_daily_digest(app):
    """As worker.py --with-cron loads it: the daily digest is among the cron jobs, at 07:00 Moscow."""
    from rq.cron import CronScheduler

    from app.jobs import redis_connection

    scheduler = CronScheduler(connection=redis_connection())
    scheduler.load_config_from_file("app.jobs.schedule")
    jobs = {job.func.__name__: job for job in scheduler.get_jobs()}
    assert jobs["send_daily_reminders"].cron == moscow_cron(7)
    assert {"anonymise_expired_client_data", "requeue_stranded"} <= set(jobs)
