"""Rights that come from a person's part in a record, and limits on evidence, beyond the role's scope."""

from datetime import date, datetime

from app.extensions import db
from app.models.meetings import WorkingGroup
from app.services import meetings, tasks
from app.services.policy import can


def _task(make, status="new"):
    centre = make.centre()
    lead = make.user(("team_lead", centre), centre=centre)
    worker = make.user(("employee", centre), centre=centre)
    hr = make.user(("hr", centre), centre=centre)
    observer = make.user(("observer", centre.region), region=centre.region)
    task = tasks.create({"title": "Устранить барьер", "responsible_id": worker.id, "controller_id": lead.id}, lead)
    task.status = status
    db.session.commit()
    return task, lead, worker, hr, observer


def test_evidence_is_changed_only_by_the_people_of_an_open_task_or_its_managers(make):
    task, lead, worker, hr, _ = _task(make)
    assert can(worker, "attachment.manage", task) and can(lead, "attachment.manage", task)
    assert can(hr, "attachment.view", task) and not can(hr, "attachment.manage", task)
    task.status = "done"
    assert not can(worker, "attachment.manage", task) and not can(lead, "attachment.manage", task)


def test_comments_need_a_part_in_the_task_or_task_management(make):
    task, lead, worker, hr, observer = _task(make)
    assert can(worker, "task.comment", task) and can(lead, "task.comment", task)
    assert can(observer, "task.view", task) and not can(observer, "task.comment", task)
    assert not can(hr, "task.comment", task)


def test_invited_people_see_a_meeting_outside_their_scope(make):
    region_centre, other_centre = make.centre(), make.centre()
    secretary = make.user(("secretary", region_centre.region), region=region_centre.region)
    director = make.user(("director", other_centre), centre=other_centre)
    stranger = make.user(("director", make.centre()))
    group = WorkingGroup(name="Группа", region_id=region_centre.region_id)
    db.session.add(group)
    db.session.flush()
    meetings.set_member(group, secretary, "secretary", "Секретарь", date(2021, 7, 30), "", None)
    meetings.set_member(group, director, "member", "Директор", date(2021, 7, 30), "", None)
    meeting = meetings.create(group, datetime(2021, 8, 5, 10), "", "", secretary)
    db.session.commit()
    assert can(director, "meeting.view", meeting) and can(director, "attachment.view", meeting)
    assert not can(director, "meeting.manage", meeting) and not can(director, "attachment.manage", meeting)
    assert not can(stranger, "meeting.view", meeting)
    meeting.status = "signed"
    assert not can(secretary, "attachment.manage", meeting)
