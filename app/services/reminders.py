"""Task reminders (напоминания о сроках поручений): the daily digest and escalation to controllers.

Once a day (`run_daily`, started by the cron job in app/jobs/reminders.py) every open task with a
deadline is checked against the rule of each person who executes it — the responsible person and
the co-executors (`ReminderRule`, defaults when a user has none):

* the deadline is today (``on_due_day``);
* the deadline is in exactly ``days_before`` days (0 turns it off);
* the task is overdue by a multiple of ``overdue_every`` calendar days (0 turns it off).

A task overdue by at least ``escalate_after()`` working days (production calendar; a `Setting`,
default 3) also goes to its controller, every day, under «Просрочено у исполнителей» — unless the
controller executes it themselves.

Each person gets one digest a day: an in-app notification per task (linking to it; a newer
reminder about the same task marks the older unread one read, so the counter shows how many tasks
need attention, not how many days they were reminded) and one e-mail listing all of them.

«Never twice a day»: every (task, person, day) is claimed in `ReminderLog`, whose unique key makes
the claim an insert-or-skip: rows logged by an earlier run are left out after one read, the rest
go in with ``INSERT … ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL and SQLite), which also skips
a row a concurrent run inserted meanwhile. A person's digest holds only the tasks this run claimed:
a second run — later the same day, or at the same time in another worker — sends nothing. Claims, notifications
and e-mails of a batch are committed together, so a run that fails sends nothing it has not also
logged, and the next run picks up the rest.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models.base import today, utcnow
from app.models.notifications import (
    DEFAULT_DAYS_BEFORE,
    DEFAULT_EMAIL_DIGEST,
    DEFAULT_ON_DUE_DAY,
    DEFAULT_OVERDUE_EVERY,
    NOTIFICATION_KINDS,
    Notification,
    ReminderLog,
    ReminderRule,
)
from app.models.org import Setting, User
from app.models.tasks import OPEN_STATUSES, Task, TaskParticipant
from app.services import audit, mail
from app.services.calendar import ProductionCalendar
from app.services.notifications import path_for
from app.services.tasks import days_left_text, not_group_parent, working_days_text

ESCALATE_AFTER_KEY = "reminders_escalate_after_working_days"
DEFAULT_ESCALATE_AFTER = 3  # working days overdue before the controller hears of it
MAX_DAYS = 30  # the largest number a user may put in their rule
PEOPLE_PER_BATCH = 500  # people whose digests are claimed, written (and committed by the job) together
IDS_PER_QUERY = 1000  # ids in one IN (…) list
ROWS_PER_INSERT = 1000
TITLE_IN_TEXT = 300
KEEP_LOG_DAYS = 90  # the reminder log only guards against repeats within a day: older rows go

# Sections of a digest, in the order the e-mail lists them; each is also the kind of its notifications.
SECTIONS = {kind: NOTIFICATION_KINDS[kind] for kind in ("overdue", "due_today", "due_soon", "escalation")}
LOG_KINDS = {"due_today": "due_soon", "due_soon": "due_soon", "overdue": "overdue", "escalation": "escalation"}
RULE_FIELDS = ("on_due_day", "days_before", "overdue_every", "email_digest")

audit.ACTION_LABELS.setdefault("reminder_rule.update", "Изменены правила напоминаний")
audit.OBJECT_LABELS.setdefault("ReminderRule", "Правила напоминаний")
for _key, _label in {
    "on_due_day": "Напоминать в день срока",
    "days_before": "Напоминать за дней до срока",
    "overdue_every": "Напоминать о просрочке раз в дней",
    "email_digest": "Сводка на электронную почту",
}.items():
    audit.FIELD_LABELS.setdefault(_key, _label)


class ReminderError(ValueError):
    """A reminder rule is invalid; the message is for the user."""


# ---- rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A user's reminder rule as plain values (a `ReminderRule` row, or the defaults)."""

    on_due_day: bool = DEFAULT_ON_DUE_DAY
    days_before: int = DEFAULT_DAYS_BEFORE
    overdue_every: int = DEFAULT_OVERDUE_EVERY
    email_digest: bool = DEFAULT_EMAIL_DIGEST

    @classmethod
    def of(cls, row: ReminderRule | None) -> "Rule":
        if row is None:
            return cls()
        return cls(
            on_due_day=bool(row.on_due_day),
            days_before=int(row.days_before or 0),
            overdue_every=int(row.overdue_every or 0),
            email_digest=bool(row.email_digest),
        )


