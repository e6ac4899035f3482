"""The survey builder's pure rules: presets, reading a question form, conditions, warnings, duration."""

from types import SimpleNamespace as NS

import pytest

from app.services import survey_builder as b


def q(code, position, kind="scale", required=False, options=(), show_if=None, **kw):
    return NS(
        code=code,
        position=position,
        number=str(position),
        kind=kind,
        required=required,
        options=[NS(value=v, text=t) for v, t in options],
        show_if=show_if,
        scale_min=kw.get("scale_min", 1 if kind == "scale" else None),
        scale_max=kw.get("scale_max", 10 if kind == "scale" else None),
        wording=kw.get("wording", ""),
    )


YES_NO = (("yes", "Да"), ("no", "Нет"))

# ---- presets -------------------------------------------------------------------------------------


def test_ces_preset_is_the_seed_wording_with_five_options():
    p = b.PRESETS["ces"]
    assert p.text == "Насколько легко Вам было решить проблему благодаря посещению нашей организации?"
    assert [t for _, t in p.options] == ["Очень легко", "Легко", "Затрудняюсь ответить", "Сложно", "Очень сложно"]
    assert p.wording == "ces" and p.kind == "single"


def test_csat_preset_uses_the_seed_satisfaction_scale():
    p = b.PRESETS["csat"]
    assert p.text == "Удовлетворены ли Вы качеством услуг и сервисов, полученных в СЗН?"
    assert p.scale == (1, 5) and p.labels[0] == (1, "Нет, разочарован")
    assert p.labels[-1] == (5, "Значительно превзошел ожидания")


def test_nps_is_zero_to_ten_and_labelled_external():
    p = b.PRESETS["nps"]
    assert p.scale == (0, 10) and p.wording == "nps"
    assert p.text.startswith("Насколько вероятно, что Вы порекомендуете")
    assert "Внешняя методика" in p.note


@pytest.mark.parametrize(
    ("key", "scale"), [("scale10", (1, 10)), ("scale0_10", (0, 10)), ("scale5", (1, 5)), ("scale7", (1, 7))]
)
def test_scale_presets(key, scale):
    spec, errors = b.spec_from(key, {"text": "Оцените", "low_label": "плохо", "high_label": "хорошо"}, {})
    assert not errors
    assert (spec.scale_min, spec.scale_max) == scale
    assert spec.labels == [{str(scale[0]): "плохо", str(scale[1]): "хорошо"}]
    assert b.preset_of(NS(wording="", kind="scale", scale_min=scale[0], scale_max=scale[1])) == key


def test_csi_pair_makes_two_linked_questions():
    spec, errors = b.spec_from("csi", {"parameter": "Качество работы сотрудников", "points": "7"}, {})
    assert not errors
    assert spec.texts == [
        "Насколько важен для Вас параметр «Качество работы сотрудников»?",
        "Насколько Вы удовлетворены параметром «Качество работы сотрудников»?",
    ]
    assert spec.wordings == ["csi_importance", "csi_satisfaction"]
    assert (spec.scale_min, spec.scale_max) == (1, 7)


def test_csi_needs_a_parameter_and_a_seed_scale():
    _, errors = b.spec_from("csi", {"parameter": "", "points": "4"}, {})
    assert set(errors) == {"parameter", "points"}


def test_choice_needs_two_distinct_options_and_may_add_other():
    _, errors = b.spec_from("single", {"text": "Где?", "options": "Офис"}, {})
    assert "два варианта" in errors["options"]
    _, errors = b.spec_from("single", {"text": "Где?", "options": "Офис\nофис"}, {})
    assert "повторяются" in errors["options"]
    spec, errors = b.spec_from("multiple", {"text": "Где?", "options": "Офис\n\n Сайт \n", "other": True}, {})
    assert not errors
    assert spec.options == [("", "Офис", False), ("", "Сайт", False), ("other", "Другое (впишите)", True)]


def test_text_is_required_except_for_a_csi_pair():
    _, errors = b.spec_from("yes_no", {"text": "  "}, {})
    assert errors == {"text": "Напишите текст вопроса."}
    _, errors = b.spec_from("nope", {"text": "x"}, {})
    assert "preset" in errors


