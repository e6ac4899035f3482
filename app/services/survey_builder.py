"""The builder of local surveys (анкеты ЦЗН и СЗН): question presets, conditions, warnings, estimated
duration, and the life of a survey — draft → published → archived, copy.

Pure parts (no database): PRESETS, `spec_from`, `condition_from`, `problems`, `warnings`, `duration_seconds`,
`duration_label`. They take ORM objects or anything with the same attributes.

Sources (seed file line numbers, analyses in ../shared/domain/):
- CES: seed 001 l. 1453 (question), l. 1455 (five options); analysis seed-001a §4.1.
- «CSAT»: seed 001 names no CSAT (analysis seed-001a §4.11, §7 item 1). The closest item is the overall
  satisfaction question «Удовлетворены ли Вы качеством услуг и сервисов, полученных в СЗН?» (l. 1701) on the
  seed's 5-level scale «Нет, разочарован» … «Значительно превзошел ожидания» (l. 1703–1707); the preset uses
  exactly these, as a 1–5 scale with a label on every point.
- CSI pair: two questions per parameter, importance and satisfaction (l. 1493–1496), on a 5-, 7- or 10-point
  scale (l. 1491).
- NPS: the seed's recommend item is 0–10 (l. 1666) but it never names NPS; the preset is labelled an external
  convention (scoring.NPS_NOTE).
- Warnings: «Рекомендуется ограничиться 3–5 короткими пунктами, а поля с открытыми вопросами сделать
  необязательными» (seed 001 l. 1279); mini-questionnaire «не более 3-5 вопросов» (l. 2059); Vladimir region's
  pilot remark «Для некоторых граждан количество вопросов было слишком большим» (seed 003 l. 1104).
- Duration: the seed recommends telling the client how long it takes («опрос займет всего 2 минуты», seed 001
  l. 1215) but gives no timing per question: SECONDS below is cxm's product rule.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from app.extensions import db
from app.models.base import utcnow
from app.models.surveys import SURVEY_CLIENT_TYPES, Answer, Option, Question, Response, Survey
from app.services import audit
from app.services.scoring import NPS_NOTE

TEXT_LIMIT = 2000
LABEL_LIMIT = 100
OPTION_LIMIT = 300
MAX_OPTIONS = 30
MAX_QUESTIONS = 100
OTHER_TEXT = "Другое (впишите)"
OTHER_VALUE = "other"

# ---- presets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A kind of question as the builder offers it; it fills the Question fields."""

    key: str
    label: str
    kind: str  # Question.kind
    note: str = ""  # shown to the author: where the preset comes from
    wording: str = ""  # Question.wording
    scale: tuple[int, int] | None = None
    labels: tuple[tuple[int, str], ...] = ()  # default verbal labels
    ends_editable: bool = False  # the author names the two ends
    text: str = ""  # the standard wording, if any
    options: tuple[tuple[str, str], ...] = ()  # fixed options (value, text)
    own_options: bool = False  # the author lists the options
    source: str = ""  # Question.source


CES_OPTIONS = (
    ("very_easy", "Очень легко"),
    ("easy", "Легко"),
    ("hard_to_say", "Затрудняюсь ответить"),
    ("difficult", "Сложно"),
    ("very_difficult", "Очень сложно"),
)
SATISFACTION_LEVELS = (
    (1, "Нет, разочарован"),
    (2, "Требуется улучшения"),
    (3, "Ожидания совпали"),
    (4, "Превзошел ожидания"),
    (5, "Значительно превзошел ожидания"),
)
CSI_POINTS = (5, 7, 10)

PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "scale10",
            "Шкала 1–10",
            "scale",
            "Как в федеральных анкетах: 10 — полностью согласен, 1 — абсолютно не согласен.",
            scale=(1, 10),
            labels=((1, "абсолютно не согласен"), (10, "полностью согласен")),
            ends_editable=True,
        ),
        Preset(
            "scale0_10",
            "Шкала 0–10",
            "scale",
            "Одиннадцать делений, от 0 до 10.",
            scale=(0, 10),
            labels=((0, "совсем нет"), (10, "в полной мере")),
            ends_editable=True,
        ),
        Preset(
            "scale5",
            "Шкала из 5 баллов",
            "scale",
            "От 1 до 5.",
            scale=(1, 5),
            labels=((1, "очень плохо"), (5, "отлично")),
            ends_editable=True,
        ),
        Preset(
            "scale7",
            "Шкала из 7 баллов",
            "scale",
            "От 1 до 7.",
            scale=(1, 7),
            labels=((1, "очень плохо"), (7, "отлично")),
            ends_editable=True,
        ),
        Preset(
            "ces",
            "CES — усилия клиента",
            "single",
            "Формулировка и пять вариантов ответа — из методики СЗН (Показатель усилий клиента).",
            wording="ces",
            text="Насколько легко Вам было решить проблему благодаря посещению нашей организации?",
            options=CES_OPTIONS,
            source="seed 001 l. 1453–1455 (CES)",
        ),
        Preset(
            "csat",
            "CSAT — удовлетворённость",
            "scale",
            "Вопрос об удовлетворённости и пятиуровневая шкала методики СЗН. Слова «CSAT» в методике нет.",
            wording="csat",
            scale=(1, 5),
            labels=SATISFACTION_LEVELS,
            text="Удовлетворены ли Вы качеством услуг и сервисов, полученных в СЗН?",
            source="seed 001 l. 1701–1707 (удовлетворённость; CSAT в методике не назван)",
        ),
        Preset(
            "csi",
            "CSI — пара «важность + удовлетворённость»",
            "scale",
            "Два связанных вопроса об одном параметре: насколько он важен и насколько клиент им удовлетворён.",
            source="seed 001 l. 1491–1496 (CSI)",
        ),
        Preset(
            "nps",
            "NPS — готовность рекомендовать",
            "scale",
            f"Шкала 0–10. {NPS_NOTE}.",
            wording="nps",
            scale=(0, 10),
            labels=((0, "точно не порекомендую"), (10, "обязательно порекомендую")),
            text="Насколько вероятно, что Вы порекомендуете обратиться в ЦЗН своим знакомым?",
            source=f"{NPS_NOTE}; вопрос 0–10 — seed 001 l. 1666",
        ),
        Preset("yes_no", "Да / Нет", "yes_no", options=(("yes", "Да"), ("no", "Нет"))),
        Preset("single", "Один вариант из списка", "single", own_options=True),
        Preset("multiple", "Несколько вариантов из списка", "multiple", own_options=True),
        Preset("text", "Открытый вопрос (текст)", "text", "Лучше делать необязательным."),
    )
}
EDIT_PRESETS = tuple(key for key in PRESETS if key != "csi")  # a CSI pair is added (and removed) as a pair
_SCALE_PRESETS = {(1, 10): "scale10", (0, 10): "scale0_10", (1, 5): "scale5", (1, 7): "scale7"}


def preset_of(question) -> str:
    """The preset a stored question was made with (read from its wording, kind and scale)."""
    if question.wording in ("csi_importance", "csi_satisfaction"):
        return "csi"
    if question.wording in PRESETS:
        return question.wording
    if question.kind == "scale":
        return _SCALE_PRESETS.get((question.scale_min, question.scale_max), "scale10")
    return question.kind if question.kind in PRESETS else "text"


def default_required(preset: str) -> bool:
    """Closed questions are required by default; open ones are not (seed 001 l. 1279)."""
    return PRESETS[preset].kind != "text"


def csi_texts(parameter: str) -> tuple[str, str]:
    """The importance and the satisfaction question about one CSI parameter."""
    return (
        f"Насколько важен для Вас параметр «{parameter}»?",
        f"Насколько Вы удовлетворены параметром «{parameter}»?",
    )