DEFAULT_RULE = Rule()


def rule_for(user) -> Rule:
    """The user's rule, or the defaults."""
    return Rule.of(db.session.get(ReminderRule, user.id))


def save_rule(user, values: dict, actor=None) -> ReminderRule:
    """Store the user's rule; numbers of days must be 0–MAX_DAYS (0 = off). Audited when it changes."""
    for name in ("days_before", "overdue_every"):
        value = values.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
            raise ReminderError(f"Число дней — целое, от 0 до {MAX_DAYS}.")
    row = db.session.get(ReminderRule, user.id)
    before = audit.snapshot(Rule.of(row), RULE_FIELDS)
    if row is None:
        row = ReminderRule(user_id=user.id)
        db.session.add(row)
    row.on_due_day = bool(values.get("on_due_day"))
    row.days_before = values["days_before"]
    row.overdue_every = values["overdue_every"]
    row.email_digest = bool(values.get("email_digest"))
    db.session.flush()
    old, new = audit.changed(before, audit.snapshot(row, RULE_FIELDS))
    if new:
        audit.record(
            "reminder_rule.update", row, before=old, after=new, actor=actor or user, object_id=user.id, label=str(user)
        )
    return row


def qualifies(rule: Rule, due_on: date, on: date) -> str | None:
    """Whether an executor with `rule` is reminded of a task due `due_on` on day `on`, and how.

    Returns a section key (``due_today``, ``due_soon``, ``overdue``) or None.
    """
    days = (due_on - on).days
    if days == 0:
        return "due_today" if rule.on_due_day else None
    if days > 0:
        return "due_soon" if rule.days_before > 0 and days == rule.days_before else None
    return "overdue" if rule.overdue_every > 0 and (-days) % rule.overdue_every == 0 else None


def escalate_after() -> int:
    """Working days of delay after which a task goes to its controller (Setting, default 3)."""
    setting = db.session.get(Setting, ESCALATE_AFTER_KEY)
    try:
        value = int(setting.value) if setting is not None else DEFAULT_ESCALATE_AFTER
    except ValueError:
        return DEFAULT_ESCALATE_AFTER
    return value if 1 <= value <= 365 else DEFAULT_ESCALATE_AFTER


def escalation_cutoff(on: date, after: int, calendar: ProductionCalendar) -> date:
    """The latest deadline overdue on `on` by at least `after` working days.

    A task due `d` is late by ``working_days_between(d, on)`` working days — those in (d, on] — which
    grows as `d` moves back: walking back from `on` until `after` working days are behind gives the
    boundary once, instead of counting for every task.
    """
    day, counted = on, 0
    while counted < after:
        if calendar.is_working_day(day):
            counted += 1
        day -= timedelta(days=1)
    return day


# ---- wording --------------------------------------------------------------------------------


def ru_day(day: date) -> str:
    return day.strftime("%d.%m.%Y")


@dataclass(frozen=True)
class Item:
    """One task in one person's digest."""

    task_id: int
    title: str
    due_on: date
    section: str  # a SECTIONS key
    days_left: int  # calendar days; negative when overdue
    working_late: int = 0  # working days overdue (escalation)
    responsible: str = ""  # who is late (escalation)

    @property
    def log_kind(self) -> str:
        return LOG_KINDS[self.section]

    def state(self) -> str:
        """«срок сегодня», «остался 1 день», «просрочено на 3 дня (2 рабочих дня)»."""
        state = days_left_text(self.days_left)
        if self.section == "escalation":
            state += f" ({working_days_text(self.working_late)})"
        return state

    def line(self) -> str:
        """«Подготовить отчёт» — до 16.08.2021, остался 1 день."""
        text = f"«{self.title}» — до {ru_day(self.due_on)}, {self.state()}"
        if self.section == "escalation":
            text += f", ответственный: {self.responsible or 'не назначен'}"
        return text

    def notification_text(self) -> str:
        """«Подготовить отчёт»: просрочено на 2 дня, срок был 14.08.2021. (The kind is shown beside it.)"""
        title = self.title if len(self.title) <= TITLE_IN_TEXT else self.title[: TITLE_IN_TEXT - 1] + "…"
        if self.section == "due_today":
            return f"«{title}»: срок сегодня, {ru_day(self.due_on)}."
        if self.section == "due_soon":
            return f"«{title}»: {self.state()}, срок {ru_day(self.due_on)}."
        text = f"«{title}»: {self.state()}, срок был {ru_day(self.due_on)}"
        if self.section == "escalation":
            text += f", ответственный: {self.responsible or 'не назначен'}"
        return text if text.endswith(".") else text + "."


