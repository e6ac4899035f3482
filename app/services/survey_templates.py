"""Seeded questionnaires, word for word, as pure data (no Flask, no database).

Four surveys (a loader turns them into rows):

* ``fcc-jobseeker`` / ``fcc-employer`` — the federal forms of seed 003, Приложение 6 (l. 1886–2054) and
  Приложение 7 (l. 2056–2212), in their POST-PILOT form (seed 003 §2.6 item 11, l. 113–125; remarks table
  l. 1088–1181, analysis Appendix C);
* ``udm-2021`` — Udmurtia's paper questionnaire, seed 002 l. 2103–2286 (analysis seed-002-004 §A.2.5);
* ``nn-exit`` — Nizhny Novgorod's exit survey, seed 000 l. 7169–7201 (analysis seed-000 §2.13, §4.2).

Post-pilot changes applied to the federal forms, each with its remark (numbers of the remarks table):

* remark 5 (l. 1094): verbal labels «очень слабо» … «великолепно» on every 1–10 scale;
* §2.3 / §7 item 8: printed forms say «0 – абсолютно не согласен» (l. 1896, 2066) with buttons 1…10 — the 0 is a
  typo, scales run 1–10; the intro is therefore the electronic form's text with the 1-anchor (l. 343, l. 368);
* remarks 8, 21 and change 11 (l. 1101, 1120): «Уникальный номер соискателя» removed (it is not a question here);
* remarks 40, 45 (l. 1151, 1160): Q12 and Q13 are Да/Нет, the 1–10 rating is a follow-up shown only after «Да»;
* remark 52 (l. 1171, rejected): Q14 stays single choice;
* remark 29 (l. 1132): the closing comment is optional;
* remark 12 (l. 1106): the form must not be accepted without step 2 item 3 → the profile block is required;
* remark 15 (l. 1111): remote clients may skip in-office questions. Chosen as in-office only: Q2 (comfort),
  Q3 (getting to the centre), Q7 (appearance of staff) — the three the remark names — and Q15 «в офисе ЦЗН»
  (information in the office). Q6, Q10, Q11 also describe staff met by phone or online, so they stay for everyone;
* remark 17 (l. 1115): explanations for Q5, Q6 and Q13; the seed gives no wording, so the help texts are cxm's
  («пояснение cxm (замечание N)» in ``source``). Q3, Q8 and Q14 get help texts built on ФЦК's own comments to
  remarks 37, 38/39 and 52; Q13's also uses the comment to remark 41 and the channels of App 8 §5 (l. 2314–2320);
* remark 18 (l. 1116, accepted): «уточнять, что именно не устраивает … в функционале предварительной записи» —
  added as the optional open follow-up ``q13_issue`` (after «Да» to Q13); its wording is cxm's.

Other choices where the seed is silent or inconsistent:

* Q15 is split into four 1–10 questions «15а»–«15г», one per channel, none required; the instruction
  «Если Вы не использовали …» (l. 2002, 2174) is their help text.
* Indicator codes follow seed 003 §2.2's catalogue (17 codes). Q15's four channels all carry «3.1»: the post-pilot
  split of 3.1 into four indicators (l. 119) has no published codes.
* Unmatched closing quotes of the printed forms are dropped: Q4 «…консультант (куратор)?»» (l. 1915, 2085) and
  Q15 «через контакт-центр»» (l. 2007, 2172). App 7 spells «контактцентр» without a hyphen; kept as printed.
* The employer intro is the electronic form's text (l. 368) with the OCR misreading «ЦЭН» corrected to «ЦЗН»
  (seed 003 analysis §7 item 22).
* «Электронная почта (необязательное поле)» (l. 337) and «Ваш ЦЗН» (l. 341) are response fields (the link binds
  the centre), not questions. The step-2 leads «Пожалуйста, расскажите нам немного о себе на следующих страницах»
  (l. 2017, 2181) and «Пожалуйста, уделите нам еще полминуты / минуту, чтобы мы лучше Вас понимали» (l. 2023,
  2185) have no field in this shape and are not carried.
* App 6 prints Q14's bracket in italics «*(офис ЦЗН, …)*» (l. 1990); the markup is dropped, the words kept.
* Required: Q1–Q14 and the two follow-up ratings (when shown); not required: Q15, the comment and ``q13_issue``.
  Remark 10's reply (l. 1104, «необязательность заполнения полей») is read as exactly these optional items plus
  the in-office ones for remote clients.
* Employer Q3 of step 2 is multiple choice (results sum to 107.3 %, seed 003 §2.3); «Ничего из перечисленного»
  cannot be made exclusive in this shape.
"""

from typing import NamedTuple


class OptionT(NamedTuple):
    value: str
    text: str
    points: float | None = None
    free_text: bool = False


class ShowIf(NamedTuple):
    question: str
    values: tuple[str, ...]