def csi_labels(points: int) -> tuple[dict, dict]:
    """End labels of the two CSI scales (cxm's wording; the seed gives none)."""
    return (
        {"1": "совсем не важно", str(points): "очень важно"},
        {"1": "совсем не удовлетворён", str(points): "полностью удовлетворён"},
    )


# ---- reading the question form ---------------------------------------------------------------------


@dataclass
class Spec:
    """The fields of one question (or, for a CSI pair, of two) as the author set them, checked."""

    preset: str
    kind: str
    texts: list[str] = field(default_factory=list)  # one, or two for a CSI pair
    help_text: str = ""
    required: bool = False
    scale_min: int | None = None
    scale_max: int | None = None
    labels: list[dict] = field(default_factory=list)  # per text
    wordings: list[str] = field(default_factory=list)  # per text
    options: list[tuple[str, str, bool]] = field(default_factory=list)  # (value or "", text, free_text)
    show_if: dict | None = None
    source: str = ""


def _lines(raw: str | None) -> list[str]:
    return [line.strip() for line in (raw or "").splitlines() if line.strip()]


def spec_from(
    preset: str, data: Mapping, earlier: Mapping[str, Mapping[str, str]], *, pair_member: bool = False
) -> tuple[Spec | None, dict]:
    """Check a question form: (spec, {}) or (None, {field: Russian message}).

    `pair_member`: one question of an existing CSI pair is edited — only its text, help, flag and condition.

    `data` keys: text, help_text, required, low_label, high_label, options (one per line), other, parameter,
    points (CSI), show_if (list of «code:value»). `earlier`: code → {option value: text} of the questions a
    condition may name (those before this one, with options).
    """
    errors: dict[str, str] = {}
    if preset not in PRESETS:
        return None, {"preset": "Выберите тип вопроса из списка."}
    p = PRESETS[preset]
    spec = Spec(
        preset=preset,
        kind=p.kind,
        help_text=(data.get("help_text") or "").strip(),
        required=bool(data.get("required")),
        source=p.source,
    )
    if len(spec.help_text) > 1000:
        errors["help_text"] = "Подсказка длиннее 1000 знаков — сократите её."
    text = (data.get("text") or "").strip()
    if preset == "csi" and not pair_member:
        parameter = (data.get("parameter") or "").strip().strip('«»"')
        try:
            points = int(data.get("points") or 5)
        except (TypeError, ValueError):
            points = 0
        if not parameter:
            errors["parameter"] = "Назовите параметр, например «Качество работы сотрудников»."
        elif len(parameter) > 300:
            errors["parameter"] = "Название параметра длиннее 300 знаков — сократите его."
        if points not in CSI_POINTS:
            errors["points"] = "Выберите шкалу из 5, 7 или 10 баллов."
        else:
            spec.scale_min, spec.scale_max = 1, points
            spec.labels = list(csi_labels(points))
        spec.texts = list(csi_texts(parameter))
        spec.wordings = ["csi_importance", "csi_satisfaction"]
    else:
        if not text:
            errors["text"] = "Напишите текст вопроса."
        elif len(text) > TEXT_LIMIT:
            errors["text"] = f"Текст вопроса длиннее {TEXT_LIMIT} знаков — сократите его."
        spec.texts = [text]
        spec.wordings = [p.wording]
        labels = {str(point): label for point, label in p.labels}
        if pair_member:
            spec.labels = [{}]
            labels = {}
        if p.scale:
            spec.scale_min, spec.scale_max = p.scale
        if p.ends_editable:
            for key, point in (("low_label", p.scale[0]), ("high_label", p.scale[1])):
                value = (data.get(key) or "").strip()
                if len(value) > LABEL_LIMIT:
                    errors[key] = f"Подпись длиннее {LABEL_LIMIT} знаков — сократите её."
                if value:
                    labels[str(point)] = value
                else:
                    labels.pop(str(point), None)
        spec.labels = [labels]
        if p.options:
            spec.options = [(value, label, False) for value, label in p.options]
        elif p.own_options:
            lines = _lines(data.get("options"))
            if len(lines) < 2:
                errors["options"] = "Укажите хотя бы два варианта ответа, каждый с новой строки."
            elif len(lines) > MAX_OPTIONS:
                errors["options"] = f"Не больше {MAX_OPTIONS} вариантов ответа."
            elif any(len(line) > OPTION_LIMIT for line in lines):
                errors["options"] = f"Вариант ответа длиннее {OPTION_LIMIT} знаков — сократите его."
            elif len({line.lower() for line in lines}) < len(lines):
                errors["options"] = "Варианты ответа повторяются."
            spec.options = [("", line, False) for line in lines]
            if data.get("other"):
                spec.options.append((OTHER_VALUE, OTHER_TEXT, True))
    condition, error = condition_from(data.get("show_if") or [], earlier)
    if error:
        errors["show_if"] = error
    spec.show_if = condition
    return (None, errors) if errors else (spec, {})