def greeting(full_name: str) -> str:
    """«Здравствуйте, Иван Петрович!» from «Иванов Иван Петрович»."""
    parts = (full_name or "").split()
    name = " ".join(parts[1:3]) if len(parts) >= 2 else (full_name or "").strip()
    return f"Здравствуйте, {name}!" if name else "Здравствуйте!"


def digest_subject(on: date) -> str:
    return f"cxm: поручения на {ru_day(on)}"


def digest_body(
    full_name: str, on: date, items: list[Item], base_url: str, task_path: Callable[[int], str] | None = None
) -> str:
    """The e-mail: the person's tasks of the day by section, each with its deadline, state and link."""
    base = base_url.rstrip("/")
    task_path = task_path or task_paths()
    lines = [greeting(full_name), "", f"Сводка поручений на {ru_day(on)}."]
    for section, heading in SECTIONS.items():
        chosen = [item for item in items if item.section == section]
        if not chosen:
            continue
        lines += ["", f"{heading} ({len(chosen)}):"]
        for number, item in enumerate(sorted(chosen, key=lambda i: (i.due_on, i.task_id)), start=1):
            lines.append(f"{number}. {item.line()}")
            lines.append(f"   {base}{task_path(item.task_id)}")
    lines += [
        "",
        f"Мои задачи: {base}{path_for('tasks.mine') or '/tasks/my'}",
        f"Настроить напоминания: {base}{path_for('notifications.settings') or '/notifications/settings'}",
        "",
        "Письмо отправлено автоматически, отвечать на него не нужно.",
    ]
    return "\n".join(lines) + "\n"


_PROBE_ID = 987654321


def task_paths() -> Callable[[int], str]:
    """A function giving a task page's path by id: the route is looked up once, not per reminder."""
    probe = path_for("tasks.task", task_id=_PROBE_ID) or f"/tasks/{_PROBE_ID}"
    before, _, after = probe.partition(str(_PROBE_ID))
    return lambda task_id: f"{before}{task_id}{after}"


# ---- the daily run --------------------------------------------------------------------------


def _chunks(values: list, size: int) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _claim(rows: list[dict], on: date) -> set[tuple[int, int]]:
    """Insert the day's reminder-log rows that do not exist yet; returns the (task_id, user_id) pairs
    this call inserted — the reminders it may send.

    Rows logged earlier (a previous run today) are skipped after one read; the rest go in with
    ``INSERT … ON CONFLICT DO NOTHING RETURNING``, so a row another run inserts meanwhile is skipped
    too. Every run inserts in one order (person, task): concurrent runs on PostgreSQL wait for each
    other's rows instead of deadlocking.
    """
    if not rows:
        return set()
    logged: set[tuple[int, int]] = set()
    user_ids = sorted({row["user_id"] for row in rows})
    for chunk in _chunks(user_ids, IDS_PER_QUERY):
        found = db.session.execute(
            select(ReminderLog.task_id, ReminderLog.user_id).where(
                ReminderLog.sent_on == on, ReminderLog.user_id.in_(chunk)
            )
        )
        logged.update((task_id, user_id) for task_id, user_id in found)
    rows = sorted(
        (row for row in rows if (row["task_id"], row["user_id"]) not in logged),
        key=lambda r: (r["user_id"], r["task_id"]),
    )
    if not rows:
        return set()
    table = ReminderLog.__table__
    connection = db.session.connection()
    dialect = connection.dialect.name
    if dialect in ("postgresql", "sqlite"):
        make_insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = (
            make_insert(table)
            .on_conflict_do_nothing(index_elements=["task_id", "user_id", "sent_on"])
            .returning(table.c.task_id, table.c.user_id)
        )
        won: set[tuple[int, int]] = set()
        for chunk in _chunks(rows, ROWS_PER_INSERT):  # executemany: batched into multi-row INSERTs
            won.update((task_id, user_id) for task_id, user_id in connection.execute(stmt, chunk))
        return won
    won = set()
    for row in rows:  # any other database: a savepoint per row
        try:
            with db.session.begin_nested():
                db.session.add(ReminderLog(**row))
        except IntegrityError:
            continue
        won.add((row["task_id"], row["user_id"]))
    return won


