"""Public survey pages: a client answers by link, QR code or kiosk; errors, back navigation, conditions,
remote clients, refused links, the honeypot, size and rate limits with anomaly flags, the staff preview."""

import re

import pytest
from sqlalchemy import func, select

from app.blueprints.public import routes
from app.extensions import db
from app.jobs import redis_connection
from app.models.base import today
from app.models.journeys import TouchPoint
from app.models.surveys import Question, Response, Survey
from app.services import methodology, periods, surveys


@pytest.fixture
def seeded(app, make, monkeypatch):
    methodology.install_templates()
    surveys.install_templates()
    survey = db.session.scalar(select(Survey).where(Survey.code == "fcc-jobseeker"))
    centre = make.centre(name="ЦЗН города Ижевска")
    point = TouchPoint(name="Зал приёма", region_id=centre.region_id, centre_id=centre.id)
    db.session.add(point)
    db.session.flush()
    link = surveys.new_link(survey, centre, touch_point=point, kiosk=True)  # opens as a link and as a kiosk
    db.session.commit()
    clock = Clock()
    monkeypatch.setattr(routes, "_now", clock)
    return {"survey": survey, "centre": centre, "point": point, "link": link, "clock": clock}


class Clock:
    """The route's clock: a client takes five minutes per page unless a test says otherwise."""

    def __init__(self):
        import time

        self.now = time.time()
        self.step = 300

    def __call__(self):
        self.now += self.step
        return self.now


def html(response) -> str:
    return response.get_data(as_text=True)


def step_forms(survey: Survey, rating: int = 8, **overrides) -> list[dict]:
    """A complete job-seeker form split by step: every required question answered."""
    forms = []
    for step in routes.steps_of(survey):
        form = {}
        for question in step.questions:
            name = surveys.field_name(question)
            if question.show_if:
                continue
            if question.kind == "scale":
                form[name] = str(rating)
            elif question.kind in ("yes_no", "single") and question.required:
                form[name] = question.options[-1].value if question.kind == "yes_no" else question.options[0].value
        names = {f(q) for q in step.questions for f in (surveys.field_name, surveys.other_field_name)}
        form.update({k: v for k, v in overrides.items() if k in names})
        forms.append(form)
    return forms


def responses() -> list[Response]:
    db.session.expire_all()
    return list(db.session.scalars(select(Response).order_by(Response.id)))


def answer_all(client, url: str, forms: list[dict], **extra):
    """Post every step in turn; the last response (a redirect to the thank-you page when stored)."""
    client.get(url)
    result = None
    for number, form in enumerate(forms, 1):
        target = url if number == 1 else _with_step(url, number)
        data = dict(form)
        if number == 1:
            data.update(extra.get("first", {}))
        if number == len(forms):
            data.update(extra.get("last", {}))
        result = client.post(target, data=data)
        if result.status_code != 303:
            return result
    return result


def _with_step(url: str, number: int) -> str:
    return url + ("&" if "?" in url else "?") + f"step={number}"


def test_client_answers_by_link_and_the_response_is_stored(seeded, client):
    survey, link, centre = seeded["survey"], seeded["link"], seeded["centre"]
    page = client.get(f"/s/{link.token}")
    body = html(page)
    assert page.status_code == 200
    assert "Шаг 1 из 2" in body and "ЦЗН города Ижевска" in body and survey.intro[:40] in body
    assert "Я получаю услуги дистанционно (не в офисе ЦЗН)" in body
    assert 'aria-describedby="q_q3-help q_q3-office"' in body  # help text tied to its question
    assert "очень слабо" in body and "великолепно" in body  # scale labels visible
    assert "<script>" not in body and "Основное меню" not in body  # no inline script, no staff menu
    assert "cxm_device=" in page.headers.get("Set-Cookie", "")
    forms = step_forms(survey, 9, q_q14="other", q_q14_other="Портал Госуслуг", q_comment="Всё хорошо")
    first = client.post(f"/s/{link.token}", data=forms[0])
    assert first.status_code == 303 and first.headers["Location"].endswith("step=2")
    step2 = html(client.get(first.headers["Location"]))
    assert "Шаг 2 из 2" in step2 and "Шаг 2. Социально-демографический блок" in step2
    assert "Электронная почта" in step2 and "(необязательно)" in step2
    last = client.post(f"/s/{link.token}?step=2", data={**forms[1], "email": "Client@Example.ru"})
    assert last.status_code == 303 and last.headers["Location"].endswith(f"/s/{link.token}/thanks")
    thanks = html(client.get(last.headers["Location"]))
    assert "Спасибо!" in thanks and "Благодарим Вас за уделенное время!" in thanks

    [response] = responses()
    assert (response.centre_id, response.region_id) == (centre.id, centre.region_id)
    assert response.touch_point_id == seeded["point"].id and response.link_id == link.id
    assert response.source == "link" and response.period == periods.period_of(today())
    assert response.client_type == "jobseeker" and response.email == "Client@example.ru"
    assert response.status == "accepted" and response.flags == [] and response.seconds_spent >= 300
    assert response.device_key and response.address_key == surveys.key_of("address", "127.0.0.1")
    by_code = {a.question.code: a for a in response.answers}
    assert by_code["q1"].value == 9 and by_code["q14"].option.value == "other"
    assert by_code["q14"].text == "Портал Госуслуг" and by_code["comment"].text == "Всё хорошо"
    assert by_code["gender"].option.value == "male" and "q12_rating" not in by_code
    with client.session_transaction() as session:
        assert not session.get("survey_drafts")  # the draft is gone once stored


