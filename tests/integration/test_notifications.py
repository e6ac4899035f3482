"""In-app notifications: the list and its unread counter, opening marks read and follows only internal
links, marking read one or all, nobody else's notifications, the reminder settings page."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.base import utcnow
from app.models.notifications import Notification
from app.services import notifications
from app.services.notifications import NotificationError, internal_link


def _note(user, text="Срок сегодня: «Отчёт»", link="/tasks/1", kind="due_today", **kw) -> Notification:
    notification = Notification(user_id=user.id, text=text, link=link, kind=kind, **kw)
    db.session.add(notification)
    db.session.flush()
    return notification


def _badge(page: str) -> str | None:
    """The navbar counter's text, e.g. «3 непрочитанных», or None without one."""
    marker = '<span class="badge rounded-pill text-bg-warning">'
    if marker not in page:
        return None
    inner = page.split(marker, 1)[1].split("</span></span>", 1)[0]
    return inner.replace('<span class="visually-hidden">', "").strip()


def test_list_shows_newest_first_and_the_unread_counter(make, login, client):
    user = make.user(("employee", make.centre()))
    _note(user, text="Старое уведомление", created_at=utcnow() - timedelta(days=2))
    _note(user, text="Новое уведомление")
    _note(user, text="Прочитанное", read_at=utcnow(), created_at=utcnow() - timedelta(days=3))
    login(user)

    page = client.get("/notifications/").get_data(as_text=True)
    assert page.index("Новое уведомление") < page.index("Старое уведомление") < page.index("Прочитанное")
    assert "Непрочитанных: <strong>2</strong>" in page
    assert _badge(page) == "2 непрочитанных"
    assert "Отметить все прочитанными" in page
    assert _badge(client.get("/").get_data(as_text=True)) == "2 непрочитанных"  # on every page


def test_empty_states(make, login, client):
    login(make.user(("employee", make.centre())))
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Уведомлений пока нет." in page and _badge(page) is None
    assert "Отметить все прочитанными" not in page
    assert "Непрочитанных уведомлений нет." in client.get("/notifications/?unread=1").get_data(as_text=True)


def test_opening_marks_read_and_goes_to_the_link(make, login, client):
    user = make.user(("employee", make.centre()))
    note = _note(user, link="/tasks/42?tab=files")
    login(user)
    response = client.get(f"/notifications/{note.id}/open")
    assert response.status_code == 303 and response.headers["Location"] == "/tasks/42?tab=files"
    db.session.expire_all()
    assert note.read_at is not None
    assert _badge(client.get("/notifications/").get_data(as_text=True)) is None


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example",
        "/tasks/1\\..\\@evil.example",
        "javascript:alert(1)",
        "tasks/1",
        "/tasks/1\r\nSet-Cookie: x=1",
    ],
)
def test_opening_never_follows_an_external_link(make, login, client, link):
    user = make.user(("employee", make.centre()))
    note = _note(user, link=link)
    login(user)
    response = client.get(f"/notifications/{note.id}/open")
    assert response.status_code == 303
    assert response.headers["Location"] == "/notifications/"
    db.session.expire_all()
    assert note.read_at is not None
    assert "за пределы cxm" in client.get("/notifications/").get_data(as_text=True)


def test_internal_links_only_when_created(app, make):
    user = make.user(("employee", make.centre()))
    assert internal_link("/tasks/5") == "/tasks/5"
    for link in ("https://evil.example", "//evil.example", "/\\evil.example", "http:/evil", "javascript:x"):
        assert internal_link(link) is None
        with pytest.raises(NotificationError):
            notifications.notify(user.id, "Текст", link=link)
    assert notifications.notify(user.id, "Текст", link="/tasks/5").link == "/tasks/5"


def test_mark_one_and_all_read(make, login, client):
    user = make.user(("employee", make.centre()))
    first, second, third = _note(user, text="Первое"), _note(user, text="Второе"), _note(user, text="Третье")
    login(user)

    response = client.post(f"/notifications/{first.id}/read", data={"unread": "1"})
    assert response.status_code == 303 and response.headers["Location"] == "/notifications/?unread=1"
    db.session.expire_all()
    assert first.read_at is not None and second.read_at is None
    page = client.get("/notifications/?unread=1").get_data(as_text=True)
    assert "Первое" not in page and "Второе" in page and _badge(page) == "2 непрочитанных"

    response = client.post("/notifications/read-all")
    assert response.status_code == 303
    db.session.expire_all()
    assert second.read_at is not None and third.read_at is not None
    page = client.get("/notifications/").get_data(as_text=True)
    assert _badge(page) is None and "Все уведомления отмечены прочитанными." in page