def condition_from(picked: Iterable[str], earlier: Mapping[str, Mapping[str, str]]) -> tuple[dict | None, str]:
    """«code:value» choices → Question.show_if, or an error: one earlier question, some of its options."""
    pairs = [item.partition(":")[::2] for item in picked if item]
    if not pairs:
        return None, ""
    codes = {code for code, _ in pairs}
    if len(codes) > 1:
        return None, "Условие может ссылаться только на один предыдущий вопрос."
    code = codes.pop()
    if code not in earlier or any(value not in earlier[code] for _, value in pairs):
        return None, "Выберите ответы на один из предыдущих вопросов."
    values = [value for value in earlier[code] if value in {v for _, v in pairs}]  # in the options' order
    return {"question": code, "values": values}, ""


def earlier_choices(questions: Sequence, before_position: int | None = None) -> dict[str, dict[str, str]]:
    """code → {value: text} of the questions with options standing before a position (all, if None)."""
    return {
        q.code: {o.value: o.text for o in q.options}
        for q in questions
        if q.options and (before_position is None or q.position < before_position)
    }


# ---- checks, warnings, duration --------------------------------------------------------------------


@dataclass(frozen=True)
class Advice:
    """A warning (not an error): the survey may still be published."""

    text: str
    source: str  # the seed lines the rule comes from, or «правило cxm»


LONG_SURVEY = 5
LONG_WARNING = "Анкета длиннее 5 вопросов: клиенты чаще бросают длинные анкеты"
LONG_SOURCE = (
    "Методика СЗН: «Рекомендуется ограничиться 3–5 короткими пунктами…» (seed 001, строка 1279), "
    "мини-опросник «не более 3-5 вопросов» (seed 001, строка 2059); замечание по итогам пилота: «Для некоторых "
    "граждан количество вопросов было слишком большим» (seed 003, строка 1104)."
)
OPEN_WARNING = "Обязательный открытый вопрос снижает число ответов"
OPEN_SOURCE = (
    "Методика СЗН: «гражданин не станет отвечать на 20 вопросов и писать в многочисленных обязательных открытых "
    "полях… поля с открытыми вопросами сделать необязательными» (seed 001, строка 1279)."
)


def warnings(questions: Sequence) -> list[Advice]:
    """Advice shown on the survey page and before publishing; none of it blocks publishing."""
    found = []
    if len(questions) > LONG_SURVEY:
        found.append(Advice(f"{LONG_WARNING} (сейчас {len(questions)}).", LONG_SOURCE))
    for q in questions:
        if q.kind == "text" and q.required:
            found.append(Advice(f"{OPEN_WARNING}: вопрос {q.number or q.position}.", OPEN_SOURCE))
    return found