def test_a_qr_code_link_is_stored_as_qr(seeded, client):
    link = seeded["link"]
    result = answer_all(client, f"/s/{link.token}?src=qr", step_forms(seeded["survey"]))
    assert result.status_code == 303
    assert [r.source for r in responses()] == ["qr"]


def test_errors_are_russian_by_each_field_and_nothing_is_stored(seeded, client):
    link = seeded["link"]
    client.get(f"/s/{link.token}")
    result = client.post(f"/s/{link.token}", data={"q_q1": "7", "q_q2": "11", "q_comment": "Мой комментарий"})
    body = html(result)
    assert result.status_code == 422
    assert "<title>Ошибка: " in body and "Проверьте ответы" in body
    assert '<a href="#q_q2-1">Вопрос 2: Выберите одно значение от 1 до 10.</a>' in body
    assert '<a href="#q_q4-yes">Вопрос 4: Ответьте, пожалуйста, на этот вопрос.</a>' in body
    assert 'id="q_q4-error"' in body and 'aria-describedby="q_q4-error"' in body
    assert re.search(r'id="q_q1-7" name="q_q1" value="7" checked', body)  # given answers stay
    assert "Мой комментарий</textarea>" in body
    assert responses() == []
    # the second step cannot be reached before the first is complete
    assert client.get(f"/s/{link.token}?step=2").headers["Location"].endswith(f"/s/{link.token}")


def test_a_bad_email_is_an_error_on_the_last_step(seeded, client):
    link = seeded["link"]
    result = answer_all(client, f"/s/{link.token}", step_forms(seeded["survey"]), last={"email": "не почта"})
    assert result.status_code == 422
    assert "Проверьте адрес электронной почты или оставьте поле пустым." in html(result)
    assert 'value="не почта"' in html(result) and responses() == []


def test_back_navigation_keeps_the_answers(app, seeded, client):
    link = seeded["link"]
    comment = "Запомни меня. " + "Длинный отзыв клиента " * 80  # ~1 800 characters: more than a cookie holds
    forms = step_forms(seeded["survey"], 6, q_q14="site", q_comment=comment)
    client.get(f"/s/{link.token}")
    drafts_in_redis = f"{app.config['RATELIMIT_KEY_PREFIX']}:survey-draft:*"
    assert not list(redis_connection().scan_iter(match=drafts_in_redis))  # a page view keeps nothing server-side
    assert client.post(f"/s/{link.token}", data={**forms[0], "remote": "1"}).status_code == 303
    assert len(list(redis_connection().scan_iter(match=drafts_in_redis))) == 1
    back = client.post(f"/s/{link.token}?step=2", data={"q_age": "30_39", "action": "back"})
    assert back.status_code == 303 and back.headers["Location"].endswith(f"/s/{link.token}")
    first = html(client.get(f"/s/{link.token}"))  # as the browser's back button would load it
    assert re.search(r'id="q_q1-6" name="q_q1" value="6" checked', first)
    assert re.search(r'id="q_q14-site" name="q_q14" value="site" checked', first)
    assert f"{comment}</textarea>" in first and re.search(r'id="remote" name="remote" value="1" checked', first)
    second = html(client.get(f"/s/{link.token}?step=2"))
    assert re.search(r'id="q_age-30_39" name="q_age" value="30_39" checked', second)
    assert responses() == []