def test_mark_all_read_touches_only_my_notifications(make, login, client):
    me, other = make.user(("employee", make.centre())), make.user(("employee", make.centre()))
    _note(me)
    theirs = _note(other)
    login(me)
    client.post("/notifications/read-all")
    db.session.expire_all()
    assert theirs.read_at is None


def test_nobody_else_can_open_or_mark_my_notification(make, login, client):
    owner = make.user(("employee", make.centre()))
    stranger = make.user(("admin", None))  # not even an administrator
    note = _note(owner)
    login(stranger)
    assert client.get(f"/notifications/{note.id}/open").status_code == 404
    assert client.post(f"/notifications/{note.id}/read").status_code == 404
    assert client.get("/notifications/99999/open").status_code == 404
    assert "Срок сегодня" not in client.get("/notifications/").get_data(as_text=True)
    db.session.expire_all()
    assert note.read_at is None


def test_marking_needs_post_and_a_csrf_token(make, login, client, app):
    user = make.user(("employee", make.centre()))
    note = _note(user)
    login(user)
    assert client.get(f"/notifications/{note.id}/read").status_code == 405
    assert client.get("/notifications/read-all").status_code == 405
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/notifications/read-all").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert note.read_at is None


def test_pagination(make, login, client, app):
    user = make.user(("employee", make.centre()))
    start = utcnow()
    for n in range(app.config["PER_PAGE"] + 3):
        _note(user, text=f"Уведомление №{n:03d}", created_at=start + timedelta(seconds=n))
    login(user)
    first = client.get("/notifications/").get_data(as_text=True)
    assert "Уведомление №027" in first and "Уведомление №002" not in first
    assert 'href="/notifications/?page=2"' in first
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert "Уведомление №002" in second and "Уведомление №027" not in second
    assert client.get("/notifications/?page=abc").status_code == 200


def test_htmx_request_gets_the_list_alone(make, login, client):
    user = make.user(("employee", make.centre()))
    _note(user, text="Одно")
    login(user)
    fragment = client.get("/notifications/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'id="notifications-list"' in fragment and "Одно" in fragment


def test_signed_out_users_are_sent_to_sign_in(client, app):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_no_inline_scripts_or_styles(make, login, client):
    user = make.user(("employee", make.centre()))
    _note(user)
    login(user)
    for url in ("/notifications/", "/notifications/settings"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and "style=" not in page and "onclick" not in page


def test_settings_show_the_defaults_for_a_user_without_a_rule(make, login, client):
    user = make.user(("employee", make.centre()))
    login(user)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Правила напоминаний" in page
    assert '<input checked class="form-check-input" id="on_due_day"' in page
    assert 'checked class="form-check-input" id="email_digest"' in page
    assert "просрочено на 3 рабочих дня и больше" in page
    assert 'name="days_before"' in page and 'max="30"' in page
    db.session.expire_all()
    assert db.session.scalars(select(Notification)).all() == []


def test_a_task_given_through_the_form_reaches_its_people(make, login, client):
    from app.models.base import today
    from app.services import calendar

    centre = make.centre()
    lead = make.user(("team_lead", centre), centre=centre)
    worker = make.user(("employee", centre), centre=centre)
    helper = make.user(("employee", centre), centre=centre)
    login(lead)
    due = calendar.shift_to_working_day(today() + timedelta(days=7))
    response = client.post(
        "/tasks/new",
        data={
            "title": "Разместить анкету на сайте",
            "responsible_id": worker.id,
            "co_executors": [helper.id],
            "controller_id": lead.id,
            "due_on": due.isoformat(),
            "priority": "normal",
        },
    )
    assert response.status_code == 303
    task_path = response.headers["Location"].removeprefix("http://localhost")
    client.post("/logout")
    login(worker)
    page = client.get("/notifications/").get_data(as_text=True)
    assert f"Вам поручено: «Разместить анкету на сайте», срок {due:%d.%m.%Y}." in page
    assert "Новое поручение" in page and _badge(page).startswith("1 ")
    note = db.session.scalar(select(Notification).where(Notification.user_id == worker.id))
    assert note.link == task_path
    assert db.session.scalar(select(Notification).where(Notification.user_id == lead.id)) is None  # the author
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == helper.id)) == "assigned"