class QuestionT(NamedTuple):
    code: str
    number: str
    text: str
    kind: str  # scale | yes_no | single | multiple | text
    required: bool = False
    help_text: str = ""
    options: tuple[OptionT, ...] = ()
    scale_min: int | None = None
    scale_max: int | None = None
    scale_labels: tuple[tuple[int, str], ...] = ()
    show_if: ShowIf | None = None
    in_office_only: bool = False
    indicator: str = ""
    section: str = ""
    source: str = ""


class SurveyT(NamedTuple):
    code: str
    title: str
    client_type: str  # jobseeker | employer | any
    intro: str
    outro: str
    methodology: str
    source: str
    questions: tuple[QuestionT, ...]


KINDS = ("scale", "yes_no", "single", "multiple", "text")

# Seed 003 §2.2 (l. 271–287): the 17 catalogue codes.
INDICATOR_CODES = (
    "1.1", "1.2", "1.3",
    "2.1", "2.2", "2.3",
    "3.1", "3.2", "3.3", "3.4", "3.5",
    "4.1", "4.2",
    "5.1", "5.2", "5.3", "5.4",
)  # fmt: skip
# 3.1 split by channel after the pilot (seed 003 l. 119): office, site, social networks, contact centre
SPLIT_CODES = ("3.1.1", "3.1.2", "3.1.3", "3.1.4")

# Remark 5 (seed 003 l. 1094–1096), accepted: verbal labels of the ten points.
SCALE_LABELS_REMARK_5 = (
    (1, "очень слабо"),
    (2, "слабо"),
    (3, "посредственно"),
    (4, "удовлетворительно"),
    (5, "недостаточно хорошо"),
    (6, "хорошо"),
    (7, "очень хорошо"),
    (8, "отлично"),
    (9, "прекрасно"),
    (10, "великолепно"),
)

YES_NO = (OptionT("yes", "Да"), OptionT("no", "Нет"))

# ---------------------------------------------------------------------------------------------------------------
# Federal forms (seed 003, Приложения 6 и 7), post-pilot
# ---------------------------------------------------------------------------------------------------------------

_AGREE = "В какой мере Вы согласны со следующим утверждением:\n"
_IF_YES = "Если «да», то в какой мере Вы согласны со следующим утверждением:\n"
_STEP_1 = "Шаг 1. Опрос"  # l. 349
_Q15_STATEMENT = (
    "«Информация о ЦЗН, его услугах и сервисах сформулирована и представлена в понятной и доступной для меня форме»"
)
_Q15_HELP = (
    "Если Вы не использовали определенные каналы взаимодействия, просто оставьте соответствующую шкалу незаполненной"
)
_COMMENT = "Если мы что-то упустили или у Вас есть пожелания и предложения, пожалуйста, напишите их ниже:"
_OUTRO = (
    "Благодарим Вас за уделенное время!\n"
    "Ваши ответы помогут нам выбрать правильное направление в работе над улучшением качества предоставления "
    "услуг и сервисов."
)
_INTRO_TEMPLATE = (
    "Уважаемый клиент, пожалуйста, прочтите это перед прохождением опроса! Мы стараемся стать лучше для Вас: "
    "оптимизировать наши {services}, делать комфортным Ваше пребывание в ЦЗН, изучать и совершенствовать каналы "
    "взаимодействия с Вами. Пожалуйста, уделите нам не более 10 минут, чтобы пройти опрос по итогам Вашего посещения "
    "ЦЗН. Большинство вопросов подразумевают оценку согласия с утверждением, где 10 – полностью согласен, "
    "1 – абсолютно не согласен. Для изучения Вашего впечатления от взаимодействия с ЦЗН мы подготовили 15 вопросов, "
    "а в конце анкеты мы попросим Вас немного рассказать о себе – так мы сможем Вас лучше узнать и ориентироваться "
    "в своей работе на Ваши потребности и пожелания."
)

# Help texts. Where the seed only asks for an explanation, the wording is cxm's and says so in `source`.
_HELP_Q3 = (
    "Оцените, насколько легко было добраться до ЦЗН общественным или личным транспортом, "
    "а не то, насколько далеко он находится."
)
_HELP_Q5 = {
    "jobseeker": (
        "Например, учли ли сотрудники состояние Вашего здоровья, семейные обстоятельства (маленькие дети, "
        "уход за родственниками), удобное для Вас время посещения."
    ),
    "employer": (
        "Например, учли ли сотрудники график работы Вашей организации, сроки и требования к подбору персонала, "
        "особенности её деятельности."
    ),
}
_HELP_Q6 = (
    "Например, не приходилось ли Вам повторять одно и то же разным сотрудникам, не направляли ли Вас "
    "от одного специалиста к другому без необходимости, не давали ли сотрудники разные ответы на один вопрос."
)
_HELP_Q8 = {
    "jobseeker": (
        "Оцените, сколько усилий Вам потребовалось, чтобы пройти все процедуры непосредственно в центре "
        "занятости, а не на портале «Работа в России»."
    ),
    "employer": (
        "Оцените, сколько усилий Вам, как представителю организации, потребовалось, чтобы пройти все процедуры "
        "непосредственно в центре занятости, а не на портале «Работа в России»."
    ),
}
_HELP_Q13 = (
    "Предварительная запись — это запись на приём в ЦЗН на удобные Вам дату и время через региональный сайт, "
    "контакт-центр, офис ЦЗН или социальные сети. Речь идёт о записи через каналы ЦЗН, а не о сервисах портала "
    "«Работа в России»."
)
_HELP_Q14 = "Выберите один, самый удобный для Вас канал."
_Q13_ISSUE = "Что именно Вас не устраивает в функционале предварительной записи?"


