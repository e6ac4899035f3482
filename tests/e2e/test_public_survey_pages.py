"""A client on a phone (390×844) answers the job-seeker questionnaire from the centre's QR code; the kiosk
starts afresh for the next client. axe reports nothing at all on the public pages."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models.indices import IndexValue
from app.models.surveys import Response, Survey
from app.services import methodology, periods, surveys
from app.ui import ru_number
from tests.e2e.conftest import AXE

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
STEP_1_SCALES = ("q1", "q2", "q3", "q5", "q6", "q7", "q8", "q9", "q10", "q11")


@pytest.fixture
def link(app, make):
    methodology.install_templates()
    surveys.install_templates()
    survey = db.session.scalar(select(Survey).where(Survey.code == "fcc-jobseeker"))
    link = surveys.new_link(survey, make.centre(name="ЦЗН города Глазова"), kiosk=True)
    db.session.commit()
    return link


def axe_clean(page):
    """Every axe violation of any impact, WCAG 2.2 AA and best practice alike, fails the test."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
            window.__axeRun = (window.__axeRun || Promise.resolve()).then(
                () => axe.run(document, {runOnly: {type: 'tag', values: tags}}));
            return await window.__axeRun;
        }""",
        TAGS,
    )
    found = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]
    assert not found, f"{page.url}\n" + "\n".join(found)


def fits_the_phone(page):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def pick(page, field_id):
    page.locator(f'label[for="{field_id}"]').click()


def answer_step_1(page, rating=8):
    for code in STEP_1_SCALES:
        pick(page, f"q_{code}-{rating}")
    pick(page, "q_q4-yes")
    pick(page, "q_q12-no")
    expect(page.locator("#q_q12_rating-block")).to_be_hidden()  # asked only after «Да»
    pick(page, "q_q13-yes")
    expect(page.locator("#q_q13_rating-block")).to_be_visible()
    pick(page, f"q_q13_rating-{rating}")
    pick(page, "q_q14-office")


def answer_step_2(page):
    pick(page, "q_gender-female")
    pick(page, "q_age-30_39")
    pick(page, "q_category-none")


def test_a_client_answers_from_the_qr_code_on_a_phone(app, page, link):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/s/{link.token}?src=qr")
    expect(page.get_by_role("heading", level=1)).to_have_text("ОПРОС. Впечатление от взаимодействия с ЦЗН")
    expect(page.get_by_text("Шаг 1 из 2")).to_be_visible()
    expect(page.get_by_role("group", name=re.compile("Я считаю свое обращение в ЦЗН полезным"))).to_be_visible()
    expect(page.get_by_role("radio", name="10 великолепно").first).to_be_visible()
    fits_the_phone(page)
    axe_clean(page)

    # the large-text mode: a toggle button, remembered
    toggle = page.get_by_role("button", name="Крупный шрифт")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("html")).to_have_class(re.compile("large-text"))
    fits_the_phone(page)
    axe_clean(page)
    toggle.click()
    expect(page.locator("html")).not_to_have_class(re.compile("large-text"))

    # an error state: the summary takes the focus and links to the field
    pick(page, "q_q1-8")
    page.get_by_role("button", name="Далее").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Вопрос 2: Ответьте, пожалуйста, на этот вопрос.")).to_be_visible()
    expect(page.locator("#q_q1-8")).to_be_checked()
    fits_the_phone(page)
    axe_clean(page)

    answer_step_1(page)
    expect(page.get_by_text(re.compile(r"Отвечено: 15 из 21"))).to_be_visible()
    page.get_by_role("button", name="Далее").click()
    expect(page.get_by_text("Шаг 2 из 2")).to_be_visible()
    pick(page, "q_gender-female")
    axe_clean(page)

    page.get_by_role("button", name="Назад").click()  # back once: the answers are still there
    expect(page.get_by_text("Шаг 1 из 2")).to_be_visible()
    expect(page.locator("#q_q1-8")).to_be_checked()
    expect(page.locator("#q_q13_rating-8")).to_be_checked()
    page.get_by_role("button", name="Далее").click()
    expect(page.locator("#q_gender-female")).to_be_checked()
    answer_step_2(page)
    page.get_by_label("Электронная почта").fill("client@example.ru")
    page.get_by_role("button", name="Отправить ответы").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Спасибо!")
    expect(page.get_by_text("Благодарим Вас за уделенное время!")).to_be_visible()
    fits_the_phone(page)
    axe_clean(page)

    db.session.remove()
    [response] = db.session.scalars(select(Response)).all()
    assert response.source == "qr" and response.centre_id == link.centre_id and response.email == "client@example.ru"
    codes = {a.question.code for a in response.answers}
    assert {"q1", "q13_rating", "gender", "age", "category"} <= codes and "q12_rating" not in codes


def test_the_kiosk_starts_afresh_after_a_submission(app, page, link):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/k/{link.token}")
    expect(page.locator("html")).to_have_class(re.compile("kiosk"))
    expect(page.locator("html")).to_have_class(re.compile("large-text"))
    fits_the_phone(page)
    axe_clean(page)
    answer_step_1(page, rating=9)
    page.get_by_role("button", name="Далее").click()
    answer_step_2(page)
    expect(page.get_by_label("Электронная почта")).to_have_count(0)
    page.get_by_role("button", name="Отправить ответы").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Спасибо!")
    expect(page.get_by_role("link", name="Следующий клиент")).to_be_visible()
    axe_clean(page)

    # ten seconds later the next client gets an empty questionnaire
    expect(page.get_by_text("Шаг 1 из 2")).to_be_visible(timeout=15_000)
    assert page.url.endswith(f"/k/{link.token}")
    assert page.locator("input:checked").count() == 0
    axe_clean(page)
    db.session.remove()
    assert [r.source for r in db.session.scalars(select(Response))] == ["kiosk"]


# A robot answers in seconds; the speed check (tested in test_public_survey) would rightly hold its answer.
@pytest.mark.parametrize("app", [{"INTEGRITY_MIN_SECONDS_PER_ANSWER": 0}], indirect=True)
def test_the_real_worker_puts_a_clients_answer_on_the_directors_index_page(app, page, link, make):
    """The loop of issue 5: a phone answer through the QR link → the worker recalculates → the director reads it."""
    from tests.conftest import PASSWORD
    from tests.e2e.conftest import run_worker
    from tests.e2e.test_sign_in import _sign_in

    centre = link.centre
    make.user(("director", centre.region), region=centre.region, email="director@e2e.ru")
    centre_id = centre.id
    db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/s/{link.token}?src=qr")
    answer_step_1(page, rating=9)
    page.get_by_role("button", name="Далее").click()
    answer_step_2(page)
    page.get_by_role("button", name="Отправить ответы").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Спасибо!")

    run_worker()
    period = periods.period_of()
    _sign_in(page, "director@e2e.ru", PASSWORD)
    page.goto(f"/results/?scope=centre:{centre_id}&period={period}&client=jobseeker")
    level = page.locator('[data-figure="level"]')
    expect(level).to_contain_text("из 100")
    stored = db.session.scalar(
        select(IndexValue).where(
            IndexValue.scope_kind == "centre",
            IndexValue.scope_key == str(centre_id),
            IndexValue.period == period,
            IndexValue.client_type == "jobseeker",
        )
    )
    assert stored is not None and stored.level is not None
    expect(level).to_contain_text(ru_number(stored.level, 1))
    expect(page.get_by_text("пересчитывается")).to_have_count(0)
