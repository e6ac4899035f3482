"""Pure task rules: days left, the transition table, list sorting and filters."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from app.models.tasks import OPEN_STATUSES, TASK_STATUSES, Task
from app.services import tasks

ON = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("due", "status", "label"),
    [
        (date(2026, 3, 13), "new", "осталось 3 дня"),
        (date(2026, 3, 11), "in_progress", "остался 1 день"),
        (date(2026, 3, 10), "review", "срок сегодня"),
        (date(2026, 3, 8), "new", "просрочено на 2 дня"),
        (date(2026, 3, 5), "new", "просрочено на 5 дней"),
        (date(2026, 3, 31), "new", "остался 21 день"),
        (date(2026, 3, 9), "new", "просрочено на 1 день"),
        (date(2026, 3, 8), "done", ""),  # closed tasks count nothing
        (date(2026, 3, 8), "cancelled", ""),
        (None, "new", ""),  # a standing task has no deadline
    ],
)
def test_days_left_label(due, status, label):
    task = Task(title="x", due_on=due, status=status)
    assert tasks.days_left_label(task, on=ON) == label
    assert tasks.is_overdue(task, on=ON) == label.startswith("просрочено")


def test_every_transition_has_a_button_label_and_known_statuses():
    for source, targets in tasks.TRANSITIONS.items():
        assert source in TASK_STATUSES
        for target, who in targets.items():
            assert target in TASK_STATUSES and who in ("work", "manage")
            assert tasks.ACTION_LABELS[(source, target)]
    # executors only move work forward; closing, cancelling and reopening are the managers'
    work = {(s, t) for s, ts in tasks.TRANSITIONS.items() for t, who in ts.items() if who == "work"}
    assert work == {("new", "in_progress"), ("in_progress", "review")}
    assert set(tasks.TRANSITIONS["done"]) == {"in_progress"} and set(tasks.TRANSITIONS["cancelled"]) == {"new"}
    assert set(OPEN_STATUSES) == {"new", "in_progress", "review"}


def _sql(stmt) -> str:
    return str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


@pytest.mark.parametrize(
    ("key", "expected_key"),
    [(None, "deadline"), ("priority", "priority"), ("-created", "-created"), ("drop", "deadline"), ("--", "deadline")],
)
def test_sort_keys_are_whitelisted(key, expected_key):
    stmt, used = tasks.sort(select(Task), key)
    assert used == expected_key
    assert "ORDER BY" in _sql(stmt) and "drop" not in _sql(stmt)


def test_deadline_sort_puts_tasks_without_deadline_last():
    assert "ORDER BY task.due_on DESC NULLS LAST" in _sql(tasks.sort(select(Task), "-deadline")[0])
    assert "ORDER BY task.due_on ASC NULLS LAST" in _sql(tasks.sort(select(Task), "deadline")[0])


def test_filters_ignore_unknown_values():
    base = _sql(select(Task))
    assert _sql(tasks.filtered(select(Task), status="bogus", source="bogus")) == base
    assert "task.status IN" in _sql(tasks.filtered(select(Task), status="open"))
    assert "task.source_type = 'feedback'" in _sql(tasks.filtered(select(Task), source="feedback"))


def test_board_column_count_stops_at_the_cap():
    assert tasks.Column("new", "Новая", [], total=tasks.BOARD_COUNT_CAP).total_label == str(tasks.BOARD_COUNT_CAP)
    over = tasks.Column("new", "Новая", [], total=tasks.BOARD_COUNT_CAP + 1)
    assert over.capped and over.total_label == f"более {tasks.BOARD_COUNT_CAP}"