class _Form(NamedTuple):
    """What differs between Приложение 6 (job seekers) and Приложение 7 (employers)."""

    client_type: str
    app: str  # "App 6" | "App 7"
    lines: dict[str, str]  # question code -> seed 003 line(s)
    q1: str
    q5: str
    q8: str
    q9: str
    q14: str
    q14_options: tuple[OptionT, ...]
    contact_centre: str  # Q15 channel label as printed


def _src(form: _Form, code: str, note: str = "") -> str:
    base = f"seed 003 {form.app} l. {form.lines[code]}"
    return f"{base}; {note}" if note else base


def _scale(form: _Form, code: str, number: str, text: str, indicator: str, **extra) -> QuestionT:
    """A 1–10 agreement question of step 1 (remark 5 labels)."""
    extra.setdefault("required", True)
    if "source" not in extra:
        extra["source"] = _src(form, code)
    return QuestionT(
        code,
        number,
        text,
        "scale",
        scale_min=1,
        scale_max=10,
        scale_labels=SCALE_LABELS_REMARK_5,
        indicator=indicator,
        section=_STEP_1,
        **extra,
    )


def _step_1(form: _Form) -> tuple[QuestionT, ...]:
    """Q1–Q15 and the comment of step 1, post-pilot."""
    f = form
    q15_channels = (
        ("q15_office", "15а", "в офисе ЦЗН", True),
        ("q15_site", "15б", "на сайте СЗН", False),
        ("q15_social", "15в", "в социальных сетях", False),
        ("q15_contact", "15г", f.contact_centre, False),
    )
    return (
        _scale(f, "q1", "1", _AGREE + f.q1, "2.1"),
        _scale(
            f,
            "q2",
            "2",
            _AGREE + "«Мое пребывание в ЦЗН было комфортным»",
            "5.4",
            in_office_only=True,
            source=_src(f, "q2", "только в офисе: замечание 15"),
        ),
        _scale(
            f,
            "q3",
            "3",
            _AGREE + "«Мне было легко добраться до ЦЗН»",
            "5.3",
            in_office_only=True,
            help_text=_HELP_Q3,
            source=_src(f, "q3", "только в офисе: замечание 15; пояснение cxm по комментарию ФЦК (замечание 37)"),
        ),
        QuestionT(
            "q4",
            "4",
            "Есть ли у Вас личный, закреплённый за Вами консультант (куратор)?",
            "single",
            required=True,
            options=(OptionT("yes", "Да"), OptionT("dont_know", "Не знаю"), OptionT("no", "Нет")),
            indicator="4.1",
            section=_STEP_1,
            source=_src(f, "q4", "непарная «»» в конце вопроса опущена"),
        ),
        _scale(
            f,
            "q5",
            "5",
            _AGREE + f.q5,
            "4.2",
            help_text=_HELP_Q5[f.client_type],
            source=_src(f, "q5", "пояснение cxm (замечание 17)"),
        ),
        _scale(
            f,
            "q6",
            "6",
            _AGREE + "«Действия сотрудников ЦЗН между собой были согласованы и слажены»",
            "5.2",
            help_text=_HELP_Q6,
            source=_src(f, "q6", "пояснение cxm (замечание 17)"),
        ),
        _scale(
            f,
            "q7",
            "7",
            _AGREE + "«Внешний вид сотрудников ЦЗН соответствует деловому стилю»",
            "5.1",
            in_office_only=True,
            source=_src(f, "q7", "только в офисе: замечание 15"),
        ),
        _scale(
            f,
            "q8",
            "8",
            _AGREE + f.q8,
            "3.4",
            help_text=_HELP_Q8[f.client_type],
            source=_src(f, "q8", "пояснение cxm по комментарию ФЦК (замечания 38, 39)"),
        ),
        _scale(f, "q9", "9", _AGREE + f.q9, "3.3"),
        _scale(
            f,
            "q10",
            "10",
            _AGREE + "«Сотрудники ЦЗН обладают высоким уровнем профессиональных знаний для оказания услуг и сервисов "
            "в сфере занятости»",
            "1.1",
        ),
        _scale(
            f,
            "q11",
            "11",
            _AGREE + "«Сотрудники ЦЗН обладают хорошими коммуникативными навыками (проявление чуткости, "
            "внимательности и т.д.)»",
            "1.2",
        ),
        QuestionT(
            "q12",
            "12",
            "Приходилось ли Вам обращаться к руководству ЦЗН?",
            "yes_no",
            required=True,
            options=YES_NO,
            indicator="1.3",
            section=_STEP_1,
            source=_src(f, "q12", "Да/Нет: замечания 40, 45"),
        ),
        _scale(
            f,
            "q12_rating",
            "",
            _IF_YES + "«Руководство ЦЗН готово идти навстречу для решения моего вопроса»",
            "1.3",
            show_if=ShowIf("q12", ("yes",)),
            source=_src(f, "q12_rating", "оценка только после «Да»: замечания 40, 45"),
        ),
        QuestionT(
            "q13",
            "13",
            "Пользовались ли Вы функцией предварительной записи?",
            "yes_no",
            required=True,
            options=YES_NO,
            help_text=_HELP_Q13,
            indicator="3.5",
            section=_STEP_1,
            source=_src(
                f,
                "q13",
                "Да/Нет: замечания 40, 45; пояснение cxm (замечание 17) по комментарию ФЦК (замечание 41) "
                "и каналам App 8 §5 (l. 2314–2320)",
            ),
        ),
        _scale(
            f,
            "q13_rating",
            "",
            _IF_YES + "«Функционал предварительной записи в ЦЗН удобен и прост для меня»",
            "3.5",
            show_if=ShowIf("q13", ("yes",)),
            source=_src(f, "q13_rating", "оценка только после «Да»: замечания 40, 45"),
        ),
        QuestionT(
            "q13_issue",
            "",
            _Q13_ISSUE,
            "text",
            show_if=ShowIf("q13", ("yes",)),
            indicator="3.5",
            section=_STEP_1,
            source="формулировка cxm (замечание 18, seed 003 l. 1116, «Принято»)",
        ),
        QuestionT(
            "q14",
            "14",
            f.q14,
            "single",
            required=True,
            help_text=_HELP_Q14,
            options=f.q14_options,
            indicator="3.2",
            section=_STEP_1,
            source=_src(f, "q14", "один вариант: замечание 52; пояснение cxm по комментарию ФЦК (замечание 52)"),
        ),
        *(
            _scale(
                f,
                code,
                number,
                f"{_AGREE}{_Q15_STATEMENT}\n{channel}",
                f"3.1.{n}",  # «После пилота» splits 3.1 by channel (seed 003 l. 119)
                required=False,
                help_text=_Q15_HELP,
                in_office_only=office,
                source=_src(
                    f,
                    "q15",
                    "шкала по каналу; пусто = канал не использовался"
                    + ("; только в офисе: замечание 15" if office else ""),
                ),
            )
            for n, (code, number, channel, office) in enumerate(q15_channels, 1)
        ),
        QuestionT(
            "comment",
            "",
            _COMMENT,
            "text",
            section=_STEP_1,
            source=_src(f, "comment", "необязательный: замечание 29 (l. 1132)"),
        ),
    )


