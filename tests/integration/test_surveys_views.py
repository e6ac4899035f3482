"""Staff pages for collecting answers: questionnaires, links and QR codes, touch points, paper entry,
quotas, the review of quarantined responses; scope and refusals."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.jobs import get_queue
from app.models.audit import AuditEvent
from app.models.base import today
from app.models.indices import RecalcRequest
from app.models.journeys import TouchPoint
from app.models.surveys import Quota, Response, Survey, SurveyLink
from app.services import collection, integrity, methodology, periods, qr, surveys
from tests.measurement_helpers import answers


@pytest.fixture
def w(make):
    methodology.install_templates()
    surveys.install_templates()
    centre = make.centre(name="ЦЗН Первомайский")
    region = centre.region
    other = make.centre(make.region("Чужая область"), name="ЦЗН Чужой")
    collector = make.user(("responsible_employee", centre), centre=centre)
    director = make.user(("director", centre), centre=centre)
    employee = make.user(("employee", centre), centre=centre)
    outsider = make.user(("director", other), centre=other)
    point = TouchPoint(name="Окно приёма № 3", channel="office", region_id=region.id, centre_id=centre.id)
    foreign_point = TouchPoint(name="Чужое окно", channel="office", region_id=other.region_id, centre_id=other.id)
    local = Survey(title="Местная анкета ЦЗН", region_id=region.id, centre_id=centre.id, status="published")
    db.session.add_all([point, foreign_point, local])
    db.session.commit()
    federal = db.session.scalar(select(Survey).where(Survey.code == "fcc-jobseeker"))
    return {
        "centre": centre,
        "region": region,
        "other": other,
        "collector": collector,
        "director": director,
        "employee": employee,
        "outsider": outsider,
        "point": point,
        "foreign_point": foreign_point,
        "local": local,
        "federal": federal,
    }


def html(response) -> str:
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:2000])
    return response.get_data(as_text=True)


def text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def stored(survey, centre, rating=9, **kw) -> Response:
    draft = surveys.read_answers(survey, answers(survey, rating))
    assert not draft.errors
    kw.setdefault("source", "link")
    response = surveys.store(survey, draft, centre_id=centre.id, region_id=centre.region_id, **kw)
    response.status = "accepted"  # as the checks would leave a plain answer (tests set other states themselves)
    integrity.set_counted(response)
    db.session.commit()
    return response


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def make_link(w, survey=None, point=None) -> SurveyLink:
    link = surveys.new_link(survey or w["federal"], w["centre"], touch_point=point)
    db.session.commit()
    return link


# ---- QR (pure) ---------------------------------------------------------------------------------------


def test_qr_service_makes_png_and_svg():
    url = "https://cxm.example/s/AbC123?src=qr"
    assert qr.png_bytes(url).startswith(b"\x89PNG\r\n\x1a\n")
    document = qr.svg_text(url)
    assert document.startswith("<?xml") and "<svg" in document
    inline = qr.svg_text(url, title="Код «анкеты» & ссылка", inline=True)
    assert inline.startswith("<svg") and "width=" not in inline.split(">")[0]
    assert "&amp;" in inline  # the title is escaped


# ---- questionnaires ----------------------------------------------------------------------------------


def test_every_page_opens_for_an_authorised_user(client, login, w):
    login(w["director"])
    link = make_link(w)
    response = stored(w["federal"], w["centre"])
    response.status, response.flags = "quarantined", ["identical"]
    db.session.commit()
    for url in (
        "/surveys/",
        f"/surveys/{w['federal'].id}",
        f"/surveys/{w['local'].id}",
        f"/surveys/{w['federal'].id}/links",
        f"/surveys/links/{link.id}/poster",
        f"/surveys/links/{link.id}/active",
        "/surveys/touch-points",
        "/surveys/touch-points/new",
        f"/surveys/touch-points/{w['point'].id}/edit",
        f"/surveys/touch-points/{w['point'].id}/active",
        "/surveys/enter",
        f"/surveys/enter?survey={w['federal'].id}",
        "/surveys/quotas",
        f"/surveys/quotas?centre={w['centre'].id}",
        "/surveys/review",
        "/surveys/review?status=accepted",
        f"/surveys/review/{response.id}",
    ):
        html(client.get(url))
    assert client.get("/surveys/poster.css").mimetype == "text/css"


def test_survey_list_marks_federal_questionnaires_and_filters(client, login, w):
    login(w["collector"])
    page = text(html(client.get("/surveys/")))
    assert "Федеральная анкета, методика «После пилота»" in page
    assert "Местная анкета ЦЗН" in page
    found = text(html(client.get("/surveys/?q=работодателей")))
    assert "ОПРОС РАБОТОДАТЕЛЕЙ" in found and "Местная анкета" not in found
    employers = text(html(client.get("/surveys/?client_type=employer")))
    assert "ОПРОС РАБОТОДАТЕЛЕЙ" in employers and "Местная анкета" not in employers
    assert "По этим условиям анкет нет." in text(html(client.get("/surveys/?q=несуществующая")))
    partial = client.get("/surveys/?q=опрос", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="results"' in partial and "<html" not in partial


def test_survey_page_shows_questions_with_conditions(client, login, w):
    login(w["collector"])
    page = text(html(client.get(f"/surveys/{w['federal'].id}")))
    assert "Показатель:" in page and "изменить нельзя" in page
    assert "показывается, если в вопросе" in page.lower()
    assert "Ссылки и QR-коды" in page


def test_another_centres_survey_is_not_found(client, login, w):
    login(w["outsider"])
    assert client.get(f"/surveys/{w['local'].id}").status_code == 404
    assert client.get(f"/surveys/{w['local'].id}/links").status_code == 404
    assert "Местная анкета" not in html(client.get("/surveys/"))
    html(client.get(f"/surveys/{w['federal'].id}"))  # federal questionnaires are everyone's


# ---- links, QR codes and posters ---------------------------------------------------------------------


def test_creating_a_link_with_qr_codes_and_poster(client, login, w):
    login(w["collector"])
    survey = w["federal"]
    response = client.post(
        f"/surveys/{survey.id}/links", data={"centre": w["centre"].id, "touch_point": str(w["point"].id), "kiosk": "y"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    link = db.session.scalar(select(SurveyLink))
    assert (link.centre_id, link.touch_point_id, link.survey_id, link.active, link.kiosk) == (
        w["centre"].id,
        w["point"].id,
        survey.id,
        True,
        True,
    )
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey_link.create")) is not None
    page = text(html(client.get(f"/surveys/{survey.id}/links")))
    assert "Окно приёма № 3" in page and f"/s/{link.token}" in page and f"/k/{link.token}" in page

    png = client.get(f"/surveys/links/{link.id}/qr?format=png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert "attachment" in png.headers["Content-Disposition"]
    svg = client.get(f"/surveys/links/{link.id}/qr?format=svg")
    assert svg.mimetype == "image/svg+xml" and "<svg" in svg.get_data(as_text=True)
    assert client.get(f"/surveys/links/{link.id}/qr?format=gif").status_code == 404

    poster = html(client.get(f"/surveys/links/{link.id}/poster"))
    assert f"http://localhost/s/{link.token}" in poster and "<svg" in poster
    assert "наведите камеру телефона на код" in poster and "Окно приёма № 3" in poster
    assert "style=" not in poster and "<style" not in poster  # CSP: the A5 rules come from a stylesheet
    assert "size: A5" in client.get("/surveys/poster.css").get_data(as_text=True)


def test_a_link_needs_a_centre_in_scope_and_its_own_touch_point(client, login, w):
    login(w["collector"])
    survey = w["federal"]
    foreign = client.post(f"/surveys/{survey.id}/links", data={"centre": w["other"].id, "touch_point": ""})
    assert foreign.status_code == 400 and "Выберите центр из списка." in foreign.get_data(as_text=True)
    wrong_point = client.post(
        f"/surveys/{survey.id}/links", data={"centre": w["centre"].id, "touch_point": str(w["foreign_point"].id)}
    )
    assert wrong_point.status_code == 400
    assert "Выберите точку контакта выбранного центра." in wrong_point.get_data(as_text=True)
    garbled = client.post(f"/surveys/{survey.id}/links", data={"centre": "abc", "touch_point": "x"})
    assert garbled.status_code == 400 and "Выберите центр из списка." in garbled.get_data(as_text=True)
    assert "невозможно преобразовать" not in garbled.get_data(as_text=True)
    assert count(SurveyLink) == 0


def test_deactivating_and_reactivating_a_link(client, login, w):
    login(w["collector"])
    link = make_link(w)
    assert "Отключить ссылку?" in html(client.get(f"/surveys/links/{link.id}/active"))
    assert client.post(f"/surveys/links/{link.id}/active", data={"active": "0"}).status_code == 303
    db.session.expire_all()
    assert not link.active and surveys.link_by_token(link.token) is None
    assert client.post(f"/surveys/links/{link.id}/active", data={"active": "1"}).status_code == 303
    db.session.expire_all()
    assert link.active
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "SurveyLink")))
    assert {"survey_link.deactivate", "survey_link.activate"} <= actions


def test_another_centres_link_is_not_found(client, login, w):
    link = make_link(w)
    login(w["outsider"])
    for url in (
        f"/surveys/links/{link.id}/qr?format=png",
        f"/surveys/links/{link.id}/qr?format=svg",
        f"/surveys/links/{link.id}/poster",
        f"/surveys/links/{link.id}/active",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/surveys/links/{link.id}/active", data={"active": "0"}).status_code == 404
    db.session.expire_all()
    assert link.active
    assert f"/s/{link.token}" not in client.get(f"/surveys/{w['federal'].id}/links").get_data(as_text=True)


# ---- touch points ------------------------------------------------------------------------------------


def test_touch_points_are_created_edited_and_deactivated_with_audit(client, login, w):
    login(w["collector"])
    empty = client.post("/surveys/touch-points/new", data={"centre": w["centre"].id, "name": "", "channel": "office"})
    assert empty.status_code == 400 and "Укажите название точки контакта." in empty.get_data(as_text=True)
    made = client.post(
        "/surveys/touch-points/new",
        data={"centre": w["centre"].id, "name": "Цифровая зона", "channel": "office", "description": "У входа"},
    )
    assert made.status_code == 303
    point = db.session.scalar(select(TouchPoint).where(TouchPoint.name == "Цифровая зона"))
    assert point.region_id == w["region"].id and point.centre_id == w["centre"].id
    assert "Цифровая зона" in html(client.get("/surveys/touch-points?q=цифровая"))
    client.post(
        f"/surveys/touch-points/{point.id}/edit",
        data={"centre": w["centre"].id, "name": "Цифровая зона (киоск)", "channel": "site", "description": ""},
    )
    db.session.expire_all()
    assert (point.name, point.channel) == ("Цифровая зона (киоск)", "site")
    assert client.post(f"/surveys/touch-points/{point.id}/active", data={"active": "0"}).status_code == 303
    db.session.expire_all()
    assert not point.active
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "TouchPoint")))
    assert actions == {"touch_point.create", "touch_point.update", "touch_point.deactivate"}
    foreign = client.post(
        "/surveys/touch-points/new", data={"centre": w["other"].id, "name": "Чужая", "channel": "office"}
    )
    assert foreign.status_code == 400 and count(TouchPoint) == 3


def test_another_centres_touch_point_is_not_found(client, login, w):
    login(w["outsider"])
    point = w["point"]
    assert client.get(f"/surveys/touch-points/{point.id}/edit").status_code == 404
    assert client.post(f"/surveys/touch-points/{point.id}/active", data={"active": "0"}).status_code == 404
    assert "Окно приёма № 3" not in client.get("/surveys/touch-points").get_data(as_text=True)


# ---- paper and oral answers --------------------------------------------------------------------------


def _entry(w, answered_on: date, **form) -> dict:
    data = {
        "centre": w["centre"].id,
        "touch_point": str(w["point"].id),
        "source": "paper",
        "answered_on": answered_on.isoformat(),
    }
    data.update(answers(w["federal"], 9))
    data.update(form)
    return data


def test_a_paper_questionnaire_is_stored_with_its_source_and_period(client, login, w):
    login(w["collector"])
    survey = w["federal"]
    page = html(client.get(f"/surveys/enter?survey={survey.id}"))
    assert 'name="q_q1"' in page and "Дата ответа клиента" in page
    day = today() - timedelta(days=100)
    response = client.post(f"/surveys/enter?survey={survey.id}", data=_entry(w, day))
    assert response.status_code == 303, text(response.get_data(as_text=True))[:3000]
    saved = db.session.scalar(select(Response))
    assert saved.source == "paper" and saved.entered_by_id == w["collector"].id
    assert saved.period == periods.period_of(day) and saved.touch_point_id == w["point"].id
    assert saved.answers and saved.centre_id == w["centre"].id
    location = response.headers["Location"]
    assert f"centre={w['centre'].id}" in location and "source=paper" in location
    after = html(client.get(location))
    assert f"Анкета сохранена (№ {saved.id})" in after
    assert re.search(rf'<option selected value="{w["point"].id}"|value="{w["point"].id}" selected', after)
    assert 'value="9" checked' not in after  # the answers are empty for the next form
    oral = client.post(f"/surveys/enter?survey={survey.id}", data=_entry(w, today(), source="oral"))
    assert oral.status_code == 303
    assert db.session.scalar(select(Response.source).order_by(Response.id.desc())) == "oral"


def test_bad_paper_input_gets_russian_messages_and_stores_nothing(client, login, w):
    login(w["collector"])
    url = f"/surveys/enter?survey={w['federal'].id}"
    future = client.post(url, data=_entry(w, today() + timedelta(days=1)))
    assert future.status_code == 400 and "Дата ответа не может быть в будущем." in future.get_data(as_text=True)
    old = client.post(url, data=_entry(w, collection.earliest_answer_date() - timedelta(days=1)))
    assert old.status_code == 400 and "Дата ответа не может быть раньше" in old.get_data(as_text=True)
    missing = client.post(url, data=_entry(w, today(), q_q1="", q_q14="other", q_q14_other="Через соседку"))
    page = missing.get_data(as_text=True)
    assert missing.status_code == 400 and "Ответьте, пожалуйста, на этот вопрос." in page
    assert 'value="9" checked' in page and 'value="Через соседку"' in page  # what was entered stays
    assert 'href="#q_q1-1"' in page  # the summary links to the question
    no_date = client.post(url, data={**_entry(w, today()), "answered_on": ""})
    assert "Укажите дату, когда клиент ответил." in no_date.get_data(as_text=True)
    foreign = client.post(url, data=_entry(w, today(), centre=w["other"].id, touch_point=""))
    assert foreign.status_code == 400
    assert count(Response) == 0


# ---- quotas ------------------------------------------------------------------------------------------


def test_quotas_show_counts_by_type_day_and_source(client, login, w):
    period = periods.period_of()
    for source in ("link", "qr", "paper"):
        stored(w["federal"], w["centre"], source=source, period=period)
    stored(w["federal"], w["other"], period=period)
    login(w["collector"])
    page = text(html(client.get("/surveys/quotas")))  # one centre: its page straight away
    assert "ЦЗН Первомайский" in page
    assert "3 из 80" in page and "0 из 20" in page
    assert "не определено методикой" in page
    assert "Бумажная анкета" in page and "Внесено сотрудниками" in page
    assert today().strftime("%Y") in page
    partial = client.get(f"/surveys/quotas?centre={w['centre'].id}", headers={"HX-Request": "true"})
    body = partial.get_data(as_text=True)
    assert 'hx-trigger="every 30s"' in body and "<html" not in body and "3 из 80" in text(body)
    assert client.get(f"/surveys/quotas?centre={w['other'].id}").status_code == 404
    assert "Период указан неверно" in html(client.get("/surveys/quotas?period=2026-Q9"))
    assert "Период указан неверно" in html(client.get("/surveys/quotas?period=0000-Q1"))


def test_a_regional_director_sees_every_centre_of_the_region(client, login, make, w):
    second = make.centre(w["region"], name="ЦЗН Второй")
    stored(w["federal"], second, period=periods.period_of())
    db.session.add(Quota(centre_id=second.id, period=periods.period_of(), client_type="jobseeker", target=50))
    regional = make.user(("director", w["region"]), region=w["region"])
    login(regional)
    page = text(html(client.get("/surveys/quotas")))
    assert "ЦЗН Первомайский" in page and "ЦЗН Второй" in page and "ЦЗН Чужой" not in page
    assert "1 из 50" in page and "0 из 80" in page  # the second centre's own target, the first's default


def test_setting_a_centres_target_is_validated_and_audited(client, login, w):
    login(w["collector"])
    period = periods.period_of()
    url = f"/surveys/quotas?centre={w['centre'].id}&period={period}"
    for bad in ("0", "10001", "12,5", "abc", ""):
        response = client.post(url, data={"client_type": "jobseeker", "target": bad})
        assert response.status_code == 400, bad
        assert "Укажите целое число от 1 до 10 000." in response.get_data(as_text=True)
    assert count(Quota) == 0
    assert client.post(url, data={"client_type": "jobseeker", "target": "120"}).status_code == 303
    quota = db.session.scalar(select(Quota))
    assert (quota.centre_id, quota.period, quota.client_type) == (w["centre"].id, period, "jobseeker")
    assert quota.target == 120
    assert "0 из 120" in text(html(client.get(url)))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "quota.set")) is not None


# ---- quarantine review -------------------------------------------------------------------------------


def _quarantined(w, centre=None) -> Response:
    response = stored(w["federal"], centre or w["centre"], period=periods.period_of())
    response.status, response.flags = "quarantined", ["identical", "device"]
    for answer in response.answers:
        answer.counted = False
    db.session.commit()
    return response


def test_quarantine_list_and_release(client, login, w):
    doubtful = _quarantined(w)
    twin = stored(w["federal"], w["centre"], period=periods.period_of())
    login(w["director"])
    page = text(html(client.get("/surveys/review")))
    assert f"№ {doubtful.id}" in page and "Одинаковые ответы повторяются" in page
    assert "Одинаковые ответы" in text(html(client.get("/surveys/review?flag=identical")))
    assert "По этим условиям ответов нет." in text(html(client.get("/surveys/review?flag=burst")))
    detail = text(html(client.get(f"/surveys/review/{doubtful.id}")))
    assert "С такими же ответами: 1" in detail and f"№ {twin.id}" in detail

    confirm = client.post(f"/surveys/review/{doubtful.id}", data={"decision": "accepted", "note": "Проверено"})
    assert "Учесть ответ" in html(confirm)
    db.session.expire_all()
    assert doubtful.status == "quarantined"
    db.session.execute(RecalcRequest.__table__.delete())
    db.session.commit()
    queued = get_queue().count
    done = client.post(
        f"/surveys/review/{doubtful.id}", data={"decision": "accepted", "note": "Проверено", "confirmed": "1"}
    )
    assert done.status_code == 303
    db.session.expire_all()
    assert doubtful.status == "accepted" and doubtful.reviewed_by_id == w["director"].id
    assert all(answer.counted for answer in doubtful.answers)
    assert db.session.get(RecalcRequest, (w["centre"].id, doubtful.period)) is not None
    assert get_queue().count == queued + 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "response.review")) is not None
    history = text(html(client.get("/surveys/review?status=accepted")))
    assert f"№ {doubtful.id}" in history and "Проверено" in history
    again = client.post(f"/surveys/review/{doubtful.id}", data={"decision": "rejected", "note": "x", "confirmed": "1"})
    assert again.status_code == 303
    db.session.expire_all()
    assert doubtful.status == "accepted"


def test_rejecting_requires_a_note(client, login, w):
    doubtful = _quarantined(w)
    login(w["director"])
    url = f"/surveys/review/{doubtful.id}"
    response = client.post(url, data={"decision": "rejected", "note": " ", "confirmed": "1"})
    assert response.status_code == 400
    assert "примечание обязательно" in response.get_data(as_text=True)
    db.session.expire_all()
    assert doubtful.status == "quarantined"
    client.post(url, data={"decision": "rejected", "note": "Без клиента", "confirmed": "1"})
    db.session.expire_all()
    assert doubtful.status == "rejected" and not any(a.counted for a in doubtful.answers)


def test_another_centres_response_is_not_found(client, login, w):
    doubtful = _quarantined(w)
    login(w["outsider"])
    assert client.get(f"/surveys/review/{doubtful.id}").status_code == 404
    data = {"decision": "accepted", "note": "x", "confirmed": "1"}
    assert client.post(f"/surveys/review/{doubtful.id}", data=data).status_code == 404
    assert f"№ {doubtful.id}" not in client.get("/surveys/review").get_data(as_text=True)
    db.session.expire_all()
    assert doubtful.status == "quarantined"


# ---- permissions -------------------------------------------------------------------------------------


def test_an_employee_reads_but_cannot_collect(client, login, w):
    login(w["employee"])
    html(client.get("/surveys/"))
    html(client.get(f"/surveys/{w['federal'].id}"))
    html(client.get("/surveys/quotas"))
    link = make_link(w)
    survey = w["federal"]
    assert client.post(f"/surveys/{survey.id}/links", data={"centre": w["centre"].id}).status_code == 403
    assert client.get(f"/surveys/{survey.id}/links").status_code == 403
    assert client.get(f"/surveys/links/{link.id}/qr?format=png").status_code == 403
    assert client.get(f"/surveys/enter?survey={survey.id}").status_code == 403
    assert client.post(f"/surveys/enter?survey={survey.id}", data=_entry(w, today())).status_code == 403
    assert client.get("/surveys/touch-points").status_code == 403
    assert client.get("/surveys/review").status_code == 403
    url = f"/surveys/quotas?centre={w['centre'].id}"
    assert client.post(url, data={"client_type": "jobseeker", "target": "5"}).status_code == 403
    assert count(SurveyLink) == 1 and count(Response) == 0 and count(Quota) == 0