def test_hidden_conditional_answers_are_dropped(seeded, client):
    link = seeded["link"]
    page = html(client.get(f"/s/{link.token}"))
    assert "Ответьте, если в вопросе 12 выбрали «Да»." in page  # the note shown without JavaScript
    assert 'data-show-if="q_q12" data-show-values="yes"' in page
    forms = step_forms(seeded["survey"], q_q12="no", q_q13="yes")
    forms[0].update({"q_q12_rating": "3", "q_q13_rating": "4", "q_q13_issue": "Неудобно"})
    assert answer_all(client, f"/s/{link.token}", forms).status_code == 303
    codes = {a.question.code for a in responses()[0].answers}
    assert "q12_rating" not in codes and {"q13_rating", "q13_issue"} <= codes


def test_a_shown_conditional_question_is_required(seeded, client):
    link = seeded["link"]
    forms = step_forms(seeded["survey"], q_q12="yes")
    result = answer_all(client, f"/s/{link.token}", forms)
    assert result.status_code == 422
    assert "Ответьте, пожалуйста, на этот вопрос." in html(result) and 'href="#q_q12_rating-1"' in html(result)


def test_remote_clients_may_skip_in_office_questions(seeded, client):
    link = seeded["link"]
    forms = step_forms(seeded["survey"])
    for name in ("q_q2", "q_q3", "q_q7", "q_q15_office"):
        forms[0].pop(name)
    client.get(f"/s/{link.token}")
    assert client.post(f"/s/{link.token}", data=forms[0]).status_code == 422  # in the office they are required
    result = answer_all(client, f"/s/{link.token}", forms, first={"remote": "1"})
    assert result.status_code == 303
    [response] = responses()
    assert response.remote and "q2" not in {a.question.code for a in response.answers}


def test_unknown_disabled_and_archived_links_are_a_friendly_404(seeded, client):
    link, survey = seeded["link"], seeded["survey"]
    for token in ("no-such-token", "x" * 200):
        result = client.get(f"/s/{token}")
        assert result.status_code == 404 and "Ссылка на анкету недействительна" in html(result)
    link.active = False
    db.session.commit()
    for url in (f"/s/{link.token}", f"/k/{link.token}", f"/s/{link.token}/thanks"):
        result = client.get(url)
        assert result.status_code == 404 and "Ссылка на анкету недействительна" in html(result)
        assert survey.title not in html(result) and seeded["centre"].name not in html(result)
    assert client.post(f"/s/{link.token}", data=step_forms(survey)[0]).status_code == 404
    link.active = True
    survey.status = "archived"
    db.session.commit()
    assert client.get(f"/s/{link.token}").status_code == 404
    assert responses() == []


def test_a_filled_honeypot_is_thanked_and_stores_nothing(seeded, client, caplog):
    link = seeded["link"]
    forms = step_forms(seeded["survey"])
    client.get(f"/s/{link.token}")
    assert client.post(f"/s/{link.token}", data=forms[0]).status_code == 303
    result = client.post(f"/s/{link.token}?step=2", data={**forms[1], "homepage": "http://spam.example"})
    assert result.status_code == 303 and result.headers["Location"].endswith("/thanks")
    assert responses() == [] and "honeypot" in caplog.text
    page = html(client.get(f"/s/{link.token}"))
    assert 'name="homepage" value="" autocomplete="off" tabindex="-1"' in page
    assert '<div class="hp-field" aria-hidden="true">' in page


def test_an_oversized_body_is_refused_with_a_russian_413(seeded, client):
    link = seeded["link"]
    client.get(f"/s/{link.token}")
    result = client.post(f"/s/{link.token}", data={**step_forms(seeded["survey"])[0], "q_comment": "я" * 40_000})
    assert result.status_code == 413
    assert "Ответ слишком большой" in html(result) and "Сократите, пожалуйста" in html(result)
    assert responses() == []
    # a long answer within the body limit gets the service's message by the field
    result = client.post(f"/s/{link.token}", data={**step_forms(seeded["survey"])[0], "q_comment": "я" * 2500})
    assert result.status_code == 422 and "Ответ длиннее 2000 знаков" in html(result)