_JOBSEEKER_FORM = _Form(
    client_type="jobseeker",
    app="App 6",
    lines={
        "q1": "1900–1901",
        "q2": "1905–1906",
        "q3": "1910–1911",
        "q4": "1915–1917",
        "q5": "1919–1920",
        "q6": "1926–1928",
        "q7": "1932–1934",
        "q8": "1938–1940",
        "q9": "1944–1946",
        "q10": "1950–1952",
        "q11": "1956–1958",
        "q12": "1964, 1973–1975",
        "q12_rating": "1966–1971",
        "q13": "1977, 1986–1988",
        "q13_rating": "1979–1984",
        "q14": "1990–1996",
        "q15": "1998–2013",
        "comment": "2015",
    },
    q1="«Я считаю свое обращение в ЦЗН полезным»",
    q5="«Мои личные обстоятельства были учтены сотрудниками ЦЗН при оказании услуг»",
    q8="«Мне было просто пройти все процедуры в ЦЗН (например, заполнить документы и пр.)»",
    q9="«В ЦЗН быстро и оперативно реагируют на мои обращения»",
    q14=(
        "Какой канал взаимодействия является для Вас наиболее удобным? "
        "(офис ЦЗН, контакт-центр, социальные сети ЦЗН, сайт СЗН и т.д.)"
    ),
    q14_options=(
        OptionT("office", "Очное посещение ЦЗН"),
        OptionT("site", "Сайт СЗН"),
        OptionT("social", "Социальные сети ЦЗН"),
        OptionT("contact_centre", "Контакт-центр ЦЗН"),
        OptionT("other", "Другое (вписать в строку)", free_text=True),
    ),
    contact_centre="через контакт-центр",
)

