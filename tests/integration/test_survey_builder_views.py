"""Survey builder pages: create, questions of every preset, conditions, order, warnings, publish,
archive, copy; who may do what (another centre → 404, no survey.manage → 403, federal survey → 403)."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.surveys import Question, Survey
from app.services import integrity, methodology, surveys


@pytest.fixture
def w(make):
    centre = make.centre()
    region = centre.region
    sibling = make.centre(region)
    foreign = make.centre(make.region("Чужая область"))
    people = {
        "collector": make.user(("responsible_employee", centre), centre=centre),
        "regional": make.user(("director", region), region=region),
        "sibling": make.user(("responsible_employee", sibling), centre=sibling),
        "employee": make.user(("employee", centre), centre=centre),
        "outsider": make.user(("responsible_employee", foreign), centre=foreign),
        "admin": make.user(("admin", None)),
    }
    db.session.commit()
    return {"centre": centre, "region": region, "sibling": sibling, "foreign": foreign, **people}


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def new_survey(client, w, title="Опрос после консультации", scope=None) -> Survey:
    response = client.post(
        "/surveys/local/new",
        data={"title": title, "client_type": "jobseeker", "scope": scope or f"centre:{w['centre'].id}", "intro": "x"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return db.session.scalars(select(Survey).order_by(Survey.id.desc())).first()


def add(client, survey, preset, **data):
    data.setdefault("text", "Вопрос?")
    data.setdefault("required", "y")
    return client.post(f"/surveys/local/{survey.id}/questions/new?preset={preset}", data=data)


def questions(survey) -> list[Question]:
    db.session.expire_all()
    return list(db.session.scalars(select(Question).where(Question.survey_id == survey.id).order_by(Question.position)))


def events(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def answer(survey, centre, values: dict):
    db.session.expire_all()
    survey = db.session.get(Survey, survey.id)
    draft = surveys.read_answers(survey, values)
    assert not draft.errors, draft.errors
    return surveys.store(survey, draft, centre_id=centre.id, region_id=centre.region_id, source="link")


# ---- creating and listing ------------------------------------------------------------------------


def test_create_a_draft_and_find_it_in_the_list(client, login, w):
    login(w["collector"])
    page = client.get("/surveys/local/")
    assert page.status_code == 200
    assert "Локальных анкет пока нет" in text(page)
    survey = new_survey(client, w)
    assert survey.status == "draft" and survey.centre_id == w["centre"].id and survey.region_id == w["region"].id
    assert survey.client_type == "jobseeker" and survey.created_by_id == w["collector"].id
    assert events("survey.create") == 1
    listed = text(client.get("/surveys/local/?q=консультации"))
    assert "Опрос после консультации" in listed and "Черновик" in listed
    assert "Опрос после консультации" in text(client.get("/surveys/local/?q=ОПРОС"))
    assert "По этим условиям анкет нет" in text(client.get("/surveys/local/?q=ярмарка"))
    assert "По этим условиям анкет нет" in text(client.get("/surveys/local/?status=published"))
    partial = client.get("/surveys/local/?q=опрос", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="results"' in partial and "<html" not in partial


def test_the_list_pages(client, login, w, app):
    for n in range(app.config["PER_PAGE"] + 1):
        db.session.add(Survey(title=f"Анкета {n}", region_id=w["region"].id, centre_id=w["centre"].id))
    db.session.commit()
    login(w["collector"])
    first, second = client.get("/surveys/local/"), client.get("/surveys/local/?page=2")
    assert first.status_code == second.status_code == 200
    assert "Вперёд" in text(first) and text(second).count("Анкета ") == 1


def test_bad_settings_are_refused_by_the_field(client, login, w):
    login(w["collector"])
    response = client.post("/surveys/local/new", data={"title": "", "client_type": "any", "scope": ""})
    assert response.status_code == 422
    assert "Укажите название анкеты." in text(response)
    response = client.post(
        "/surveys/local/new", data={"title": "Чужая", "client_type": "any", "scope": f"centre:{w['foreign'].id}"}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_a_regional_survey_is_seen_by_the_region_not_by_its_centres(client, login, w):
    login(w["regional"])
    survey = new_survey(client, w, scope=f"region:{w['region'].id}")
    assert survey.centre_id is None
    client.post("/logout")
    login(w["collector"])
    assert client.get(f"/surveys/local/{survey.id}").status_code == 404


# ---- questions -----------------------------------------------------------------------------------


def test_presets_fill_the_question_fields(client, login, w):
    login(w["collector"])
    survey = new_survey(client, w)
    form = client.get(f"/surveys/local/{survey.id}/questions/new?preset=ces")
    assert "Насколько легко Вам было решить проблему" in form.get_data(as_text=True)
    assert add(client, survey, "ces", text="Насколько легко Вам было решить проблему?").status_code == 303
    assert (
        add(
            client, survey, "csat", text="Удовлетворены ли Вы качеством услуг и сервисов, полученных в СЗН?"
        ).status_code
        == 303
    )
    assert add(client, survey, "csi", parameter="Качество работы сотрудников", points="10").status_code == 303
    assert add(client, survey, "nps", text="Насколько вероятно, что Вы порекомендуете ЦЗН?").status_code == 303
    assert add(client, survey, "scale0_10", low_label="ноль", high_label="десять").status_code == 303
    assert add(client, survey, "multiple", options="Офис\nСайт", other="y").status_code == 303
    ces, csat, importance, satisfaction, nps, zero, multiple = questions(survey)
    assert [(o.value, o.text) for o in ces.options] == [
        ("very_easy", "Очень легко"),
        ("easy", "Легко"),
        ("hard_to_say", "Затрудняюсь ответить"),
        ("difficult", "Сложно"),
        ("very_difficult", "Очень сложно"),
    ]
    assert ces.wording == "ces" and ces.kind == "single"
    assert csat.wording == "csat" and (csat.scale_min, csat.scale_max) == (1, 5)
    assert csat.scale_labels["1"] == "Нет, разочарован"
    assert importance.pair == satisfaction.pair != ""
    assert (importance.wording, satisfaction.wording) == ("csi_importance", "csi_satisfaction")
    assert importance.text == "Насколько важен для Вас параметр «Качество работы сотрудников»?"
    assert satisfaction.scale_max == 10
    assert nps.wording == "nps" and (nps.scale_min, nps.scale_max) == (0, 10)
    assert zero.scale_labels == {"0": "ноль", "10": "десять"}
    assert [(o.text, o.free_text) for o in multiple.options] == [
        ("Офис", False),
        ("Сайт", False),
        ("Другое (впишите)", True),
    ]
    assert [q.number for q in questions(survey)] == ["1", "2", "3", "4", "5", "6", "7"]
    assert events("survey.question_add") == 7
    page = text(client.get(f"/surveys/local/{survey.id}"))
    assert "Анкета длиннее 5 вопросов: клиенты чаще бросают длинные анкеты" in page
    assert "seed 001, строка 1279" in page
    assert "≈ 2 мин" in page


def test_bad_question_input_changes_nothing(client, login, w):
    login(w["collector"])
    survey = new_survey(client, w)
    response = add(client, survey, "single", options="Только один")
    assert response.status_code == 422
    assert "хотя бы два варианта" in text(response)
    response = add(client, survey, "csi", parameter="")
    assert response.status_code == 422 and "Назовите параметр" in text(response)
    assert client.get(f"/surveys/local/{survey.id}/questions/new?preset=unknown").status_code == 404
    assert questions(survey) == []


def test_a_required_open_question_warns(client, login, w):
    login(w["collector"])
    survey = new_survey(client, w)
    add(client, survey, "text", text="Что улучшить?", required="y")
    assert "Обязательный открытый вопрос снижает число ответов" in text(client.get(f"/surveys/local/{survey.id}"))


def test_conditions_name_earlier_answers(client, login, w):
    login(w["collector"])
    survey = new_survey(client, w)
    add(client, survey, "yes_no", text="Вы записывались заранее?")
    first = questions(survey)[0]
    response = add(client, survey, "text", text="Что мешало?", required="", show_if=f"{first.code}:no")
    assert response.status_code == 303
    second = questions(survey)[1]
    assert second.show_if == {"question": first.code, "values": ["no"]}
    assert "Показывается, если на вопрос 1 ответили «Нет»" in text(client.get(f"/surveys/local/{survey.id}"))
    response = add(client, survey, "text", text="Ещё?", show_if=f"{first.code}:maybe")
    assert response.status_code == 422 and len(questions(survey)) == 2
    # the question a condition relies on cannot be deleted, nor moved after it while published
    response = client.post(f"/surveys/local/questions/{first.id}/delete")
    assert response.status_code == 409 and "зависит показ вопроса 2" in text(response)
    assert client.post(f"/surveys/local/{survey.id}/publish").status_code == 303
    response = client.post(f"/surveys/local/questions/{first.id}/move", data={"direction": "down"})
    assert response.status_code == 409 and "идёт позже" in text(response)
    assert [q.code for q in questions(survey)] == [first.code, second.code]


def test_reorder_edit_and_delete(client, login, w):
    login(w["collector"])
    survey = new_survey(client, w)
    for title in ("Первый", "Второй", "Третий"):
        add(client, survey, "scale10", text=title)
    third = questions(survey)[2]
    assert client.post(f"/surveys/local/questions/{third.id}/move", data={"direction": "up"}).status_code == 303
    assert [q.text for q in questions(survey)] == ["Первый", "Третий", "Второй"]
    assert client.post(f"/surveys/local/questions/{third.id}/move", data={"direction": "sideways"}).status_code == 400
    assert events("survey.question_move") == 1
    edit = client.get(f"/surveys/local/questions/{third.id}/edit")
    assert edit.status_code == 200 and "Третий" in edit.get_data(as_text=True)
    response = client.post(
        f"/surveys/local/questions/{third.id}/edit",
        data={"preset": "single", "text": "Какой канал?", "options": "Офис\nСайт", "required": "y"},
    )
    assert response.status_code == 303
    changed = questions(survey)[1]
    assert changed.kind == "single" and [o.text for o in changed.options] == ["Офис", "Сайт"]
    assert changed.scale_min is None and changed.scale_labels == {}
    response = client.post(
        f"/surveys/local/questions/{third.id}/edit", data={"preset": "scale5", "text": "Оцените", "required": "y"}
    )
    assert response.status_code == 303
    changed = questions(survey)[1]
    assert (changed.kind, changed.scale_max, changed.options) == ("scale", 5, [])
    assert changed.scale_labels == {"1": "очень плохо", "5": "отлично"}
    confirm = client.get(f"/surveys/local/questions/{third.id}/delete")
    assert confirm.status_code == 200 and "Удалить вопрос 2?" in text(confirm)
    assert client.post(f"/surveys/local/questions/{third.id}/delete").status_code == 303
    assert [(q.number, q.text) for q in questions(survey)] == [("1", "Первый"), ("2", "Второй")]
    assert events("survey.question_remove") == 1


def test_a_csi_pair_is_deleted_whole(client, login, w):
    login(w["collector"])
    survey = new_survey(client, w)
    add(client, survey, "csi", parameter="Надежность организации")
    add(client, survey, "yes_no")
    importance = questions(survey)[0]
    edit = client.get(f"/surveys/local/questions/{importance.id}/edit").get_data(as_text=True)
    assert 'name="preset"' not in edit and "Насколько важен для Вас параметр" in edit
    response = client.post(
        f"/surveys/local/questions/{importance.id}/edit", data={"text": "Насколько важна для Вас надёжность?"}
    )
    assert response.status_code == 303
    edited = questions(survey)[0]
    assert edited.text == "Насколько важна для Вас надёжность?" and not edited.required
    assert (edited.wording, edited.scale_max, edited.scale_labels["1"]) == ("csi_importance", 5, "совсем не важно")
    assert "пару вопросов CSI" in text(client.get(f"/surveys/local/questions/{importance.id}/delete"))
    client.post(f"/surveys/local/questions/{importance.id}/delete")
    assert [(q.number, q.kind) for q in questions(survey)] == [("1", "yes_no")]


# ---- publishing, answers, archive, copy ----------------------------------------------------------


def test_publish_needs_a_question(client, login, w):
    login(w["collector"])
    survey = new_survey(client, w)
    response = client.post(f"/surveys/local/{survey.id}/publish")
    assert response.status_code == 409 and "В анкете нет ни одного вопроса." in text(response)
    add(client, survey, "text", required="y")
    page = text(client.get(f"/surveys/local/{survey.id}/publish"))
    assert "Обязательный открытый вопрос снижает число ответов" in page
    assert client.post(f"/surveys/local/{survey.id}/publish").status_code == 303
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).status == "published"
    assert events("survey.publish") == 1
    response = client.post(f"/surveys/local/{survey.id}/publish")
    assert response.status_code == 409


def test_answers_freeze_deleting_and_kind_changes(client, login, w):
    login(w["collector"])
    survey = new_survey(client, w)
    add(client, survey, "yes_no", text="Помогли?")
    add(client, survey, "scale10", text="Оцените")
    client.post(f"/surveys/local/{survey.id}/publish")
    first, second = questions(survey)
    answer(survey, w["centre"], {f"q_{first.code}": "yes", f"q_{second.code}": "9"})
    response = client.post(f"/surveys/local/questions/{first.id}/delete")
    assert response.status_code == 409 and "Сделайте копию анкеты" in text(response)
    response = client.post(
        f"/surveys/local/questions/{second.id}/edit", data={"preset": "text", "text": "Оцените", "required": "y"}
    )
    assert response.status_code == 422 and "менять их тип нельзя" in text(response)
    response = client.post(
        f"/surveys/local/questions/{first.id}/edit", data={"preset": "yes_no", "text": "Вам помогли?", "required": "y"}
    )
    assert response.status_code == 303
    assert [(q.text, q.kind) for q in questions(survey)] == [("Вам помогли?", "yes_no"), ("Оцените", "scale")]
    # the copy is a free draft with every question
    assert client.post(f"/surveys/local/{survey.id}/copy").status_code == 303
    twin = db.session.scalars(select(Survey).order_by(Survey.id.desc())).first()
    assert twin.id != survey.id and twin.status == "draft" and twin.title.startswith("Копия — ")
    assert [(q.code, q.text) for q in questions(twin)] == [(first.code, "Вам помогли?"), (second.code, "Оцените")]
    assert client.post(f"/surveys/local/questions/{questions(twin)[0].id}/delete").status_code == 303


def test_archive_stops_editing(client, login, w):
    login(w["collector"])
    survey = new_survey(client, w)
    add(client, survey, "yes_no")
    assert client.get(f"/surveys/local/{survey.id}/archive").status_code == 200
    assert client.post(f"/surveys/local/{survey.id}/archive").status_code == 303
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).status == "archived"
    assert events("survey.archive") == 1
    question = questions(survey)[0]
    assert client.get(f"/surveys/local/questions/{question.id}/edit").status_code == 303
    assert add(client, survey, "yes_no").status_code == 303
    assert len(questions(survey)) == 1
    assert "Анкета в архиве" in text(client.get(f"/surveys/local/{survey.id}"))


# ---- who may do what -----------------------------------------------------------------------------


def test_another_centre_gets_404(client, login, w):
    login(w["collector"])
    survey = new_survey(client, w)
    add(client, survey, "yes_no")
    question = questions(survey)[0]
    client.post("/logout")
    for person in ("outsider", "sibling"):
        login(w[person])
        assert client.get(f"/surveys/local/{survey.id}").status_code == 404
        assert client.get(f"/surveys/local/{survey.id}/edit").status_code == 404
        assert client.get(f"/surveys/local/questions/{question.id}/edit").status_code == 404
        assert client.post(f"/surveys/local/questions/{question.id}/delete").status_code == 404
        assert client.post(f"/surveys/local/questions/{question.id}/move", data={"direction": "up"}).status_code == 404
        assert client.post(f"/surveys/local/{survey.id}/publish").status_code == 404
        assert client.post(f"/surveys/local/{survey.id}/copy").status_code == 404
        assert "Опрос после консультации" not in text(client.get("/surveys/local/"))
        client.post("/logout")
    assert len(questions(survey)) == 1
    login(w["regional"])  # the region's director manages its centres' surveys
    assert client.get(f"/surveys/local/{survey.id}").status_code == 200


def test_without_survey_manage_403(client, login, w):
    login(w["employee"])
    assert client.get("/surveys/local/").status_code == 403
    assert client.get("/surveys/local/new").status_code == 403


def test_federal_surveys_are_never_editable_here(client, login, w):
    methodology.install_templates()
    surveys.install_templates()
    db.session.commit()
    federal = db.session.scalar(select(Survey).where(Survey.code == "fcc-jobseeker"))
    question = federal.questions[0]
    for person in ("admin", "collector"):
        login(w[person])
        assert client.get(f"/surveys/local/{federal.id}").status_code == 403
        assert client.post(f"/surveys/local/{federal.id}/archive").status_code == 403
        assert client.post(f"/surveys/local/{federal.id}/copy").status_code == 403
        assert client.post(f"/surveys/local/questions/{question.id}/delete").status_code == 403
        assert "Впечатление" not in text(client.get("/surveys/local/"))
        client.post("/logout")
    db.session.expire_all()
    assert db.session.get(Survey, federal.id).status == "published"


def test_anonymous_is_sent_to_login(client, w):
    assert client.get("/surveys/local/").status_code in (302, 303)


# ---- results of a local survey -------------------------------------------------------------------


def test_local_survey_results_show_ces_csat_nps_and_csi(client, login, w):
    """Four accepted answers. CES (grouped reading): 2 easy − 1 difficult of 4 → +25,0; CSAT: 4–5 of 5 in 2 of 4
    → 50 %; NPS: 2 promoters − 1 detractor of 4 → +25,0; CSI of two parameters: mean importance 8 and 4 of 10
    → weights 2/3 and 1/3, mean satisfaction 9 and 6 of 10 → 2/3 × 0,9 + 1/3 × 0,6 = 80 %."""
    login(w["collector"])
    survey = new_survey(client, w)
    add(client, survey, "ces", text="Насколько легко Вам было решить проблему?")
    add(client, survey, "csat", text="Удовлетворены ли Вы качеством услуг?")
    add(client, survey, "csi", parameter="Качество работы сотрудников", points="10")
    add(client, survey, "csi", parameter="Ассортимент услуг", points="10")
    add(client, survey, "nps", text="Порекомендуете ли Вы ЦЗН знакомым?")
    assert client.post(f"/surveys/local/{survey.id}/publish").status_code == 303
    asked = questions(survey)
    for row in (
        ("very_easy", 5, 8, 9, 4, 6, 10),
        ("easy", 4, 8, 9, 4, 6, 9),
        ("hard_to_say", 3, 8, 9, 4, 6, 7),
        ("difficult", 2, 8, 9, 4, 6, 3),
    ):
        response = answer(survey, w["centre"], {surveys.field_name(q): str(v) for q, v in zip(asked, row, strict=True)})
        response.status = "accepted"
        integrity.set_counted(response)
    db.session.commit()
    client.post("/logout")
    login(w["regional"])
    assert f"/results/distribution?scope=centre:{w['centre'].id}&amp;survey={survey.id}" in client.get(
        f"/surveys/local/{survey.id}"
    ).get_data(as_text=True)
    url = f"/results/distribution?scope=centre:{w['centre'].id}&survey={survey.id}&period={response.period}"
    page = client.get(url)
    assert page.status_code == 200
    body = text(page)
    assert "CES: +25,0" in body and "CSAT: 50,0 %" in body and "NPS: +25,0" in body
    assert "CSI — индекс удовлетворённости: 80,0 %" in body
    assert "66,7 %" in body and "33,3 %" in body and "9,0 из 10" in body
    assert "Внешняя методика (Net Promoter Score)" in body
    book = load_workbook(io.BytesIO(client.get(url.replace("/distribution?", "/export.xlsx?view=distribution&")).data))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row]
    assert "CES: +25,0" in cells and "CSI: 80,0 %" in cells
    assert "CSI" in [row[0] for row in book["Примечания"].iter_rows(values_only=True)]
