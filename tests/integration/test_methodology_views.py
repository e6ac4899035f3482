"""Methodology pages: versions, a version's parameters («не определено методикой»), cloning, editing a
draft (weights summing to 1, typed parameters, audit), activating it, and who may do what."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.indices import IndicatorValue
from app.models.methodology import Methodology, MethodologyParam
from app.services import methodology, surveys
from app.services import methodology_edit as edit_service


@pytest.fixture
def w(make):
    methodology.install_templates()
    surveys.install_templates()
    region = make.region("Нижегородская область")
    centre = make.centre(region)
    people = {
        "coordinator": make.user(("federal_coordinator", None), full_name="Федеральный Координатор Иванович"),
        "regional_admin": make.user(("admin", region), region=region),
        "employee": make.user(("employee", centre), centre=centre),
        "nobody": make.user(),
    }
    db.session.commit()
    versions = {v.code: v for v in db.session.scalars(select(Methodology))}
    return {**people, "pilot": versions["pilot-2022"], "post": versions["post-pilot"], "centre": centre}


def html(response, status=200) -> str:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:2000])
    return response.get_data(as_text=True)


def text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("&#34;", '"').replace("&#39;", "'")


def _draft(w, name="После пилота, ред. 2", start=date(2027, 1, 1)) -> Methodology:
    copy = methodology.clone(w["post"], name=name, effective_from=start)
    db.session.commit()
    return copy


def full_form(version: Methodology, **changes) -> dict:
    """The edit form as the page fills it, with some fields changed."""
    form = {}
    for group in version.groups:
        form[edit_service.group_field(group)] = edit_service.shown(group.weight)
        for ind in group.indicators:
            form[edit_service.indicator_field(ind)] = edit_service.shown(ind.weight)
            if ind.suspended:
                form[edit_service.suspended_field(ind)] = "y"
    for param in edit_service.editable_params(version):
        form[edit_service.param_field(param)] = edit_service.shown(param.value)
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def events(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def _param(version, key, indicator_code=None) -> MethodologyParam:
    return next(
        p for p in version.params if p.key == key and (p.indicator.code if p.indicator else None) == indicator_code
    )


# ---- list and detail ------------------------------------------------------------------------


def test_versions_list_for_everyone_with_view(client, login, w):
    _draft(w)
    login(w["employee"])
    page = text(html(client.get("/methodology/")))
    assert "Пилот 2022" in page and "После пилота" in page
    assert "pilot-2022" in page and "1 апреля 2022" in page and "1 июля 2022" in page
    assert "не используется" in page
    assert "ред. 2" not in page  # a draft is the managers' work in progress


def test_versions_list_search_sort_and_partial(client, login, w):
    _draft(w)
    login(w["coordinator"])
    page = text(html(client.get("/methodology/", query_string={"q": "ПИЛОТА", "sort": "name"})))
    assert "ред. 2" in page and "После пилота" in page and "Пилот 2022" not in page
    assert "Основана на" in page
    partial = html(client.get("/methodology/", headers={"HX-Request": "true"}))
    assert "<html" not in partial and 'id="results"' in partial
    empty = text(html(client.get("/methodology/", query_string={"q": "нет такой"})))
    assert "По этим условиям версий нет." in empty


def test_version_in_use_is_marked(client, login, w):
    db.session.add(
        IndicatorValue(
            methodology_id=w["post"].id,
            indicator_id=w["post"].indicators[0].id,
            scope_kind="centre",
            scope_key=str(w["centre"].id),
            period="2026-Q4",
            client_type="jobseeker",
        )
    )
    db.session.commit()
    login(w["employee"])
    page = text(html(client.get("/methodology/")))
    assert "используется" in page.replace("не используется", "", 1)
    detail = text(html(client.get(f"/methodology/{w['post'].id}")))
    assert "используется: по версии рассчитаны значения показателей" in detail


def test_detail_shows_groups_indicators_rules_and_undefined_parameters(client, login, w):
    login(w["employee"])
    version = w["post"]
    page = html(client.get(f"/methodology/{version.id}"))
    plain = text(page)
    assert "Группа 1. Дружелюбие и партнерство — вес 0,2" in plain
    assert "Доля положительных ответов" in plain  # scoring rule in words
    assert "Баллы за каждый реализованный пункт" in plain
    assert "Соискатели и работодатели" in plain and "Анкетирование" in plain
    undefined = [p for p in version.params if not p.defined]
    assert plain.count("не определено методикой") >= 2 * len(undefined)
    section = plain[plain.index("Что методика не определяет Здесь методика") :]
    for param in undefined:
        assert param.label in section
    assert f"Что методика не определяет ({len(undefined)})" in plain
    assert "<details" in page and "Почему и откуда значение" in page
    formula = _param(version, "index_formula")
    assert formula.value[:60] in plain  # the index formula text
    assert "интегральный индекс не рассчитывается" not in plain
    assert "Изменить черновик" not in plain and "Создать копию" not in plain  # not a manager


def test_pilot_detail_says_no_integral_index(client, login, w):
    login(w["employee"])
    plain = text(html(client.get(f"/methodology/{w['pilot'].id}")))
    assert "интегральный индекс не рассчитывается" in plain
    assert "Порог положительного ответа (баллы из 10)" in plain
    threshold = _param(w["pilot"], "positive_threshold")
    assert threshold.rationale[:50] in plain


def test_drafts_and_unknown_versions_are_404_for_readers(client, login, w):
    draft = _draft(w)
    login(w["employee"])
    assert client.get(f"/methodology/{draft.id}").status_code == 404
    assert client.get("/methodology/999999").status_code == 404


def test_pages_need_sign_in_and_permission(client, login, w):
    assert client.get("/methodology/").status_code == 302
    login(w["nobody"])
    assert client.get("/methodology/").status_code == 403


# ---- clone ----------------------------------------------------------------------------------


def test_clone_asks_first_then_makes_a_draft_and_opens_its_edit_page(client, login, w):
    login(w["coordinator"])
    page = text(html(client.get(f"/methodology/{w['post'].id}/clone")))
    assert "Создать копию версии «После пилота»?" in page
    assert "Анкеты версии в копию не переносятся" in page
    response = client.post(
        f"/methodology/{w['post'].id}/clone", data={"name": "После пилота, 2027", "effective_from": "01.01.2027"}
    )
    assert response.status_code == 303
    copy = db.session.scalar(select(Methodology).where(Methodology.name == "После пилота, 2027"))
    assert copy.status == "draft" and copy.based_on_id == w["post"].id and copy.effective_from == date(2027, 1, 1)
    assert response.headers["Location"].endswith(f"/methodology/{copy.id}/edit")
    assert events("methodology.clone") == 1
    edit_page = text(html(client.get(response.headers["Location"])))
    assert "Изменение черновика «После пилота, 2027»" in edit_page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "effective_from": "2027-01-01"}, "Укажите название новой версии."),
        ({"name": "Новая", "effective_from": ""}, "Укажите дату, с которой версия начнёт действовать."),
        ({"name": "Новая", "effective_from": "31.02.2027"}, "Дата должна быть в формате ДД.ММ.ГГГГ"),
        ({"name": "Новая", "effective_from": "2022-01-01"}, "Дата начала действия должна быть позже, чем у версии"),
        ({"name": "Пилот 2022", "effective_from": "2027-01-01"}, "Версия с таким названием уже есть"),
    ],
)
def test_clone_refuses_bad_input_in_russian(client, login, w, data, message):
    login(w["coordinator"])
    before = db.session.scalar(select(func.count()).select_from(Methodology))
    page = text(html(client.post(f"/methodology/{w['post'].id}/clone", data=data), 400))
    assert message in page
    assert db.session.scalar(select(func.count()).select_from(Methodology)) == before


def test_only_federal_managers_clone(client, login, w):
    login(w["regional_admin"])  # methodology.manage in a region: the methodology is federal
    assert client.get(f"/methodology/{w['post'].id}/clone").status_code == 403
    client.post("/logout")
    login(w["employee"])
    response = client.post(f"/methodology/{w['post'].id}/clone", data={"name": "X", "effective_from": "2027-01-01"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Methodology)) == 2


# ---- edit -----------------------------------------------------------------------------------


def test_group_weights_must_sum_to_one(client, login, w):
    draft = _draft(w)
    login(w["coordinator"])
    first = draft.groups[0]
    form = full_form(draft, **{edit_service.group_field(first): "0,1"})
    page = text(html(client.post(f"/methodology/{draft.id}/edit", data=form), 422))
    assert "Сумма весов групп должна быть равна 1, сейчас 0,9" in page
    db.session.expire_all()
    assert first.weight == pytest.approx(0.2)
    assert not db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "methodology.edit"))


def test_indicator_weights_must_sum_to_one_per_group(client, login, w):
    draft = _draft(w)
    login(w["coordinator"])
    group = draft.groups[3]  # 4.1 and 4.2 at 0,5
    form = full_form(draft, **{edit_service.indicator_field(group.indicators[0]): "0,6"})
    page = text(html(client.post(f"/methodology/{draft.id}/edit", data=form), 422))
    assert f"Сумма весов показателей группы {group.code} должна быть равна 1, сейчас 1,1" in page


@pytest.mark.parametrize(
    "key, indicator, raw, message",
    [
        ("positive_threshold", None, "11", "Порог положительного ответа — целое число от 1 до 10."),
        ("positive_threshold", None, "7,5", "Порог положительного ответа — целое число от 1 до 10."),
        ("quota_jobseekers", None, "восемьдесят", "Значение этого параметра — число"),
        ("scale_labels", None, '["список"]', "Тип значения меняться не может"),
        ("scale_labels", None, "{не json", "Значение не читается как JSON"),
        ("zero_on_falsification", None, "может быть", "Выберите «Да» или «Нет»."),
        ("survey_rule", "1.1", "average", "Одно из значений: share_positive, yes_share, distribution."),
    ],
)
def test_parameter_values_keep_their_type(client, login, w, key, indicator, raw, message):
    draft = _draft(w)
    login(w["coordinator"])
    param = _param(draft, key, indicator)
    old = param.value
    page = html(client.post(f"/methodology/{draft.id}/edit", data=full_form(draft, **{f"param-{param.id}": raw})), 422)
    assert message in text(page)
    assert f'id="param-{param.id}-error"' in page and 'aria-invalid="true"' in page
    db.session.expire_all()
    assert db.session.get(MethodologyParam, param.id).value == old


def test_a_valid_edit_is_saved_typed_and_audited(client, login, w):
    draft = _draft(w)
    login(w["coordinator"])
    groups = draft.groups
    threshold = _param(draft, "positive_threshold")
    quota = _param(draft, "quota_jobseekers")
    labels = _param(draft, "scale_labels")
    suspended = groups[4].indicators[0]
    changes = {
        edit_service.group_field(groups[0]): "0,3",
        edit_service.group_field(groups[1]): "0,1",
        f"param-{threshold.id}": "9",
        f"param-{quota.id}": "100",
        f"param-{labels.id}": '{"1": "плохо", "10": "отлично"}',
        edit_service.suspended_field(suspended): "y",
    }
    response = client.post(f"/methodology/{draft.id}/edit", data=full_form(draft, **changes))
    assert response.status_code == 303, text(response.get_data(as_text=True))[:2000]
    db.session.expire_all()
    assert groups[0].weight == pytest.approx(0.3) and groups[1].weight == pytest.approx(0.1)
    assert groups[2].weight == pytest.approx(0.2)  # untouched, kept exactly
    assert db.session.get(MethodologyParam, threshold.id).value == 9
    assert isinstance(db.session.get(MethodologyParam, quota.id).value, int)
    assert db.session.get(MethodologyParam, labels.id).value == {"1": "плохо", "10": "отлично"}
    assert suspended.suspended is True
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "methodology.edit"))
    assert event.object_type == "Methodology" and event.object_id == draft.id
    assert event.before["Группа 1: вес"] == pytest.approx(0.2) and event.after["Группа 1: вес"] == pytest.approx(0.3)
    assert event.after["Версия: Порог положительного ответа (баллы из 10)"] == 9
    assert event.before[f"Показатель {suspended.code}: приостановлен"] is False
    assert len(event.after) == 6
    again = client.post(f"/methodology/{draft.id}/edit", data=full_form(draft))  # the page as it stands
    assert again.status_code == 303
    assert events("methodology.edit") == 1


def test_edit_page_shows_fields_with_labels(client, login, w):
    draft = _draft(w)
    login(w["coordinator"])
    page = html(client.get(f"/methodology/{draft.id}/edit"))
    group = draft.groups[0]
    assert f'<label class="form-label" for="{edit_service.group_field(group)}">' in page
    assert 'value="0,2"' in page and 'value="0,3333"' in page
    assert "<legend" in page and "Анкеты версии-основы в черновик не копируются" in page


def test_versions_in_force_or_in_use_are_read_only(client, login, w):
    login(w["coordinator"])
    response = client.get(f"/methodology/{w['post'].id}/edit")
    page = text(html(response, 409))
    assert "Версия «После пилота» не редактируется: она действует" in page and "создайте копию" in page
    draft = _draft(w)
    db.session.add(
        IndicatorValue(
            methodology_id=draft.id,
            indicator_id=draft.indicators[0].id,
            scope_kind="centre",
            scope_key=str(w["centre"].id),
            period="2027-Q1",
            client_type="jobseeker",
        )
    )
    db.session.commit()
    response = client.post(f"/methodology/{draft.id}/edit", data=full_form(draft))
    assert "по ней уже рассчитаны значения показателей" in text(html(response, 409))


def test_only_federal_managers_edit(client, login, w):
    draft = _draft(w)
    login(w["regional_admin"])
    assert client.get(f"/methodology/{draft.id}/edit").status_code == 404  # a draft is not theirs to see
    assert client.post(f"/methodology/{draft.id}/edit", data=full_form(draft)).status_code == 404
    assert client.get(f"/methodology/{w['post'].id}/edit").status_code == 403


# ---- activate -------------------------------------------------------------------------------


def test_activation_asks_first_says_questionnaires_stay_and_is_audited(client, login, w):
    draft = _draft(w)
    login(w["coordinator"])
    page = text(html(client.get(f"/methodology/{draft.id}/activate")))
    assert "Ввести в действие версию «После пилота, ред. 2»?" in page
    assert "Анкеты не переносятся." in page and "остаются за ней и в эту версию не копируются" in page
    assert "Анкета для соискателей" in page or "Остаются за прежней версией" in page
    response = client.post(f"/methodology/{draft.id}/activate")
    assert response.status_code == 303
    db.session.expire_all()
    assert draft.status == "active"
    assert methodology.for_period("2027-Q1").id == draft.id
    assert methodology.for_period("2026-Q4").id == w["post"].id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "methodology.activate"))
    assert event.before == {"status": "draft"} and event.after["status"] == "active"
    assert client.get(f"/methodology/{draft.id}/edit").status_code == 409


def test_activation_refused_while_weights_do_not_sum_to_one(client, login, w):
    draft = _draft(w)
    draft.groups[0].weight = 0.5
    db.session.commit()
    login(w["coordinator"])
    page = text(html(client.post(f"/methodology/{draft.id}/activate"), 409))
    assert "Сумма весов групп должна быть равна 1, сейчас 1,3" in page
    db.session.expire_all()
    assert draft.status == "draft"


def test_activation_needs_a_federal_manager(client, login, w):
    draft = _draft(w)
    login(w["employee"])
    assert client.post(f"/methodology/{draft.id}/activate").status_code == 403
    db.session.expire_all()
    assert draft.status == "draft"
