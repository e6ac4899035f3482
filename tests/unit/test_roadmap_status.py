"""Roadmap item status is computed from plan and fact (seed 000 §4.6: the client KPIs 7 days late, the journey 6)."""

from datetime import date

import pytest

from app.models.roadmap import Roadmap, RoadmapBlock, RoadmapItem
from app.services import roadmap

PILOT = Roadmap(title="Дорожная карта", starts_on=date(2021, 7, 27), ends_on=date(2021, 11, 1))
BLOCK = RoadmapBlock(title="Мероприятия", starts_on=date(2021, 7, 27), ends_on=date(2021, 11, 1))
REPORT_DAY = date(2021, 10, 29)


def item(kind="until", due_on=None, done_on=None, due_from=None, reason="", baseline=None) -> RoadmapItem:
    entry = RoadmapItem(
        title="Мероприятие",
        deadline_kind=kind,
        due_on=due_on,
        due_from=due_from,
        done_on=done_on,
        not_done_reason=reason,
        baseline_due_on=baseline,
    )
    entry.roadmap, entry.block = PILOT, BLOCK
    return entry


@pytest.mark.parametrize(
    ("number", "due", "done", "code", "days"),
    [
        ("2.1 целевая аудитория", date(2021, 8, 16), date(2021, 8, 5), "done", 0),
        ("2.2 клиентские показатели", date(2021, 8, 27), date(2021, 9, 3), "done_late", 7),
        ("2.5 путь клиента", date(2021, 9, 24), date(2021, 9, 30), "done_late", 6),
        ("2.7 замеры: «до» включительно", date(2021, 10, 1), date(2021, 10, 1), "done", 0),
        ("2.8 карта решений", date(2021, 10, 8), date(2021, 10, 7), "done", 0),
    ],
)
def test_done_on_time_or_late_against_the_plan(number, due, done, code, days):
    status = roadmap.status_of(item(due_on=due, done_on=done), REPORT_DAY)
    assert (status.code, status.days) == (code, days), number


def test_late_is_labelled_with_its_days():
    assert roadmap.status_of(item(due_on=date(2021, 8, 27), done_on=date(2021, 9, 3)), REPORT_DAY).label == (
        "выполнено с опозданием на 7 дней"
    )
    assert roadmap.status_of(item(due_on=date(2021, 9, 24), done_on=date(2021, 9, 30))).label == (
        "выполнено с опозданием на 6 дней"
    )


def test_without_a_fact_planned_in_work_or_overdue():
    assert roadmap.status_of(item(due_on=date(2021, 10, 22)), date(2021, 10, 20)).code == "in_progress"
    assert roadmap.status_of(item(due_on=date(2021, 10, 22)), date(2021, 7, 1)).code == "planned"
    overdue = roadmap.status_of(item(due_on=date(2021, 10, 22)), date(2021, 10, 25))
    assert (overdue.code, overdue.days, overdue.label) == ("overdue", 3, "просрочено на 3 дня")
    ranged = item("range", due_from=date(2021, 10, 20), due_on=date(2021, 10, 30))
    assert roadmap.status_of(ranged, date(2021, 10, 19)).code == "planned"
    assert roadmap.status_of(ranged, date(2021, 10, 20)).code == "in_progress"


def test_not_done_only_with_a_reason():
    status = roadmap.status_of(item(due_on=date(2021, 10, 22), reason="вебинар перенесён ФЦК"), date(2021, 12, 1))
    assert (status.code, status.label) == ("not_done", "не выполнено")


def test_whole_period_is_in_work_until_the_period_ends():
    ongoing = item("whole_period")
    assert roadmap.status_of(ongoing, REPORT_DAY).code == "in_progress"
    assert roadmap.status_of(item("whole_period", done_on=date(2021, 7, 27)), REPORT_DAY).code == "in_progress"
    assert roadmap.status_of(item("whole_period", done_on=date(2021, 7, 27)), date(2021, 11, 2)).code == "done"
    after = roadmap.status_of(ongoing, date(2021, 11, 11))
    assert (after.code, after.days) == ("overdue", 10)


def test_a_date_together_with_the_whole_period_counts_the_date():
    """Seed 000, item 2.11: «до 01.11.2021» and «на протяжении всего периода реализации пилотного проекта»."""
    both = item("until_and_whole_period", due_on=date(2021, 11, 1))
    assert roadmap.deadline_label(both) == "до 01.11.2021 и на протяжении всего периода реализации"
    assert roadmap.status_of(both, REPORT_DAY).code == "in_progress"
    assert roadmap.status_of(both, date(2021, 11, 3)).days == 2
    assert (
        roadmap.status_of(item("until_and_whole_period", due_on=date(2021, 11, 1), done_on=date(2021, 11, 1))).code
        == "done"
    )


def test_deadline_labels():
    assert roadmap.deadline_label(item("on", due_on=date(2022, 4, 1))) == "01.04.2022"
    assert roadmap.deadline_label(item(due_on=date(2022, 4, 8))) == "до 08.04.2022"
    assert roadmap.deadline_label(item("range", due_from=date(2022, 6, 20), due_on=date(2022, 6, 30))) == (
        "с 20.06.2022 по 30.06.2022"
    )
    assert roadmap.deadline_label(item("whole_period")) == "на протяжении всего периода реализации"


def test_baseline_slip():
    assert (
        roadmap.baseline_slip(item(due_on=date(2021, 9, 30), baseline=date(2021, 9, 24), done_on=date(2021, 9, 30)))
        == 6
    )
    assert roadmap.baseline_slip(item(due_on=date(2021, 9, 24), baseline=date(2021, 9, 24)), date(2021, 9, 20)) == 0
    assert roadmap.baseline_slip(item(due_on=date(2021, 9, 24)), date(2021, 12, 1)) == 0  # not approved: no baseline


def test_roll_up_and_rag():
    on = date(2021, 9, 20)
    items = [
        item(due_on=date(2021, 8, 16), done_on=date(2021, 8, 5)),
        item(due_on=date(2021, 8, 27), done_on=date(2021, 9, 3)),
        item(due_on=date(2021, 9, 24)),  # due within a week
        item(due_on=date(2021, 10, 8)),
    ]
    progress = roadmap.progress(items, on)
    assert (progress.total, progress.done, progress.late, progress.overdue, progress.soon) == (4, 2, 1, 0, 1)
    assert (progress.percent, progress.rag) == (50, "amber")
    assert roadmap.progress(items, date(2021, 9, 25)).rag == "red"
    assert roadmap.progress(items[:2], on).rag == "green"
    assert roadmap.progress([], on).percent == 0