_EMPLOYER_FORM = _Form(
    client_type="employer",
    app="App 7",
    lines={
        "q1": "2070–2071",
        "q2": "2075–2076",
        "q3": "2080–2081",
        "q4": "2085–2087",
        "q5": "2089–2090",
        "q6": "2096–2098",
        "q7": "2102–2104",
        "q8": "2108–2110",
        "q9": "2114–2116",
        "q10": "2120–2122",
        "q11": "2126–2128",
        "q12": "2134, 2143",
        "q12_rating": "2136–2141",
        "q13": "2145, 2154",
        "q13_rating": "2147–2152",
        "q14": "2156–2163",
        "q15": "2165–2177",
        "comment": "2179",
    },
    q1="«Обращение в ЦЗН было полезным для моей организации / организации, в которой я работаю»",
    q5="«Обстоятельства, важные для моей организации, были учтены сотрудниками ЦЗН при оказании услуг»",
    q8=(
        "«Мне, как представителю организации, было просто пройти все процедуры в ЦЗН "
        "(например, заполнить документы и т.д.)»"
    ),
    q9="«В ЦЗН быстро и оперативно реагируют на обращения организации, в которой я работаю»",
    q14=(
        "Какой канал взаимодействия является для Вас наиболее удобным?\n"
        "офис ЦЗН, контактцентр, социальные сети ЦЗН, сайт СЗН и т.д.?"
    ),
    q14_options=(
        OptionT("office", "Очное посещение ЦЗН"),
        OptionT("site", "Сайт СЗН"),
        OptionT("social", "Социальные сети ЦЗН"),
        OptionT("contact_centre", "Контактцентр ЦЗН"),
        OptionT("other", "Другое (впишите)", free_text=True),
    ),
    contact_centre="через контактцентр",
)

_STEP_2_JOBSEEKER = "Шаг 2. Социально-демографический блок"  # «Шаг 2» l. 347, block title l. 2021
_STEP_2_EMPLOYER = "Шаг 2. Производственно-экономический блок"  # «Шаг 2» l. 372, block title l. 2183

_JOBSEEKER_PROFILE = (
    QuestionT(
        "gender",
        "1",
        "Ваш пол",
        "single",
        required=True,
        options=(OptionT("male", "Мужчина"), OptionT("female", "Женщина")),
        section=_STEP_2_JOBSEEKER,
        source="seed 003 App 6 l. 2025–2027",
    ),
    QuestionT(
        "age",
        "2",
        "Сколько Вам полных лет",
        "single",
        required=True,
        options=(
            OptionT("under_18", "Младше 18 лет"),
            OptionT("18_19", "18 – 19 лет"),
            OptionT("20_29", "20 – 29 лет"),
            OptionT("30_39", "30 – 39 лет"),
            OptionT("40_49", "40 – 49 лет"),
            OptionT("50_59", "50 – 59 лет"),
            OptionT("60_69", "60 – 69 лет"),
            OptionT("70_plus", "70 лет и старше"),
        ),
        section=_STEP_2_JOBSEEKER,
        source="seed 003 App 6 l. 2029–2038",
    ),
    QuestionT(
        "category",
        "3",
        "Относите ли Вы себя к одной из следующих категорий граждан",
        "single",
        required=True,
        options=(
            OptionT("pre_retirement", "Гражданин предпенсионного возраста"),
            OptionT("pensioner", "Пенсионеры"),
            OptionT("disabled", "Инвалиды"),
            OptionT("orphan", "Дети-сироты"),
            OptionT("redundant", "Уволенные по сокращению штатов или ликвидации организации"),
            OptionT("school_graduate", "Выпускники школ"),
            OptionT("college_graduate", "Выпускники среднетехнических и высших учебных заведений"),
            OptionT("mother_child_under_6", "Женщины с детьми от 0 до 6 лет"),
            OptionT("long_unemployed", "Не работающие более года"),
            OptionT("none", "Не отношусь ни к одной из перечисленных категорий граждан"),
        ),
        section=_STEP_2_JOBSEEKER,
        source="seed 003 App 6 l. 2040–2051; обязательный: замечание 12 (l. 1106)",
    ),
)

_EMPLOYER_PROFILE = (
    QuestionT(
        "ownership",
        "1",
        "Форма собственности организации, в которой Вы работаете",
        "single",
        required=True,
        options=(
            OptionT("state_municipal", "Государственная / муниципальная"),
            OptionT("mixed_russian", "Смешанная российская (государственно частная)"),
            OptionT("private_russian", "Частная российская"),
            OptionT("joint_foreign", "Совместная российская и иностранная"),
            OptionT("foreign", "Иностранная"),
            OptionT("other", "Другое (впишите)", free_text=True),
        ),
        section=_STEP_2_EMPLOYER,
        source="seed 003 App 7 l. 2187–2194",
    ),
    QuestionT(
        "staff_size",
        "2",
        "Общее количество работников на Вашем предприятии",
        "single",
        required=True,
        options=(
            OptionT("upto_15", "До 15 человек"),
            OptionT("16_100", "От 16 до 100 человек"),
            OptionT("101_250", "От 101 до 250 человек"),
            OptionT("over_250", "Более 250 человек"),
        ),
        section=_STEP_2_EMPLOYER,
        source="seed 003 App 7 l. 2196–2201",
    ),
    QuestionT(
        "company_category",
        "3",
        "Относится ли что-то из ниже перечисленного к вашей компании",
        "multiple",
        required=True,
        options=(
            OptionT("high_turnover", "Высокая текучесть кадров"),
            OptionT("seasonal_demand", "Высокая сезонная потребность в персонале"),
            OptionT("downsizing", "Тенденция к сокращению численности персонала"),
            OptionT("liquidation_risk", "Риск ликвидации обособленных подразделений или предприятия в целом"),
            OptionT("none", "Ничего из перечисленного"),
        ),
        section=_STEP_2_EMPLOYER,
        source="seed 003 App 7 l. 2203–2209; несколько вариантов: сумма 107,3 % (§2.3); обязательный: замечание 12",
    ),
)