def problems(questions: Sequence) -> list[str]:
    """What must be fixed before publishing (Russian); an empty list means the survey may be published."""
    if not questions:
        return ["В анкете нет ни одного вопроса."]
    found = []
    position = {q.code: q.position for q in questions}
    options = {q.code: {o.value for o in q.options} for q in questions}
    for q in questions:
        number = q.number or q.position
        if q.kind == "scale" and (q.scale_min is None or q.scale_max is None or q.scale_min >= q.scale_max):
            found.append(f"Вопрос {number}: у шкалы неверные границы.")
        if q.kind in ("single", "multiple", "yes_no") and len(q.options) < 2:
            found.append(f"Вопрос {number}: нужно хотя бы два варианта ответа.")
        cond = q.show_if
        if cond:
            target = cond.get("question")
            if target not in position:
                found.append(f"Вопрос {number}: условие ссылается на удалённый вопрос.")
            elif position[target] >= q.position:
                found.append(f"Вопрос {number}: условие ссылается на вопрос, который идёт позже. Измените порядок.")
            elif not cond.get("values") or not set(cond["values"]) <= options[target]:
                found.append(f"Вопрос {number}: в условии выбран ответ, которого больше нет.")
    return found


# Seconds a client needs per question, by kind (cxm's product rule: reading a short question and answering;
# the seed gives no timing). The intro is read once.
SECONDS = {"scale": 8, "yes_no": 5, "single": 10, "multiple": 15, "text": 45}
INTRO_SECONDS = 10


def duration_seconds(questions: Sequence) -> int:
    """Estimated seconds to answer every question (conditional ones included: the longest path)."""
    return INTRO_SECONDS + sum(SECONDS.get(q.kind, 10) for q in questions) if questions else 0


def duration_label(seconds: int) -> str:
    """«≈ 2 мин», rounded up to whole minutes; «—» for an empty survey."""
    if not seconds:
        return "—"
    return f"≈ {max(1, math.ceil(seconds / 60))} мин"


# ---- database: reading -----------------------------------------------------------------------------


class BuilderError(ValueError):
    """A change the rules refuse; the message is Russian and meant for the user."""


def local(stmt):
    """Only local surveys (a centre's or a region's), never the federal questionnaires."""
    return stmt.where(Survey.methodology_id.is_(None), Survey.region_id.is_not(None))


def _variants(word: str) -> set[str]:
    """Spellings to match without case folding in SQL (SQLite's lower() ignores Cyrillic)."""
    forms = {word, word.lower(), word.capitalize(), word.upper()}
    return forms | {f.replace("е", "ё").replace("Е", "Ё") for f in forms} | {f.replace("ё", "е") for f in forms}


def search(stmt, q: str | None):
    """Surveys whose title contains every word of `q` (lower case, capitalised or upper case; е/ё alike)."""
    for word in (q or "").split()[:10]:
        stmt = stmt.where(or_(*(Survey.title.contains(v, autoescape=True) for v in sorted(_variants(word)))))
    return stmt


def question_counts(survey_ids: Iterable[int]) -> dict[int, int]:
    ids = list(survey_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Question.survey_id, func.count()).where(Question.survey_id.in_(ids)).group_by(Question.survey_id)
    )
    return dict(rows.all())


def has_answers(survey: Survey) -> bool:
    return db.session.scalar(select(Response.id).where(Response.survey_id == survey.id).limit(1)) is not None


def answer_count(survey: Survey) -> int:
    return db.session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == survey.id))


def latest_period(survey: Survey) -> str | None:
    """The latest quarter with an accepted answer: where the survey's results open."""
    return db.session.scalar(
        select(func.max(Response.period)).where(Response.survey_id == survey.id, Response.status == "accepted")
    )


def _answered_options(option_ids: Iterable[int]) -> set[int]:
    ids = [i for i in option_ids if i]
    if not ids:
        return set()
    return set(db.session.scalars(select(Answer.option_id).where(Answer.option_id.in_(ids)).distinct()))