def test_a_flood_from_one_address_is_stopped_and_flagged(seeded, client):
    """Default limit 20 POSTs a minute: ten two-step answers pass, then 429; every accepted one is stored,
    and the repeats are quarantined as identical answers from one device."""
    seeded["clock"].step = 1  # bots are fast
    link, survey = seeded["link"], seeded["survey"]
    forms = step_forms(survey, 10)
    accepted, refused = 0, None
    for _ in range(15):
        result = answer_all(client, f"/s/{link.token}", forms)
        if result.status_code == 429:
            refused = result
            break
        assert result.status_code == 303 and result.headers["Location"].endswith("/thanks")
        accepted += 1
    assert refused is not None and accepted == 10
    body = html(refused)
    assert "Из этой сети пришло слишком много ответов. Пожалуйста, попробуйте ещё раз позже." in body
    assert "Основное меню" not in body
    stored = responses()
    assert len(stored) == accepted
    assert stored[0].status == "quarantined" and stored[0].flags == ["too_fast"]
    assert {"identical", "device", "too_fast"} <= set(stored[-1].flags)
    assert all(r.status == "quarantined" and not any(a.counted for a in r.answers) for r in stored)


@pytest.mark.parametrize("app", [{"PUBLIC_SURVEY_RATE_LIMIT": "2 per minute"}], indirect=True)
def test_the_rate_limit_is_configurable_and_the_kiosk_has_its_own(seeded, client):
    link = seeded["link"]
    forms = step_forms(seeded["survey"])
    assert answer_all(client, f"/s/{link.token}", forms).status_code == 303
    assert client.post(f"/s/{link.token}", data=forms[0]).status_code == 429
    for _ in range(2):  # the kiosk is one device that serves many clients
        assert answer_all(client, f"/k/{link.token}", forms).status_code == 303
    assert [r.source for r in responses()] == ["link", "kiosk", "kiosk"]


def test_kiosk_mode_opens_only_for_a_kiosk_link(seeded, client, make):
    """/k/ skips the per-device checks: a phone's link cannot be turned into a kiosk by editing the URL."""
    survey = seeded["survey"]
    phone_link = surveys.new_link(survey, seeded["centre"])
    db.session.commit()
    assert client.get(f"/k/{phone_link.token}").status_code == 404
    assert client.get(f"/s/{phone_link.token}").status_code == 200


def test_the_kiosk_resets_for_the_next_client(seeded, client):
    link = seeded["link"]
    start = client.get(f"/k/{link.token}")
    body = html(start)
    assert 'class="public large-text kiosk"' in body  # larger text by default
    assert f'<noscript><meta http-equiv="refresh" content="180;url=/k/{link.token}/reset"></noscript>' in body
    assert f'data-kiosk-reset="/k/{link.token}/reset" data-kiosk-idle="180"' in body
    forms = step_forms(seeded["survey"], 7)
    assert client.post(f"/k/{link.token}", data=forms[0]).status_code == 303
    step2 = html(client.get(f"/k/{link.token}?step=2"))
    assert 'name="email"' not in step2  # no e-mail at the kiosk
    result = client.post(f"/k/{link.token}?step=2", data=forms[1])
    assert result.headers["Location"].endswith(f"/k/{link.token}/thanks")
    thanks = html(client.get(result.headers["Location"]))
    assert f'<noscript><meta http-equiv="refresh" content="10;url=/k/{link.token}/reset"></noscript>' in thanks
    assert "Следующий клиент" in thanks
    with client.session_transaction() as session:
        assert not session.get("survey_drafts")
    again = html(client.get(f"/k/{link.token}"))
    assert " checked" not in again and "Шаг 1 из 2" in again
    [response] = responses()
    assert response.source == "kiosk" and response.email is None

    # inactivity in the middle of the questionnaire: the reset forgets the answers
    assert client.post(f"/k/{link.token}", data=forms[0]).status_code == 303
    assert client.get(f"/k/{link.token}/reset").headers["Location"].endswith(f"/k/{link.token}")
    assert " checked" not in html(client.get(f"/k/{link.token}"))
    assert client.get(f"/k/{link.token}?step=2").status_code == 302