def _supersede(won: set[tuple[int, int]], now) -> None:
    """Mark read the unread reminders about the (task, person) pairs just claimed: the new one replaces them.

    One read finds who has unread reminders at all; then one indexed UPDATE per such person.
    """
    tasks_of: dict[int, list[int]] = {}
    for task_id, user_id in sorted(won):
        tasks_of.setdefault(user_id, []).append(task_id)
    waiting: set[int] = set()
    for chunk in _chunks(sorted(tasks_of), IDS_PER_QUERY):
        waiting.update(
            db.session.scalars(
                select(Notification.user_id)
                .where(
                    Notification.user_id.in_(chunk),
                    Notification.read_at.is_(None),
                    Notification.kind.in_(SECTIONS),
                )
                .distinct()
            )
        )
    for user_id in sorted(waiting):
        for chunk in _chunks(tasks_of[user_id], IDS_PER_QUERY):
            db.session.execute(
                update(Notification)
                .where(
                    Notification.user_id == user_id,
                    Notification.read_at.is_(None),
                    Notification.task_id.in_(chunk),
                    Notification.kind.in_(SECTIONS),
                )
                .values(read_at=now)
                .execution_options(synchronize_session=False)
            )


@dataclass(frozen=True)
class Person:
    """What a digest needs of a user, as plain values (they outlive the commits between batches)."""

    id: int
    full_name: str
    short_name: str
    email: str
    active: bool


def _people(ids: set[int]) -> dict[int, Person]:
    people: dict[int, Person] = {}
    for chunk in _chunks(sorted(ids), IDS_PER_QUERY):
        for user in db.session.scalars(select(User).where(User.id.in_(chunk))):
            people[user.id] = Person(user.id, user.full_name, user.short_name, user.email or "", bool(user.active))
    return people


def _rules(ids: set[int]) -> dict[int, Rule]:
    rules: dict[int, Rule] = {}
    for chunk in _chunks(sorted(ids), IDS_PER_QUERY):
        rows = db.session.scalars(select(ReminderRule).where(ReminderRule.user_id.in_(chunk)))
        rules.update((row.user_id, Rule.of(row)) for row in rows)
    return rules


@dataclass
class Plan:
    """Who is to be reminded of what on one day."""

    digests: dict[int, list[Item]]  # person id → their items
    people: dict[int, Person]
    rules: dict[int, Rule]
    tasks: int  # tasks read