def edit_refusal(survey: Survey) -> str | None:
    """Why the survey cannot be changed at all here, or None."""
    if survey.locked:
        return "Анкету методики нельзя изменять: она закреплена версией методики."
    if survey.status == "archived":
        return "Анкета в архиве: изменить её нельзя. Сделайте копию и измените копию."
    return None


ANSWERED = "В анкету уже поступили ответы: удалять вопросы и менять их тип нельзя. Сделайте копию анкеты и измените её."


# ---- database: changing a survey -------------------------------------------------------------------

SURVEY_FIELDS = ("title", "client_type", "intro", "outro", "region_id", "centre_id")


def save_survey(survey: Survey | None, values: dict, actor) -> Survey:
    """Create a draft or change a survey's settings; audited. The caller commits."""
    if values.get("client_type") not in SURVEY_CLIENT_TYPES:
        raise BuilderError("Выберите, кого опрашиваем.")
    if survey is None:
        survey = Survey(status="draft", created_by_id=getattr(actor, "id", None), **values)
        db.session.add(survey)
        db.session.flush()
        audit.record("survey.create", survey, after=audit.snapshot(survey, SURVEY_FIELDS), actor=actor,
                     label=survey.title)  # fmt: skip
        return survey
    _check_editable(survey)
    if has_answers(survey) and any(values[k] != getattr(survey, k) for k in ("client_type", "region_id", "centre_id")):
        raise BuilderError("В анкету уже поступили ответы: кого опрашиваем и чья анкета, изменить нельзя.")
    before = audit.snapshot(survey, SURVEY_FIELDS)
    for key, value in values.items():
        setattr(survey, key, value)
    db.session.flush()
    old, new = audit.changed(before, audit.snapshot(survey, SURVEY_FIELDS))
    if new:
        audit.record("survey.update", survey, before=old, after=new, actor=actor, label=survey.title)
    return survey


def _check_editable(survey: Survey) -> None:
    if refusal := edit_refusal(survey):
        raise BuilderError(refusal)


def _next_code(survey: Survey) -> str:
    numbers = [int(m.group(1)) for q in survey.questions if (m := re.fullmatch(r"q(\d+)", q.code))]
    return f"q{max(numbers, default=0) + 1}"


def _renumber(survey: Survey) -> None:
    for position, q in enumerate(sorted(survey.questions, key=lambda q: q.position), 1):
        q.position, q.number = position, str(position)


def _guard_published(survey: Survey) -> None:
    """A published survey stays answerable: a change that breaks it is refused. Marks the survey changed."""
    survey.updated_at = utcnow()
    db.session.flush()
    db.session.expire(survey, ["questions"])
    if survey.status == "published" and (found := problems(survey.questions)):
        raise BuilderError(found[0])


def _question_record(q: Question) -> dict:
    return {
        "number": q.number,
        "text": q.text,
        "kind": q.kind,
        "required": q.required,
        "show_if": q.show_if,
        "options": [o.text for o in q.options],
    }


def add_question(survey: Survey, spec: Spec, actor) -> list[Question]:
    """Append a question (two for a CSI pair); audited. The caller commits."""
    _check_editable(survey)
    if len(survey.questions) + len(spec.texts) > MAX_QUESTIONS:
        raise BuilderError(f"В анкете может быть не больше {MAX_QUESTIONS} вопросов.")
    made = []
    pair = ""
    if spec.preset == "csi":
        pair = _next_code(survey).replace("q", "csi", 1)
    for text, labels, wording in zip(spec.texts, spec.labels, spec.wordings, strict=True):
        position = len(survey.questions) + 1
        question = Question(
            position=position,
            number=str(position),
            code=_next_code(survey),
            text=text,
            kind=spec.kind,
            required=spec.required,
            help_text=spec.help_text,
            scale_min=spec.scale_min,
            scale_max=spec.scale_max,
            scale_labels=dict(labels),
            show_if=spec.show_if,
            wording=wording,
            pair=pair,
            source=spec.source,
        )
        _set_options(question, spec.options)
        survey.questions.append(question)
        made.append(question)
    survey.updated_at = utcnow()
    db.session.flush()
    for question in made:
        audit.record("survey.question_add", survey, after=_question_record(question), actor=actor, label=survey.title)
    return made