def test_large_text_is_a_remembered_choice(seeded, client):
    link = seeded["link"]
    assert 'class="public"' in html(client.get(f"/s/{link.token}"))
    result = client.post("/s/text-size", data={"mode": "link", "next": f"/s/{link.token}?src=qr"})
    assert result.status_code == 303 and result.headers["Location"] == f"/s/{link.token}?src=qr"
    page = html(client.get(f"/s/{link.token}"))
    assert 'class="public large-text"' in page and 'aria-pressed="true"' in page
    assert client.post("/s/text-size", data={"mode": "link", "next": "//evil.example/"}).headers["Location"] == "/"


@pytest.fixture
def staff(seeded, make):
    centre = seeded["centre"]
    foreign = make.centre(make.region("Чужая область"))
    local = Survey(title="Опрос о выставке вакансий", region_id=foreign.region_id, centre_id=foreign.id)
    local.questions.append(Question(position=1, code="liked", text="Понравилось?", kind="text", required=True))
    db.session.add(local)
    user = make.user(("responsible_employee", centre), centre=centre)
    db.session.commit()
    return {"user": user, "local": local}


def test_preview_shows_the_questionnaire_and_never_stores(seeded, staff, client, login):
    survey = seeded["survey"]
    assert client.get(f"/s/preview/{survey.id}").status_code == 302  # sign in first
    login(staff["user"])
    page = client.get(f"/s/preview/{survey.id}")
    assert page.status_code == 200 and "Предпросмотр — ответы не сохраняются" in html(page)
    assert "Шаг 1 из 2" in html(page) and "Ответьте, если в вопросе 12 выбрали «Да»." in html(page)
    result = client.post(f"/s/preview/{survey.id}", data={"q_q1": "5"})
    assert result.status_code == 422 and "Вопрос 2: Ответьте, пожалуйста, на этот вопрос." in html(result)
    forms = step_forms(survey)
    result = client.post(f"/s/preview/{survey.id}", data=forms[0])
    assert result.status_code == 200 and "Проверка пройдена." in html(result)
    result = client.post(f"/s/preview/{survey.id}?step=2", data={**forms[1], "email": "bad"})
    assert result.status_code == 422 and "Проверьте адрес электронной почты" in html(result)
    result = client.post(f"/s/preview/{survey.id}?step=2", data=forms[1])
    assert "Проверка пройдена." in html(result)
    assert responses() == []
    assert client.get(f"/s/preview/{staff['local'].id}").status_code == 404  # another region's survey
    assert client.get("/s/preview/999999").status_code == 404


def test_the_question_macro_renders_alone(seeded, app):
    """The staff paper-entry form imports render_question: it needs no public layout."""
    survey = seeded["survey"]
    q14 = next(q for q in survey.questions if q.code == "q14")
    with app.test_request_context():
        template = app.jinja_env.from_string(
            '{% from "public/_questions.html" import render_question %}{{ render_question(q, v, e, False) }}'
        )
        out = template.render(q=q14, v={"q14": ["other"], "q14:other": "Почта"}, e={"q14": "Выберите один вариант."})
    assert 'value="other" checked' in out and 'value="Почта"' in out
    assert 'id="q_q14-error"' in out and "Другое (вписать в строку)" in out
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_with_csrf_on_the_size_limit_comes_first_and_a_stale_form_is_explained(seeded, client):
    link = seeded["link"]
    page = html(client.get(f"/s/{link.token}"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/s/{link.token}", data={"q_comment": "я" * 40_000}).status_code == 413
    stale = client.post(f"/s/{link.token}", data=step_forms(seeded["survey"])[0])
    assert stale.status_code == 400 and "Страница устарела" in html(stale) and "Основное меню" not in html(stale)
    result = client.post(f"/s/{link.token}", data={**step_forms(seeded["survey"])[0], "csrf_token": token})
    assert result.status_code == 303


def test_a_survey_without_questions_says_so(seeded, make, client):
    empty = Survey(title="Пустой опрос", status="published", region_id=seeded["centre"].region_id)
    db.session.add(empty)
    db.session.flush()
    link = surveys.new_link(empty, seeded["centre"])
    db.session.commit()
    for result in (client.get(f"/s/{link.token}"), client.post(f"/s/{link.token}", data={"q_x": "1"})):
        assert result.status_code == 200 and "В анкете пока нет вопросов." in html(result)
    assert responses() == []