_FEDERAL_CHANGES = (
    "после пилота: шкала 1–10 (не 0), подписи баллов (замечание 5), без «Уникального номера соискателя» "
    "(замечания 8, 21), Q12/Q13 Да/Нет + оценка (замечания 40, 45), пояснения (замечание 17), "
    "необязательный комментарий (замечание 29), вопросы в офисе (замечание 15)"
)

FCC_JOBSEEKER = SurveyT(
    code="fcc-jobseeker",
    title="ОПРОС. Впечатление от взаимодействия с ЦЗН",
    client_type="jobseeker",
    intro=_INTRO_TEMPLATE.format(services="услуги сервисы"),
    outro=_OUTRO,
    methodology="post-pilot",
    source=f"seed 003 App 6 l. 1886–2054; вступление электронной формы l. 343; {_FEDERAL_CHANGES}",
    questions=_step_1(_JOBSEEKER_FORM) + _JOBSEEKER_PROFILE,
)

FCC_EMPLOYER = SurveyT(
    code="fcc-employer",
    title="ОПРОС РАБОТОДАТЕЛЕЙ. Впечатление от взаимодействия с ЦЗН",
    client_type="employer",
    intro=_INTRO_TEMPLATE.format(services="услуги, сервисы"),
    outro=_OUTRO,
    methodology="post-pilot",
    source=(
        "seed 003 App 7 l. 2056–2212; вступление электронной формы l. 368 («ЦЭН» исправлено на «ЦЗН»); "
        f"{_FEDERAL_CHANGES}"
    ),
    questions=_step_1(_EMPLOYER_FORM) + _EMPLOYER_PROFILE,
)

# ---------------------------------------------------------------------------------------------------------------
# Udmurtia (seed 002 l. 2103–2286): 19 questions, 79 options
# ---------------------------------------------------------------------------------------------------------------
# Texts are the seed's; the analysis CSV (seed-002-004 §A.2.5) adds "(5)"…"(1)" to Q19's options and
# "(free text)" to Q18's last option — those are annotations, not printed text, and are left out (Q19's points carry
# 5…1). Q19's printed trailing colon before «Варианты ответов» is dropped as in the CSV. The paper form marks no
# question as mandatory and Q16–Q18 concern later stages of the journey, so nothing is required.


def _udm(
    number: int,
    text: str,
    options: tuple[str, ...],
    lines: str,
    kind: str = "single",
    free: tuple[int, ...] = (),
    points: tuple[float, ...] = (),
    show_if: ShowIf | None = None,
    note: str = "",
) -> QuestionT:
    """One Udmurtia question; option values are opt1…optN in printed order."""
    opts = tuple(
        OptionT(f"opt{i}", t, points[i - 1] if points else None, i in free) for i, t in enumerate(options, start=1)
    )
    source = f"seed 002 l. {lines}" + (f"; {note}" if note else "")
    return QuestionT(f"q{number}", str(number), text, kind, options=opts, show_if=show_if, source=source)


_AFTER_Q4 = ShowIf("q4", ("yes",))
_AFTER_Q4_NOTE = "показ только после «Да» в вопросе 4: вывод анализа seed-002-004 §A.2.5 [INFERENCE], в бланке нет"
_PHONE_FAIL = "Лучше обращусь лично в ЦЗН"