def test_open_questions_are_optional_by_default():
    assert b.default_required("text") is False
    assert b.default_required("scale10") is True


# ---- conditions ----------------------------------------------------------------------------------


def test_condition_names_one_earlier_question_in_option_order():
    earlier = {"q1": {"yes": "Да", "no": "Нет"}, "q2": {"a": "А", "b": "Б"}}
    assert b.condition_from(["q2:b", "q2:a"], earlier) == ({"question": "q2", "values": ["a", "b"]}, "")
    assert b.condition_from([], earlier) == (None, "")
    assert "только на один" in b.condition_from(["q1:yes", "q2:a"], earlier)[1]
    assert b.condition_from(["q1:maybe"], earlier)[1]
    assert b.condition_from(["q9:yes"], earlier)[1]


def test_earlier_choices_only_before_the_position_and_with_options():
    questions = [q("q1", 1, "yes_no", options=YES_NO), q("q2", 2), q("q3", 3, "yes_no", options=YES_NO)]
    assert b.earlier_choices(questions, 3) == {"q1": {"yes": "Да", "no": "Нет"}}
    assert set(b.earlier_choices(questions)) == {"q1", "q3"}


# ---- problems and warnings -----------------------------------------------------------------------


def test_no_questions_blocks_publishing():
    assert b.problems([]) == ["В анкете нет ни одного вопроса."]


def test_conditions_must_point_back_to_existing_answers():
    first = q("q1", 1, "yes_no", options=YES_NO)
    ok = q("q2", 2, show_if={"question": "q1", "values": ["yes"]})
    assert b.problems([first, ok]) == []
    later = q("q1", 1, show_if={"question": "q2", "values": ["yes"]})
    assert "идёт позже" in b.problems([later, q("q2", 2, "yes_no", options=YES_NO)])[0]
    gone = q("q2", 2, show_if={"question": "q1", "values": ["maybe"]})
    assert "которого больше нет" in b.problems([first, gone])[0]
    assert "удалённый" in b.problems([q("q2", 1, show_if={"question": "q7", "values": ["yes"]})])[0]
    assert "границы" in b.problems([q("q1", 1, scale_min=5, scale_max=5)])[0]


def test_more_than_five_questions_is_a_warning_with_its_source():
    assert b.warnings([q(f"q{i}", i) for i in range(1, 6)]) == []
    found = b.warnings([q(f"q{i}", i) for i in range(1, 7)])
    assert len(found) == 1
    assert found[0].text.startswith("Анкета длиннее 5 вопросов: клиенты чаще бросают длинные анкеты")
    assert "строка 1279" in found[0].source and "seed 003, строка 1104" in found[0].source


def test_a_required_open_question_is_a_warning_an_optional_one_is_not():
    assert b.warnings([q("q1", 1, "text", required=False)]) == []
    found = b.warnings([q("q1", 1, "text", required=True)])
    assert found[0].text == "Обязательный открытый вопрос снижает число ответов: вопрос 1."
    assert "необязательными" in found[0].source


# ---- duration ------------------------------------------------------------------------------------


def test_duration_follows_the_seconds_table():
    questions = [q("q1", 1), q("q2", 2, "yes_no"), q("q3", 3, "single"), q("q4", 4, "multiple"), q("q5", 5, "text")]
    assert b.duration_seconds(questions) == b.INTRO_SECONDS + 8 + 5 + 10 + 15 + 45 == 93
    assert b.duration_label(93) == "≈ 2 мин"
    assert b.duration_label(45) == "≈ 1 мин"
    assert b.duration_label(120) == "≈ 2 мин"
    assert b.duration_label(0) == "—"
    assert b.duration_seconds([]) == 0


def test_preset_of_reads_wording_first():
    assert b.preset_of(NS(wording="csi_importance", kind="scale", scale_min=1, scale_max=5)) == "csi"
    assert b.preset_of(NS(wording="csat", kind="scale", scale_min=1, scale_max=5)) == "csat"
    assert b.preset_of(NS(wording="", kind="multiple", scale_min=None, scale_max=None)) == "multiple"