def _set_options(question: Question, wanted: list[tuple[str, str, bool]]) -> None:
    """Bring the options in line with `wanted` (value or "", text, free_text), keeping values by position."""
    plain = [o for o in question.options if not o.free_text]
    other = [o for o in question.options if o.free_text]
    wanted_plain = [w for w in wanted if not w[2]]
    wanted_other = [w for w in wanted if w[2]]
    used = {o.value for o in question.options}
    kept = []
    for index, (value, text, _) in enumerate(wanted_plain):
        if index < len(plain):
            option = plain[index]
            option.text = text
            if value and value != option.value and value not in used:
                option.value = value
        else:
            number = len(kept) + 1
            while not value or value in used:
                value, number = f"o{number}", number + 1
            option = Option(value=value, text=text)
            question.options.append(option)
        used.add(option.value)
        kept.append(option)
    if wanted_other:
        option = other[0] if other else Option(value=OTHER_VALUE if OTHER_VALUE not in used else "other_free",
                                                text=OTHER_TEXT, free_text=True)  # fmt: skip
        if not other:
            question.options.append(option)
        kept.append(option)
    for option in list(question.options):
        if option not in kept:
            question.options.remove(option)
    for position, option in enumerate(kept, 1):
        option.position = position


def update_question(question: Question, spec: Spec, actor) -> Question:
    """Change one question; a different kind (preset) rebuilds its scale and options. Audited; caller commits."""
    survey = question.survey
    _check_editable(survey)
    answered = has_answers(survey)
    before = _question_record(question)
    if spec.preset != preset_of(question):
        if answered:
            raise BuilderError(ANSWERED)
        if spec.preset == "csi" or question.pair:
            raise BuilderError("Пару CSI нельзя превратить в другой вопрос: удалите пару и добавьте новый вопрос.")
        question.options.clear()
        db.session.flush()
    if answered and spec.kind == question.kind and question.options:
        plain = [o for o in question.options if not o.free_text]
        dropped = [o.id for o in plain[len([w for w in spec.options if not w[2]]) :]]
        if not any(w[2] for w in spec.options):
            dropped += [o.id for o in question.options if o.free_text]
        if _answered_options(dropped):
            raise BuilderError("На удаляемые варианты уже есть ответы: удалить их нельзя. Сделайте копию анкеты.")
        wanted = [w for w in spec.options if not w[2]]
        if any(option.text != w[1] for option, w in zip(plain, wanted, strict=False)):
            raise BuilderError(
                "На анкету уже есть ответы: текст прежних вариантов менять нельзя — изменится смысл данных ответов. "
                "Добавьте новый вариант или сделайте копию анкеты."
            )
    question.text = spec.texts[0]
    question.help_text = spec.help_text
    question.required = spec.required
    if not question.pair:  # a CSI question keeps its scale, labels and wording
        question.kind = spec.kind
        question.scale_min, question.scale_max = spec.scale_min, spec.scale_max
        question.scale_labels = dict(spec.labels[0])
        question.wording = spec.wordings[0]
        question.source = spec.source
        _set_options(question, spec.options)
    question.show_if = spec.show_if
    _guard_published(survey)
    old, new = audit.changed(before, _question_record(question))
    if new:
        audit.record("survey.question_update", survey, before=old, after=new, actor=actor, label=survey.title)
    return question