UDM_2021 = SurveyT(
    code="udm-2021",
    title="Измерение качества клиентского опыта по пути маршрута клиента",
    client_type="jobseeker",
    intro=(
        "Уважаемый клиент!\n"
        "В целях повышения качества работы службы занятости населения и внедрения новых форм работы с гражданами "
        "при предоставлении услуг в сфере содействия занятости населения, просим Вас выразить свое мнение в вопросе "
        "удовлетворенности по оказанным услугам ЦЗН\n"
        "Нужный ответ, пожалуйста, отметьте галочкой."
    ),
    outro="СПАСИБО ЗА УЧАСТИЕ!",
    methodology="",
    source=(
        "seed 002 l. 2103–2286 (заголовок l. 2103–2104, вступление l. 2106–2112 с точкой отдельной строкой l. 2112, "
        "«СПАСИБО ЗА УЧАСТИЕ!» l. 2286); сверено с CSV анализа seed-002-004 §A.2.5"
    ),
    questions=(
        _udm(
            1,
            "Имеется ли у Вас возможность пользоваться услугами ЦЗН с помощью интернет – ресурсов (интернет, "
            "персональный компьютер, мобильное устройство) в домашних условиях?",
            ("Да", "Нет", "Только с чьей-либо помощью"),
            "2114–2121",
        ),
        _udm(
            2,
            "Умеете ли Вы пользоваться услугами интернет – ресурсов (интернет, персональный компьютер, мобильное "
            "устройство) в домашних условиях?",
            (
                "Да, пользуюсь постоянно",
                "Да, но пользуюсь не всегда",
                "Пользуюсь только с чьей-либо помощью",
                "Нет (укажите причину)",
            ),
            "2123–2132",
            free=(4,),
        ),
        _udm(
            3,
            "Понятна ли Вам предоставляемая информация об услугах ЦЗН на интернет – ресурсах?",
            ("Всё понятно", "В большинстве случаев понятно", "Не всегда понятно", "Плохо понятно", "Ничего непонятно"),
            "2134–2143",
        ),
        QuestionT(
            "q4",
            "4",
            "Обращались ли Вы по телефону в ЦЗН до постановки на регистрационный учет?",
            "yes_no",
            options=YES_NO,
            source="seed 002 l. 2145–2149; фильтр для вопросов 5–8",
        ),
        _udm(
            5,
            "Быстро ли Вы дозвонились до сотрудника ЦЗН?",
            ("Очень быстро", "Достаточно быстро", "Пришлось немного подождать", "Долго ожидал", "Очень долго ожидал"),
            "2151–2157",
            show_if=_AFTER_Q4,
            note=_AFTER_Q4_NOTE,
        ),
        _udm(
            6,
            "Всю ли необходимую информацию Вы получили по телефону от специалиста ЦЗН?",
            (
                "Да, получил всю необходимую информацию",
                "Получил почти всю необходимую информацию",
                "Не совсем понятна предоставленная информация",
                "Остались вопросы",
                _PHONE_FAIL,
            ),
            "2159–2166",
            show_if=_AFTER_Q4,
            note=_AFTER_Q4_NOTE,
        ),
        _udm(
            7,
            "Понятна ли Вам была предоставленная информация по телефону?",
            (
                "Да, вся предоставленная информация была понятна",
                "Не вся информация была понятна",
                "Остались вопросы",
                _PHONE_FAIL,
            ),
            "2170–2175",
            show_if=_AFTER_Q4,
            note=_AFTER_Q4_NOTE,
        ),
        _udm(
            8,
            "Удовлетворены ли Вы ответами сотрудника ЦЗН по телефону?",
            ("Удовлетворен полностью", "Чаще да, чем нет", "Затрудняюсь ответить", "Остались вопросы", _PHONE_FAIL),
            "2177–2182",
            show_if=_AFTER_Q4,
            note=_AFTER_Q4_NOTE,
        ),
        _udm(
            9,
            "Удовлетворены ли Вы предоставленной помощью в ЦЗН в день обращения?",
            ("Очень удовлетворен", "Удовлетворен", "Удовлетворен частично", "Не удовлетворен"),
            "2184–2191",
        ),
        _udm(
            10,
            "Насколько Вам понятна навигация (схема передвижения) в помещении ЦЗН?",
            ("Все понятно", "Не всегда понятна", "Непонятна"),
            "2193–2198",
        ),
        _udm(
            11,
            "Пользуетесь ли Вы сведениями, расположенными на информационных стендах ЦЗН?",
            ("Пользуюсь всегда", "Чаще да, чем нет", "Больше нет, чем да", "Не пользуюсь, обращаюсь к специалисту"),
            "2206–2209",
        ),
        _udm(
            12,
            "Полезны ли для Вас сведения на информационных стендах ЦЗН?",
            (
                "Очень полезны, всегда пользуюсь",
                "Читаю, могу воспользоваться",
                "Не читаю, обращаюсь к специалисту",
                "Не обращал внимания",
            ),
            "2211–2218",
        ),
        _udm(
            13,
            "Насколько легко Вам было решить проблему, благодаря посещению ЦЗН?",
            ("Очень легко", "Достаточно легко", "Затрудняюсь ответить", "Сложно", "Очень сложно"),
            "2220–2225",
        ),
        _udm(
            14,
            "Удовлетворены ли Вы качеством услуг и сервисов, полученных ЦЗН?",
            (
                "Значительно превзошло ожидания",
                "Превзошло ожидания",
                "Ожидания совпали",
                "Требует улучшения",
                "Нет, разочарован",
            ),
            "2227–2232",
        ),
        _udm(
            15,
            "Насколько Ваше общение со специалистом ЦЗН было понятным, простым?",
            ("Все понятно и просто", "Не всегда все понятно", "Непонятно", "Непонятно, сложно"),
            "2234–2240",
        ),
        _udm(
            16,
            "Насколько Вы удовлетворены результатом тестирования по профориентации у специалиста ЦЗН?",
            (
                "Очень доволен, определили профессии (сферы деятельности) возможного трудоустройства",
                "Доволен результатом, но боюсь не смогу трудоустроиться по выбранным профессиям (сферам "
                "деятельности) (укажите причину)",
                "Не устраивает время прохождения тестирования",
            ),
            "2242–2249",
            free=(2,),
        ),
        _udm(
            17,
            "Насколько Вы удовлетворены предложенным перечнем вариантов работы и/или направлениями на работу в "
            "момент их получения?",
            (
                "Ура! Устраивает. Это то, что мне надо!",
                "Устраивает, но боюсь не примет на работу работодатель",
                "Скорей всего не смогу работать по данной профессии",
                "Не устраивает, не нравится, ожидал другие варианты",
            ),
            "2251–2260",
        ),
        _udm(
            18,
            "Назовите причины, препятствующие трудоустройству по предложенным вариантам работы?",
            (
                "При собеседовании понял, что не смогу работать по состоянию здоровья",
                "Работодателя не устраивает моя кандидатура",
                "Не устраивают условия работы",
                "Не устраивает график работы",
                "Свой вариант",
            ),
            "2262–2271",
            kind="multiple",
            free=(5,),
            note="несколько вариантов: «Назовите причины» во множественном числе, вывод анализа [INFERENCE]",
        ),
        _udm(
            19,
            "Оцените, пожалуйста, работу специалистов ЦЗН в период Вашего обращения к ним по пятибалльной шкале "
            "(5- отлично, 4-хорошо, 3- удовлетворительно, 2-плохо, 1- очень плохо)",
            ("Отлично", "Хорошо", "Удовлетворительно", "Плохо", "Очень плохо"),
            "2273–2279",
            points=(5, 4, 3, 2, 1),
            note="баллы 5…1 напечатаны в тексте вопроса",
        ),
    ),
)

