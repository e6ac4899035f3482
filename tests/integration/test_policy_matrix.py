"""Roles × routes × foreign-scope objects: no route leaks another centre's or region's rows."""

import io

import pytest
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models.jobs import JobRun
from app.models.org import ROLES
from app.services import audit, files

FOREIGN_MARK = "Чужойрегион"


@pytest.fixture
def world(make):
    """Two regions; the signed-in users live in region A / centre A1; B is foreign."""
    region_a = make.region("Своя область")
    centre_a = make.centre(region_a, "ЦЗН Свой")
    region_b = make.region(f"{FOREIGN_MARK} область")
    centre_b = make.centre(region_b, f"ЦЗН {FOREIGN_MARK}")
    sibling = make.centre(region_a, f"ЦЗН {FOREIGN_MARK} соседний")
    foreign_user = make.user(
        ("employee", centre_b), full_name=f"{FOREIGN_MARK} Пётр Иванович", centre=centre_b, email="foreign@test.ru"
    )
    sibling_user = make.user(
        ("employee", sibling), full_name=f"{FOREIGN_MARK} Соседов Иван", centre=sibling, email="sibling@test.ru"
    )
    run = JobRun(kind="demo", title="Чужая задача", region_id=region_b.id, centre_id=centre_b.id)
    db.session.add(run)
    evidence = files.attach_file(
        centre_b, FileStorage(io.BytesIO(b"%PDF-1.4 foreign"), filename=f"{FOREIGN_MARK}.pdf"), foreign_user
    )
    audit.record("centre.update", centre_b, after={"name": centre_b.name})
    db.session.commit()
    return {
        "region_a": region_a,
        "centre_a": centre_a,
        "region_b": region_b,
        "centre_b": centre_b,
        "sibling": sibling,
        "foreign_user": foreign_user,
        "sibling_user": sibling_user,
        "run": run,
        "evidence": evidence,
    }


def _foreign_gets(w):
    b, cb, fu, su, sib = w["region_b"], w["centre_b"], w["foreign_user"], w["sibling_user"], w["sibling"]
    return [
        f"/admin/regions/{b.id}",
        f"/admin/regions/{b.id}/edit",
        f"/admin/centres/{cb.id}",
        f"/admin/centres/{cb.id}/edit",
        f"/admin/centres/{sib.id}",
        f"/admin/users/{fu.id}",
        f"/admin/users/{fu.id}/edit",
        f"/admin/users/{su.id}",
        f"/jobs/{w['run'].id}",
        f"/files/panel/Centre/{cb.id}",
        f"/files/{w['evidence'].id}/download",
        f"/files/{w['evidence'].id}/preview",
    ]


def _foreign_posts(w):
    cb, fu = w["centre_b"], w["foreign_user"]
    return [
        (f"/admin/centres/{cb.id}/departments", {"name": "Взлом"}),
        (f"/admin/centres/{cb.id}/contact", {"user_id": fu.id, "valid_from": "2026-01-01"}),
        (f"/admin/centres/{cb.id}/edit", {"name": "Взлом", "region_id": w["region_b"].id}),
        (f"/admin/users/{fu.id}/edit", {"full_name": "Взлом", "email": "x@test.ru"}),
        (f"/admin/users/{fu.id}/reset", {}),
        (f"/admin/users/{fu.id}/roles", {"role": "admin", "scope": "federation"}),
        (f"/admin/regions/{w['region_b'].id}/edit", {"name": "Взлом", "network_type": "centralised"}),
        (f"/files/upload/Centre/{cb.id}", {"url": "https://example.ru/x"}),
        (f"/files/{w['evidence'].id}/delete", {}),
    ]


LISTS = [
    "/admin/regions",
    "/admin/centres",
    "/admin/users",
    "/admin/audit",
    "/admin/audit/export.csv",
    "/jobs/",
    "/admin/users?q=чужойрег",
    "/admin/centres?q=ЧУЖОЙРЕГ",
]  # case differs from the mark


@pytest.mark.parametrize("role", sorted(set(ROLES) - {"federal_coordinator"}))
def test_centre_level_roles_see_nothing_foreign(role, world, make, login, client):
    user = make.user((role, world["centre_a"]), centre=world["centre_a"])
    login(user)
    for path in _foreign_gets(world):
        response = client.get(path)
        assert response.status_code in (403, 404), (role, path, response.status_code)
        assert FOREIGN_MARK not in response.get_data(as_text=True), (role, path)
    for path, data in _foreign_posts(world):
        response = client.post(path, data=data)
        assert response.status_code in (403, 404), (role, path, response.status_code)
    for path in LISTS:
        response = client.get(path)
        assert response.status_code in (200, 403), (role, path)
        assert FOREIGN_MARK not in response.get_data(as_text=True), (role, path)
    db.session.rollback()
    assert world["centre_b"].departments == []
    assert [a.original_name for a in files.list_for(world["centre_b"])] == [f"{FOREIGN_MARK}.pdf"]
    assert world["foreign_user"].full_name.startswith(FOREIGN_MARK)
    assert [r.role for r in world["foreign_user"].roles] == ["employee"]


@pytest.mark.parametrize("role", ["admin", "director", "observer", "hr"])
def test_region_level_roles_see_their_region_only(role, world, make, login, client):
    user = make.user((role, world["region_a"]), region=world["region_a"])
    login(user)
    assert client.get(f"/admin/centres/{world['sibling'].id}").status_code == 200
    for path in [
        f"/admin/regions/{world['region_b'].id}",
        f"/admin/centres/{world['centre_b'].id}",
        f"/admin/users/{world['foreign_user'].id}",
    ]:
        assert client.get(path).status_code == 404, (role, path)
    page = client.get("/admin/centres").get_data(as_text=True)
    assert "ЦЗН Свой" in page and f"ЦЗН {FOREIGN_MARK}<" not in page


def test_branch_office_is_visible_to_its_parent_centre(world, make, login, client):
    branch = make.centre(world["region_a"], "Филиал Своего", parent=world["centre_a"])
    director = make.user(("director", world["centre_a"]), centre=world["centre_a"])
    login(director)
    assert client.get(f"/admin/centres/{branch.id}").status_code == 200
    assert client.get(f"/admin/centres/{world['sibling'].id}").status_code == 404


def test_federal_roles_see_everything(world, make, login, client):
    login(make.user(("federal_coordinator", None)))
    assert client.get(f"/admin/centres/{world['centre_b'].id}").status_code == 200
    assert FOREIGN_MARK in client.get("/admin/regions").get_data(as_text=True)


def test_anonymous_is_sent_to_login(world, client):
    for path in _foreign_gets(world) + LISTS:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