def collect(on: date, calendar: ProductionCalendar | None = None) -> Plan:
    """Who is to be reminded of what on day `on`, before anything is claimed or sent.

    Reads only open, dated, non-standing tasks due within the longest lookahead any rule asks
    for (or overdue), as plain columns; co-executors, people and rules in a few batched queries.
    """
    calendar = calendar or ProductionCalendar()
    lookahead = max(DEFAULT_DAYS_BEFORE, db.session.scalar(select(func.max(ReminderRule.days_before))) or 0)
    cutoff = escalation_cutoff(on, escalate_after(), calendar)
    where = (
        Task.status.in_(OPEN_STATUSES),
        Task.due_on.is_not(None),
        Task.due_on <= on + timedelta(days=lookahead),
        Task.standing.is_not(True),
        not_group_parent(),  # its people's own tasks are reminded of, not the group's shared parent
    )
    tasks = db.session.execute(
        select(Task.id, Task.title, Task.due_on, Task.responsible_id, Task.controller_id)
        .where(*where)
        .order_by(Task.id)
    ).all()
    co_executors: dict[int, list[int]] = {}
    participants = db.session.execute(
        select(TaskParticipant.task_id, TaskParticipant.user_id)
        .join(Task, Task.id == TaskParticipant.task_id)
        .where(TaskParticipant.role == "co_executor", *where)
        .order_by(TaskParticipant.id)
    )
    for task_id, user_id in participants:
        co_executors.setdefault(task_id, []).append(user_id)

    ids = {t.responsible_id for t in tasks} | {u for people in co_executors.values() for u in people}
    ids |= {t.controller_id for t in tasks if t.due_on <= cutoff}
    ids.discard(None)
    users = _people(ids)
    rules = _rules({i for i, u in users.items() if u.active})

    digests: dict[int, dict[int, Item]] = {}
    late_by: dict[date, int] = {}  # due date → working days late (tasks share deadlines: count each once)
    for task in tasks:
        executors = list(dict.fromkeys(u for u in [task.responsible_id, *co_executors.get(task.id, ())] if u))
        days = (task.due_on - on).days
        for user_id in executors:
            user = users.get(user_id)
            if user is None or not user.active:
                continue
            section = qualifies(rules.get(user_id, DEFAULT_RULE), task.due_on, on)
            if section:
                digests.setdefault(user_id, {})[task.id] = Item(task.id, task.title, task.due_on, section, days)
        controller = users.get(task.controller_id) if task.controller_id else None
        if task.due_on <= cutoff and controller is not None and controller.active and controller.id not in executors:
            if task.due_on not in late_by:
                late_by[task.due_on] = calendar.working_days_between(task.due_on, on)
            responsible = users.get(task.responsible_id) if task.responsible_id else None
            digests.setdefault(controller.id, {})[task.id] = Item(
                task.id,
                task.title,
                task.due_on,
                "escalation",
                days,
                working_late=late_by[task.due_on],
                responsible=responsible.short_name if responsible else "",
            )
    return Plan({user_id: list(items.values()) for user_id, items in digests.items()}, users, rules, len(tasks))


def run_daily(
    on: date | None = None,
    calendar: ProductionCalendar | None = None,
    after_batch: Callable[[], None] | None = None,
) -> dict:
    """Send the day's digests; returns counts. Safe to run twice: nothing is sent twice a day.

    Writes to the session and flushes; the caller commits (the job passes ``after_batch`` to
    commit every batch of people, so a long run keeps its progress).
    """
    on = on or today()
    plan = collect(on, calendar)
    digests, people, rules = plan.digests, plan.people, plan.rules
    base_url = current_app.config["PUBLIC_BASE_URL"]
    link = task_paths()
    order = list(SECTIONS)
    counts = {"tasks": plan.tasks, "people": 0, "notifications": 0, "emails": 0, "escalations": 0, "skipped": 0}
    for batch in _chunks(sorted(digests), PEOPLE_PER_BATCH):
        now = utcnow()
        won = _claim(
            [
                {"task_id": item.task_id, "user_id": user_id, "sent_on": on, "kind": item.log_kind, "created_at": now}
                for user_id in batch
                for item in digests[user_id]
            ],
            on,
        )
        _supersede(won, now)
        notifications = []
        for user_id in batch:
            items = [item for item in digests[user_id] if (item.task_id, user_id) in won]
            counts["skipped"] += len(digests[user_id]) - len(items)
            if not items:
                continue
            # the list shows the newest first: the most urgent go in last
            for item in sorted(items, key=lambda i: (order.index(i.section), i.due_on, i.task_id), reverse=True):
                notifications.append(
                    {
                        "user_id": user_id,
                        "text": item.notification_text(),
                        "link": link(item.task_id),
                        "kind": item.section,
                        "task_id": item.task_id,
                        "created_at": now,
                        "read_at": None,
                    }
                )
            person = people[user_id]
            if rules.get(user_id, DEFAULT_RULE).email_digest and person.email:
                body = digest_body(person.full_name, on, items, base_url, link)
                mail.send(person.email, digest_subject(on), body)
                counts["emails"] += 1
            counts["people"] += 1
            counts["escalations"] += sum(item.section == "escalation" for item in items)
        for chunk in _chunks(notifications, ROWS_PER_INSERT):
            db.session.execute(insert(Notification), chunk)
        counts["notifications"] += len(notifications)
        db.session.flush()
        if after_batch is not None:
            after_batch()
    counts["log_purged"] = (
        db.session.execute(
            delete(ReminderLog)
            .where(ReminderLog.sent_on < on - timedelta(days=KEEP_LOG_DAYS))
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    db.session.flush()
    return counts