# ---------------------------------------------------------------------------------------------------------------
# Nizhny Novgorod exit survey (seed 000 l. 7169–7201)
# ---------------------------------------------------------------------------------------------------------------
# The seed prints the options in the order «хорошо», «плохо», «затрудняюсь ответить» (l. 7179); kept. No title,
# intro or numbering is printed: the title is cxm's, numbers are "". Closed questions are required (the «2,6 из 3»
# mean needs one answer each; «затрудняюсь ответить» is the way out) — a cxm choice, the seed is silent.

_NN_POINTS_NOTE = (
    "баллы хорошо = 3, затрудняюсь ответить = 2, плохо = 1 — допущение анализа seed-000 §4.2, в отчёте не даны; "
    "воспроизводит «2,6 из 3» (l. 7201), напр. 7×3 + 2×2 + 1×1 = 26 / 10"
)
_NN_OPTIONS = (
    OptionT("good", "хорошо", 3),
    OptionT("bad", "плохо", 1),
    OptionT("dont_know", "затрудняюсь ответить", 2),
)


def _nn_closed(code: str, text: str, line: int) -> QuestionT:
    """A closed exit-poll question with the three-point options."""
    return QuestionT(
        code,
        "",
        text,
        "single",
        required=True,
        options=_NN_OPTIONS,
        source=f"seed 000 l. {line}; варианты l. 7179; {_NN_POINTS_NOTE}",
    )


def _nn_open(code: str, text: str, line: int) -> QuestionT:
    """An open exit-poll question, answered in writing or aloud."""
    return QuestionT(code, "", text, "text", source=f"seed 000 l. {line}; вопрос для самостоятельного ответа (l. 7183)")


NN_EXIT = SurveyT(
    code="nn-exit",
    title="Опрос о впечатлениях от посещения центра занятости",
    client_type="jobseeker",
    intro="",
    outro="",
    methodology="",
    source=(
        "seed 000 l. 7169–7201 (анализ seed-000 §2.13, §4.2); название cxm — в отчёте не напечатано; "
        "опрос клиентов пилотной целевой аудитории (соискатели) в точках касания"
    ),
    questions=(
        _nn_closed("q1", "Оправдались ли Ваши ожидания (получен ли результат) от центра занятости?", 7171),
        _nn_closed(
            "q2",
            "Порекомендуете ли Вы воспользоваться услугами центра занятости Вашим родственникам или знакомым?",
            7173,
        ),
        _nn_closed("q3", "Как Вы оцениваете качество полученной Вами услуги в центре занятости?", 7175),
        _nn_closed(
            "q4", "Как Вы оцениваете доступность получения информации о порядке предоставления данной услуги?", 7177
        ),
        _nn_open("q5", "Что Вам нравится в центре занятости? (напишите, скажите)", 7185),
        _nn_open("q6", "Что Вам не нравится в центре занятости? (напишите, скажите)", 7187),
        _nn_open(
            "q7", "Что бы Вы предложили изменить в организации работы центра занятости? (напишите, скажите)", 7189
        ),
    ),
)

SURVEYS: tuple[SurveyT, ...] = (FCC_JOBSEEKER, FCC_EMPLOYER, UDM_2021, NN_EXIT)


def get(code: str) -> SurveyT:
    """The seeded survey with this code (KeyError if none)."""
    for survey in SURVEYS:
        if survey.code == code:
            return survey
    raise KeyError(code)