def move_question(question: Question, direction: str, actor) -> bool:
    """Swap a question with its neighbour (direction «up» or «down»); False when it is already at that end."""
    survey = question.survey
    _check_editable(survey)
    ordered = sorted(survey.questions, key=lambda q: q.position)
    index = ordered.index(question)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, q in enumerate(ordered, 1):
        q.position, q.number = position, str(position)
    _guard_published(survey)
    audit.record(
        "survey.question_move",
        survey,
        before={"number": str(index + 1)},
        after={"number": question.number, "text": question.text},
        actor=actor,
        label=survey.title,
    )
    return True


def removal_set(question: Question) -> list[Question]:
    """The question and, for a CSI question, its partner: a pair is removed whole."""
    if not question.pair:
        return [question]
    return [q for q in question.survey.questions if q.pair == question.pair]


def delete_question(question: Question, actor) -> int:
    """Delete a question (with its CSI partner); refused when the survey has answers or a condition uses it."""
    survey = question.survey
    _check_editable(survey)
    if has_answers(survey):
        raise BuilderError(ANSWERED)
    doomed = removal_set(question)
    codes = {q.code for q in doomed}
    for q in survey.questions:
        if q not in doomed and q.show_if and q.show_if.get("question") in codes:
            raise BuilderError(
                f"От ответа на этот вопрос зависит показ вопроса {q.number}: сначала измените его условие."
            )
    for q in doomed:
        audit.record("survey.question_remove", survey, before=_question_record(q), actor=actor, label=survey.title)
        survey.questions.remove(q)
    db.session.flush()
    _renumber(survey)
    _guard_published(survey)
    return len(doomed)


# ---- database: the life of a survey ----------------------------------------------------------------


def publish(survey: Survey, actor) -> None:
    """Draft → published: needs at least one question and valid conditions (warnings do not block)."""
    _check_editable(survey)
    if survey.status != "draft":
        raise BuilderError("Опубликовать можно только черновик.")
    if found := problems(survey.questions):
        raise BuilderError(" ".join(found))
    survey.status = "published"
    audit.record("survey.publish", survey, before={"status": "draft"}, after={"status": "published"}, actor=actor,
                 label=survey.title)  # fmt: skip


def archive(survey: Survey, actor) -> None:
    """Draft or published → archived: its links stop accepting answers; the answers stay."""
    _check_editable(survey)
    before = survey.status
    survey.status = "archived"
    audit.record("survey.archive", survey, before={"status": before}, after={"status": "archived"}, actor=actor,
                 label=survey.title)  # fmt: skip


def copy(survey: Survey, actor) -> Survey:
    """A draft copy in the same scope with every question and option (codes kept, so conditions still hold)."""
    if survey.locked:
        raise BuilderError(edit_refusal(survey))
    twin = Survey(
        title=f"Копия — {survey.title}"[:500],
        client_type=survey.client_type,
        intro=survey.intro,
        outro=survey.outro,
        region_id=survey.region_id,
        centre_id=survey.centre_id,
        status="draft",
        source=survey.source,
        created_by_id=getattr(actor, "id", None),
    )
    for q in survey.questions:
        twin.questions.append(
            Question(
                **{
                    name: getattr(q, name)
                    for name in (
                        "position",
                        "code",
                        "number",
                        "text",
                        "kind",
                        "required",
                        "help_text",
                        "scale_min",
                        "scale_max",
                        "scale_labels",
                        "show_if",
                        "in_office_only",
                        "indicator_code",
                        "wording",
                        "pair",
                        "section",
                        "source",
                    )
                },  # fmt: skip
                options=[
                    Option(position=o.position, value=o.value, text=o.text, points=o.points, free_text=o.free_text)
                    for o in q.options
                ],
            )
        )
    db.session.add(twin)
    db.session.flush()
    audit.record("survey.copy", twin, after={"from": survey.id, "title": twin.title}, actor=actor, label=twin.title)
    return twin
