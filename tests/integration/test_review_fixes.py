"""Account takeover, session ending, safe bounds for ids and input, centre moves, mail secrets."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.mail import OutboxMessage
from app.models.org import Centre, Department, Region, RoleAssignment, User
from app.services import auth, mail
from tests.conftest import PASSWORD


def test_hr_cannot_edit_or_reset_an_account_with_wider_powers(make, login, client):
    centre = make.centre()
    director = make.user(("director", centre), centre=centre)
    colleague = make.user(("employee", centre), centre=centre)
    login(make.user(("hr", centre), centre=centre))
    assert client.get(f"/admin/users/{director.id}/edit").status_code == 404
    assert client.post(f"/admin/users/{director.id}/reset").status_code == 404
    before = director.email
    db.session.expire_all()
    assert director.email == before and director.password_hash
    assert client.get(f"/admin/users/{colleague.id}/edit").status_code == 200
    page = client.get(f"/admin/users/{director.id}").get_data(as_text=True)
    assert "Сбросить пароль" not in page


def test_email_search_does_not_probe_emails_outside_personal_data_scope(make, login, client):
    mine, other = make.centre(), make.centre()
    make.user(("employee", other), centre=other, email="secret.person@other.ru", full_name="Тайнов Пётр")
    viewer = make.user(("director", mine), ("observer", None), centre=mine)
    login(viewer)
    page = client.get("/admin/users?q=secret.person@").get_data(as_text=True)
    assert "Тайнов" not in page


def test_password_change_ends_other_sessions(app, make, login, client):
    user = make.user(("employee", make.centre()))
    login(user)
    other = app.test_client()
    assert other.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 303
    assert other.get("/").status_code == 200
    response = client.post(
        "/account/password", data={"current": PASSWORD, "password": "Нов-пароль-2026!", "confirm": "Нов-пароль-2026!"}
    )
    assert response.status_code == 303
    assert client.get("/").status_code == 200  # the session that changed it continues
    assert other.get("/").status_code == 302  # the other one is signed out


def test_admin_reset_clears_the_password_and_ends_sessions(app, make, login, client):
    target = make.user(("employee", make.centre()))
    db.session.commit()
    theirs = app.test_client()
    assert theirs.post("/login", data={"email": target.email, "password": PASSWORD}).status_code == 303
    login(make.user(("admin", None)))
    assert client.post(f"/admin/users/{target.id}/reset").status_code == 303
    assert theirs.get("/").status_code == 302
    assert app.test_client().post("/login", data={"email": target.email, "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/admin/users/99999999999999999999",
        "/admin/centres/9223372036854775808/edit",
        "/jobs/99999999999999999999999",
        "/api/v1/centres/99999999999999999999",
    ],
)
def test_huge_ids_are_not_found(make, login, client, path):
    login(make.user(("admin", None)))
    assert client.get(path).status_code == 404


def test_absurd_page_and_filter_values_fall_back(make, login, client):
    login(make.user(("admin", None)))
    make.centre(name="Центр Альфа")
    for path in ["/admin/centres?page=99999999999999999999", "/admin/centres?region=99999999999999999999"]:
        response = client.get(path)
        assert response.status_code == 200 and "Центр Альфа" in response.get_data(as_text=True), path
    assert client.get("/admin/users?page=-5").status_code == 200


def test_nul_bytes_are_refused_and_change_nothing(make, login, client):
    login(make.user(("admin", None)))
    assert client.get("/admin/users?q=a%00b").status_code == 400
    response = client.post("/admin/regions/new", data={"name": "Бад\x00регион", "network_type": "centralised"})
    assert response.status_code == 400 and "недопустимые символы" in response.get_data(as_text=True)
    assert db.session.scalar(select(Region)) is None


def test_centre_cannot_become_a_branch_of_its_own_branch(make, login, client):
    region = make.region()
    head = make.centre(region, name="Головной")
    branch = make.centre(region, name="Филиал", parent=head)
    login(make.user(("admin", None)))
    page = client.post(
        f"/admin/centres/{head.id}/edit", data={"name": "Головной", "region_id": region.id, "parent_id": branch.id}
    ).get_data(as_text=True)
    assert "не может быть самим центром или его филиалом" in page
    db.session.expire_all()
    assert head.parent_id is None


def test_moving_a_centre_moves_its_branches_people_and_roles(make, login, client):
    old, new = make.region(), make.region()
    head = make.centre(old, name="Головной")
    branch = make.centre(old, name="Филиал", parent=head)
    department = make.department(branch)
    employee = make.user(centre=branch)
    employee.roles.append(RoleAssignment(role="employee", region_id=old.id, centre_id=branch.id))
    old.managing_centre_id = head.id
    login(make.user(("admin", None)))
    response = client.post(
        f"/admin/centres/{head.id}/edit", data={"name": "Головной", "region_id": new.id, "parent_id": 0}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Centre, branch.id).region_id == new.id
    assert db.session.get(Department, department.id).region_id == new.id
    assert db.session.get(User, employee.id).region_id == new.id
    assert {r.region_id for r in db.session.get(User, employee.id).roles} == {new.id}
    assert db.session.get(Region, old.id).managing_centre_id is None


@pytest.mark.parametrize(
    "app", [{"LOGIN_RATE_LIMIT": "100 per minute", "LOGIN_ACCOUNT_RATE_LIMIT": "3 per hour"}], indirect=True
)
def test_failed_sign_ins_are_limited_per_account_from_any_address(app, make, client):
    user = make.user(("employee", make.centre()))
    db.session.commit()
    for n in range(3):
        response = client.post(
            "/login", data={"email": user.email, "password": "wrong"}, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}
        )
        assert response.status_code == 200
    response = client.post(
        "/login", data={"email": user.email.upper(), "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert response.status_code == 429


def test_successful_sign_ins_do_not_count_against_the_account(app, make, client):
    user = make.user(("employee", make.centre()))
    db.session.commit()
    for _ in range(5):
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code in (302, 303)
        client.post("/logout")


def test_expired_session_under_htmx_returns_to_the_page_not_the_fragment(client):
    response = client.get(
        "/admin/users?q=x",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/admin/users?sort=name"},
    )
    assert response.headers["HX-Redirect"] == "/login?next=/admin/users?sort%3Dname"


def test_the_outbox_copy_of_a_delivered_set_password_mail_hides_the_link(app, make):
    """The redaction `deliver_now` applies after SMTP accepts the message, on a real reset mail."""
    user = make.user(("employee", make.centre()))
    auth.send_password_link(user, invitation=False)
    message = db.session.scalar(select(OutboxMessage))
    token_link = next(word for word in message.body.split() if "/reset/" in word)
    redacted = mail.ONE_TIME_LINK.sub(mail.HIDDEN_LINK, message.body)
    assert token_link not in redacted and mail.HIDDEN_LINK in redacted
    assert redacted.startswith(f"Здравствуйте, {user.full_name}!")
    assert mail.ONE_TIME_LINK.sub(mail.HIDDEN_LINK, "http://x.ru/centres/5") == "http://x.ru/centres/5"


def test_unknown_environment_and_missing_public_url_refuse_to_start(monkeypatch, tmp_path):
    from app.config import build_config

    with pytest.raises(RuntimeError, match="CXM_ENV"):
        build_config(str(tmp_path), {"ENV": "prod"})
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        build_config(str(tmp_path), {"ENV": "production"})


@pytest.mark.parametrize("app", [{"TRUSTED_PROXIES": 1}], indirect=True)
def test_trusted_proxy_gives_the_client_address(app, make, client):
    from app.models.audit import AuditEvent

    user = make.user(("employee", make.centre()))
    db.session.commit()
    client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login"))
    assert event.ip == "203.0.113.7"
