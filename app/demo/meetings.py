"""Demo data: the seed 000 working group, its three protocols and what became of the поручения.

Pure data, stdlib only; app/services/demo_meetings.py loads it through the meeting and task services.
Source: seed 000 = /work/shared/seeds/000_067890d9837f67cf.txt (Nizhny Novgorod CX pilot report,
2021); "L123" is line 123 of that file. Protocol wording is the source's, its lines joined; the
clean copies are used (05.08: L637–1030, 03.09: L1632–1917, 12.10: L7404–7682). Lines L800–806,
L1795–1801 and L7567–7573 are the protocol title spilled into the body by the extraction and are
skipped.

Shapes:
  * a decision's "text" is what follows its verb: the protocol prints «<number>. <Verb> <text>»
    (app.services.meetings.decision_line), so a «Принять к сведению информацию …» decision stores
    «информацию …». For «поручить» the source addresses the order in the dative («Директорам …
    издать приказы …») without the word «поручить»; the addressee goes to "addressee" and the
    action to "text", and the deadline leaves the text for "deadline" (read by
    app.services.calendar.parse_deadline; the service prints it as «Срок – …»).
  * numbering: the source numbers decisions per item (1, 2, 3, 3.1, 3.2); we number them
    <item position>.<decision position>, so a source sub-decision takes the next flat number and its
    umbrella line («3. Начальнику отдела анализа рынка труда И.В.Напалковой:») is folded into the
    addressee (or, for 12.10 I.2, into the text). "source_number" keeps the source's number; the
    mapping of every protocol is written out beside its items below.
  * "heard" (СЛУШАЛИ) and "discussion" (ВЫСТУПИЛИ) are COMPOSED by us from the item's speaker
    list and its «Принять к сведению» decisions: the source protocols print only the item title,
    the speakers in parentheses and the decisions, with no СЛУШАЛИ / ВЫСТУПИЛИ sections.
  * "artefact_ref": the artefacts.ARTEFACT_KINDS kind a decision approves, agrees or orders; "roadmap"
    is the demo roadmap as a record (app/services/demo_roadmap.py resolves it), other kinds are named
    without a record. Not in the source, which only prints the artefact's name.
  * "outcomes" of a «поручить» decision: per responsible person (full name), the date the task
    was done and the basis: a seed line when the source states it, "INVENTED" otherwise (the seed
    records almost no completion of protocol assignments, see the domain analysis §4.6). A person
    without an outcome keeps an open task. A shared parent task (a group assignment) is closed by
    the loader once every person's task is done, on the latest of their dates.
"""

from datetime import date, datetime

from app.demo.data import NIZHNY_PEOPLE

_PEOPLE = {p["full_name"]: p for p in NIZHNY_PEOPLE}

SADULINA = "Садулина Арина Михайловна"
ANTONOVA = "Антонова Татьяна Константиновна"
GUSEVA = "Гусева Елена Сергеевна"
EGOROVA = "Егорова Людмила Германовна"
KIRILICHEVA = "Кириличева Елена Михайловна"
NAPALKOVA = "Напалкова Ирина Викторовна"
TERESHENKOVA = "Терешенкова Екатерина Юрьевна"
TOMILINA = "Томилина Ирина Андреевна"
DIRECTORS = [EGOROVA, GUSEVA, KIRILICHEVA]  # in the order the protocols address them

ORDER = "приказ управления по труду и занятости населения Нижегородской области от 30.07.2021 № 523-246/21П/од"
ORDER_DATE = date(2021, 7, 30)  # the order approving the composition, L22, L813

# ---------------------------------------------------------------------------
# The working group as ordered: App. 1 to the order, L337–487
# ---------------------------------------------------------------------------

GROUP = {
    # Title of App. 1 (L337–343), «Состав рабочей группы по проведению …»
    "name": (
        "Рабочая группа по проведению пилотной апробации элементов системы управления клиентским опытом "
        "по направлению «Совершенствование пути клиента»"
    ),
    "kind": "regional",
    "region": "Нижегородская область",
    "approved_by": ORDER,
    # In the roster's order. role = app.models.meetings.MEMBER_ROLES key; positions = (from, position)
    # as in the roster (NIZHNY_PEOPLE), then as later attested.
    "members": [
        {"full_name": SADULINA, "role": "head", "positions": [(ORDER_DATE, _PEOPLE[SADULINA]["position"])]},
        {"full_name": ANTONOVA, "role": "deputy", "positions": [(ORDER_DATE, _PEOPLE[ANTONOVA]["position"])]},
        {"full_name": GUSEVA, "role": "member", "positions": [(ORDER_DATE, _PEOPLE[GUSEVA]["position"])]},
        {"full_name": EGOROVA, "role": "member", "positions": [(ORDER_DATE, _PEOPLE[EGOROVA]["position"])]},
        {"full_name": KIRILICHEVA, "role": "member", "positions": [(ORDER_DATE, _PEOPLE[KIRILICHEVA]["position"])]},
        {"full_name": NAPALKOVA, "role": "secretary", "positions": [(ORDER_DATE, _PEOPLE[NAPALKOVA]["position"])]},
        {"full_name": TERESHENKOVA, "role": "member", "positions": [(ORDER_DATE, _PEOPLE[TERESHENKOVA]["position"])]},
        {
            "full_name": TOMILINA,
            "role": "member",
            "positions": [
                # «Консультант отдела …» in the roster and on 05.08 and 03.09 (L742–748, L1737–1743).
                (ORDER_DATE, _PEOPLE[TOMILINA]["position"]),
                # «Начальник отдела …» on 12.10 (L7512–7518). The seed does not say when she was
                # appointed; the change is recorded from the first date the source attests it.
                (date(2021, 10, 12), _PEOPLE[TOMILINA]["position_later"]),
            ],
        },
    ],
}

# ---------------------------------------------------------------------------
# Texts used more than once
# ---------------------------------------------------------------------------

_ROADMAP = "«Дорожная карта» по направлению пилотной апробации «Совершенствование пути клиента»"  # L1059
_PORTRAIT = "Портрет инвалида, зарегистрированного в центре занятости"  # attachment caption, L65
_KPI = "Клиентские показатели эффективности"  # document title, L2384 («КЛИЕНТСКИЕ ПОКАЗАТЕЛИ ЭФФЕКТИВНОСТИ»)
_NAPALKOVA_TO = "Начальнику отдела анализа рынка труда И.В.Напалковой"  # L909, L1874, L7664
_SOLUTION_MAP = "на основе карты решений по улучшению качества клиентского опыта "  # L7610–7613

# Evidence of the 12.10 monitoring assignment: report row 12 «Реализация инструментов …», L104–109.
# The report gives it for the region as a whole; attaching it to each director's task is our choice.
EVIDENCE = {
    "filename": "Доклад о реализованных мероприятиях 18.10.2021.txt",
    "description": "Доклад о проведенных (реализованных) мероприятиях, по отчету о пилотной апробации",
    "text": (
        "Реализация инструментов (минимум одного) по повышению качества клиентского опыта по пути клиента.\n"
        "Проведен цикл психологических тренингов для клиентов-инвалидов по повышению самооценки, в том числе "
        "по обучению пользоваться официальным сайтом, порталом «Работа в России», социальными сетями.\n"
        "Проведено заседание Клуба работодателей «Партнер» с руководителями предприятий, подлежащих "
        "квотированию, по вопросам реализации Закона Нижегородской области «О квотировании рабочих мест» "
        "и трудоустройству инвалидов в счет квоты\n"
        "Дата исполнения: 18.10.2021\n"
    ),
}

# ---------------------------------------------------------------------------
# The three protocols
# ---------------------------------------------------------------------------
# number: «совещание №1/№2/№3» of the report (L34, L49, L67). Registration number and date: the
# report's attachment captions (L27, L32, L70); the protocol bodies leave them blank (L651, L1646,
# L7418). The time of day is not in the seed: 10:00 is INVENTED. Place: «г. Нижний Новгород» (L654).
# attendance: what differs from «present» for a member; every attendee list omits Терешенкова
# (L685–754, L1680–1749, L7452–7524), so she is «отсутствовал». positions: the wording a protocol
# prints for an attendee where it differs from the membership.

PLACE = "г. Нижний Новгород"

MEETINGS = [
    {
        # Protocol of 05.08.2021, L637–1030.
        # Numbering: I.1 → 1.1, I.2 → 1.2; II.1 → 2.1, II.2 → 2.2, II.3.1 → 2.3, II.3.2 → 2.4
        # (the umbrella II.3 «Начальнику отдела анализа рынка труда И.В.Напалковой:» is the addressee
        # of 2.3 and 2.4); III.1–III.4 → 3.1–3.4.
        "number": 1,
        "starts_at": datetime(2021, 8, 5, 10, 0),
        "registration_number": "Сл-523-452756/21",  # L27
        "place": PLACE,
        "attendance": {TERESHENKOVA: {"status": "absent"}},
        "positions": {},
        "items": [
            {
                "title": (
                    "О создании рабочей группы по проведению пилотной апробации элементов системы управления "
                    "клиентским опытом по направлению «Совершенствование пути клиента»"
                ),  # L763–769
                "speakers": "А.М.Садулина",  # L775
                "heard": (
                    "А.М.Садулину – о создании рабочей группы по проведению пилотной апробации, назначении "
                    "ответственных лиц и перечне ЦЗН, в которых проводится пилотная апробация."
                ),
                "discussion": "",
                "decisions": [
                    {
                        "source_number": "1",  # L781–825
                        "verb": "note",
                        "text": (
                            "информацию руководителя управления по труду и занятости населения Нижегородской "
                            "области А.М.Садулиной о том, что приказом управления по труду и занятости населения "
                            "Нижегородской области «О проведении пилотной апробации элементов системы управления "
                            "клиентским опытом по направлению «Совершенствование пути клиента» от 30.07.2021 "
                            "№ 523-246/21П/од утвержден состав соответствующей рабочей группы, назначены "
                            "ответственные лица за проведение пилотной апробации, определен перечень ЦЗН, в "
                            "которых проводится пилотная апробация.\n"
                            "Приказ доведен до директоров ЦЗН через систему электронного документооборота (СЭДО)."
                        ),
                    },
                    {
                        "source_number": "2",  # L831–843
                        "verb": "assign",
                        "addressee": (
                            "Директорам ГКУ ЦЗН города Нижнего Новгорода Л.Г.Егоровой, Павловского района "
                            "Е.С.Гусевой, Сергачского района Е.М.Кириличевой"
                        ),
                        "assignees": DIRECTORS,
                        "text": (
                            "издать приказы по учреждениям о проведении пилотной апробации, аналогичные "
                            "приказу управления."
                        ),
                        "deadline": "Срок – до 16.08.2021",
                        # No completion is recorded in the seed (§4.6): all three INVENTED, one late.
                        "outcomes": {
                            EGOROVA: {"done_on": date(2021, 8, 13), "basis": "INVENTED"},
                            GUSEVA: {"done_on": date(2021, 8, 11), "basis": "INVENTED"},
                            KIRILICHEVA: {
                                "done_on": date(2021, 8, 18),
                                "basis": "INVENTED",
                                "comment": "Приказ по учреждению издан 18.08.2021.",
                            },
                        },
                    },
                ],
            },
            {
                "title": (
                    "О рассмотрении проекта «дорожной карты» по направлению пилотной апробации "
                    "«Совершенствование пути клиента»"
                ),  # L852–855
                "speakers": "А.М.Садулина",  # L861
                "heard": (
                    "А.М.Садулину – о проекте «дорожной карты» по направлению пилотной апробации "
                    "«Совершенствование пути клиента»."
                ),
                "discussion": "",
                "decisions": [
                    {
                        "source_number": "1",  # L867–894
                        "verb": "note",
                        "text": (
                            "информацию руководителя управления по труду и занятости населения Нижегородской "
                            "области А.М.Садулиной о том, что разработан проект «дорожной карты» по направлению "
                            "пилотной апробации «Совершенствование пути клиента».\n"
                            "Мероприятия «дорожной карты» разделены на 2 блока:\n"
                            "- подготовительные и организационные мероприятия по пилотной апробации элементов "
                            "системы управления клиентским опытом,\n"
                            "- мероприятия по пилотной апробации элементов системы управления клиентским опытом "
                            "по направлению «Совершенствование пути клиента».\n"
                            "Реализация мероприятий завершается 01.11.2021."
                        ),
                    },
                    {
                        "source_number": "2",  # L900–903
                        "verb": "approve",
                        "text": (
                            "прилагаемый проект «дорожной карты» по направлению пилотной апробации "
                            "«Совершенствование пути клиента»"
                        ),
                        "artefact": _ROADMAP,
                        "artefact_ref": "roadmap",  # the demo roadmap (app/demo/roadmap.py): signing approves it
                    },
                    {
                        "source_number": "3.1",  # L909–919
                        "verb": "assign",
                        "addressee": _NAPALKOVA_TO,
                        "assignees": [NAPALKOVA],
                        "text": (
                            "довести до сведения директоров ГКУ ЦЗН г.Н.Новгорода, Павловского и Сергачского "
                            "районов «дорожную карту» по направлению пилотной апробации «Совершенствование пути "
                            "клиента»."
                        ),
                        "deadline": "не позднее следующего дня после ее утверждения",
                        # Distribution date not in the seed: INVENTED, on the deadline day.
                        "outcomes": {NAPALKOVA: {"done_on": date(2021, 8, 6), "basis": "INVENTED"}},
                    },
                    {
                        "source_number": "3.2",  # L922–925
                        "verb": "assign",
                        "addressee": _NAPALKOVA_TO,
                        "assignees": [NAPALKOVA],
                        "text": "осуществлять контроль за своевременным выполнением мероприятий «дорожной карты».",
                        # The source gives no term: a standing assignment. «постоянно» is our wording.
                        "deadline": "постоянно",
                        # No outcome: roadmap 2.11 (monitoring, «в течение всего периода») is not reported
                        # (§4.6), so the standing task stays «в работе».
                        "outcomes": {},
                        "in_progress": [NAPALKOVA],
                    },
                ],
            },
            {
                "title": (
                    "О выборе целевой аудитории, в интересах которой будет организован пилотный проект по "
                    "совершенствованию пути клиента"
                ),  # L934–937
                "speakers": "Л.Г.Егорова, Е.С.Гусева, Е.М.Кириличева, Т.К.Антонова, А.М.Садулина",  # L943
                "heard": (
                    "Л.Г.Егорову, Е.С.Гусеву, Е.М.Кириличеву – о предложениях центров занятости по целевой "
                    "аудитории пилотного проекта."
                ),
                "discussion": "Т.К.Антонова, А.М.Садулина – о выборе целевой аудитории.",
                "decisions": [
                    {
                        "source_number": "1",  # L949–961
                        "verb": "note",
                        "text": (
                            "информацию директора ГКУ ЦЗН г.Н.Новгорода Л.Г.Егоровой о том, что центром "
                            "занятости г.Н.Новгорода предлагается для пилотной апробации совершенствования пути "
                            "клиента в качестве целевой аудитории категория инвалидов в рамках услуги «Содействие "
                            "гражданам в поиске подходящей работы»."
                        ),
                    },
                    {
                        "source_number": "2",  # L967–979
                        "verb": "note",
                        "text": (
                            "информацию директора ГКУ ЦЗН Павловского района Е.С.Гусевой о том, что центром "
                            "занятости населения Павловского района предлагается для пилотной апробации "
                            "совершенствования пути клиента в качестве целевой аудитории категория граждан, "
                            "желающих сменить профиль работы, в рамках услуги «Организация профессионального "
                            "обучения»."
                        ),
                    },
                    {
                        "source_number": "3",  # L985–1000
                        "verb": "note",
                        "text": (
                            "информацию директора ГКУ ЦЗН Сергачского района Е.М.Кириличевой о том, что центром "
                            "занятости населения Сергачского района предлагается для пилотной апробации "
                            "совершенствования пути клиента в качестве целевой аудитории категория работодателей, "
                            "системно испытывающих трудности в найме персонала, в рамках услуги «Содействие "
                            "работодателям в подборе необходимых работников»."
                        ),
                    },
                    {
                        "source_number": "4",  # L1006–1012
                        "verb": "determine",
                        "text": (
                            "в качестве целевой аудитории, в интересах которой будет реализовываться пилотная "
                            "апробация, соискателей по категории инвалиды в рамках оказания услуги «Содействие "
                            "гражданам в поиске подходящей работы»."
                        ),
                    },
                ],
            },
        ],
    },
    {
        # Protocol of 03.09.2021, L1632–1917. Numbering: I.1–2 → 1.1–1.2; II.1–2 → 2.1–2.2; III.1–2 → 3.1–3.2.
        "number": 2,
        "starts_at": datetime(2021, 9, 3, 10, 0),
        "registration_number": "Сл-523-514749/21",  # L32
        "place": PLACE,
        "attendance": {TERESHENKOVA: {"status": "absent"}},
        "positions": {},
        "items": [
            {
                "title": "О составлении портрета клиента центра занятости – ищущего работу инвалида",  # L1758–1761
                "speakers": "А.М.Садулина",  # L1767
                "heard": (
                    "А.М.Садулину – о портрете инвалида, зарегистрированного в центре занятости населения, "
                    "составленном по результатам анкетирования и фокус-группы."
                ),
                "discussion": "",
                "decisions": [
                    {
                        "source_number": "1",  # L1773–1805
                        "verb": "note",
                        "text": (
                            "информацию руководителя управления по труду и занятости населения Нижегородской "
                            "области А.М.Садулиной о том, что рабочей группой по проведению пилотной апробации "
                            "составлен портрет инвалида, зарегистрированного в центре занятости населения, на "
                            "основе анкетирования инвалидов – клиентов ЦЗН, а также результатов проведенной "
                            "фокус-группы с данной целевой группой."
                        ),
                    },
                    {
                        "source_number": "2",  # L1811–1814
                        "verb": "agree",
                        "text": (
                            "прилагаемый портрет инвалида, зарегистрированного в центре занятости населения "
                            "Нижегородской области"
                        ),
                        "artefact": _PORTRAIT,
                        "artefact_ref": "portrait",
                    },
                ],
            },
            {
                "title": "О выявлении клиентских показателей эффективности",  # L1823
                "speakers": (
                    "А.М.Садулина, Т.К.Антонова, И.В.Напалкова, Л.Г.Егорова, Е.С.Гусева, Е.М.Кириличева"
                ),  # L1829–1832
                "heard": (
                    "Л.Г.Егорову, Е.М.Кириличеву, Е.С.Гусеву – о показателях эффективности, предложенных "
                    "инвалидами в ходе фокус-групп и анкетирования."
                ),
                "discussion": "А.М.Садулина, Т.К.Антонова, И.В.Напалкова.",
                "decisions": [
                    {
                        "source_number": "1",  # L1838–1847
                        "verb": "note",
                        "text": (
                            "информацию директоров ЦЗН г.Н.Новгорода Л.Г.Егоровой, Сергачского ЦЗН "
                            "Е.М.Кириличевой, Павловского ЦЗН Е.С.Гусевой о предложенных инвалидами показателях "
                            "эффективности в ходе проведенных фокус-групп и по результатам их анкетирования."
                        ),
                    },
                    {
                        "source_number": "2",  # L1853
                        "verb": "agree",
                        "text": "прилагаемые клиентские показатели эффективности",
                        "artefact": _KPI,
                        "artefact_ref": "kpi_set",
                    },
                ],
            },
            {
                "title": "Разное",  # L1862
                "speakers": "А.М.Садулина",  # L1868
                "heard": (
                    "А.М.Садулину – о направлении материалов в Федеральный центр компетенций в сфере занятости "
                    "и о составлении карты пути клиента."
                ),
                "discussion": "",
                "decisions": [
                    {
                        "source_number": "1",  # L1874–1886
                        "verb": "assign",
                        "addressee": _NAPALKOVA_TO,
                        "assignees": [NAPALKOVA],
                        "text": (
                            "направить в адрес Федерального центра компетенций в сфере занятости полученные "
                            "клиентские показатели эффективности и портрет клиента инвалида, зарегистрированного "
                            "в центре занятости."
                        ),
                        "deadline": "Срок – 06.09.2021",
                        # On time per the 12.10 protocol: «Все материалы … направлены в Федеральный центр
                        # компетенций … в установленные дорожной картой сроки» (L7592–7598); the day is
                        # INVENTED (the deadline day).
                        "outcomes": {NAPALKOVA: {"done_on": date(2021, 9, 6), "basis": "L7592–7598; day INVENTED"}},
                    },
                    {
                        "source_number": "2",  # L1889–1904
                        "verb": "assign",
                        "addressee": (
                            "Директорам ГКУ НО «ЦЗН г.Н.Новгорода» Л.Г.Егоровой, «Павловского ЦЗН» Е.С.Гусевой "
                            "и «Сергачского ЦЗН» Е.М.Кириличевой"
                        ),
                        "assignees": DIRECTORS,
                        "text": (
                            "подготовить на основе Прототипа управления клиентским опытом карту пути клиента "
                            "инвалида в рамках получения услуги по содействию в поиске подходящей работы."
                        ),
                        "deadline": "Срок – 15.09.2021",
                        # What the поручение delivers: the journey map, which roadmap item 2.5 plans for
                        # 24.09.2021 (L1404): the two deadlines disagree (roadmap.deadline_conflicts).
                        "artefact_ref": "journey",
                        # The joint journey map was done 30.09.2021 (report row 7, L70–73): 15 days late
                        # against this protocol (and 6 against the roadmap's 24.09.2021, L1404).
                        "outcomes": {
                            person: {
                                "done_on": date(2021, 9, 30),
                                "basis": "L72–73",
                                "comment": (
                                    "Путь клиента инвалида в рамках оказания услуги «Содействие гражданам в поиске "
                                    "подходящей работы» составлен из 7 этапов."  # L72
                                ),
                            }
                            for person in DIRECTORS
                        },
                    },
                ],
            },
        ],
    },
    {
        # Protocol of 12.10.2021, L7404–7682.
        # Numbering: I.1 → 1.1, I.2.1 → 1.2, I.2.2 → 1.3 (the umbrella I.2 «Директорам … на основе карты
        # решений …:» is the addressee of 1.2 and 1.3, its «на основе карты решений» leads their texts);
        # II.1 → 2.1.
        "number": 3,
        "starts_at": datetime(2021, 10, 12, 10, 0),
        "registration_number": "Сл-523-602212/21",  # L70
        "place": PLACE,
        "attendance": {
            TERESHENKOVA: {"status": "absent"},
            # Глаголева Т.В., acting director, attends in place of Егорова (L7479–7488); she is not a
            # member, and the assignments below are still addressed to Егорова (L7604–7607).
            EGOROVA: {
                "status": "substituted",
                "substitute_name": "Глаголева Т.В.",
                "substitute_position": "И.о. директора ГКУ НО «ЦЗН города Нижнего Новгорода»",
            },
        },
        "positions": {
            GUSEVA: "Директор ГКУ НО «Павловский ЦЗН»",  # L7470
            KIRILICHEVA: "Директор ГКУ НО «Сергачский ЦЗН»",  # L7491
        },
        "items": [
            {
                "title": "О ходе мероприятий пилотной апробации по направлению «Совершенствование пути клиента»",
                # L7533–7536
                "speakers": "А.М.Садулина, И.В.Напалкова, Т.В.Глаголева, Е.М.Кириличева, Е.С.Гусева",  # L7542
                "heard": "И.В.Напалкову – о ходе мероприятий пилотной апробации.",
                "discussion": "Т.В.Глаголева, Е.М.Кириличева, Е.С.Гусева, А.М.Садулина.",
                "decisions": [
                    {
                        "source_number": "1",  # L7548–7598
                        "verb": "note",
                        "text": (
                            "информацию начальника отдела анализа рынка труда управления по труду и занятости "
                            "населения Нижегородской области И.В.Напалковой о том, что в рамках реализации "
                            "пилотной апробации составлен портрет клиента, выявлены клиентские показатели "
                            "эффективности выбранной целевой группы (инвалидов), составлен путь клиента в рамках "
                            "получения услуги содействия в трудоустройстве, проведены замеры качества клиентского "
                            "опыта в точках контакта клиента с центром занятости на пути клиента, составлена "
                            "карта решений по улучшению качества клиентского опыта со сроками их исполнения.\n"
                            "Все материалы, полученные в результате апробации, направлены в Федеральный центр "
                            "компетенций в сфере занятости в установленные дорожной картой сроки."
                        ),
                    },
                    {
                        "source_number": "2.1",  # L7604–7628
                        "verb": "assign",
                        "addressee": (
                            "Директорам ГКУ НО «Центр занятости населения города Нижнего Новгорода» "
                            "(Л.Г.Егорова), «Павловского ЦЗН» (Е.С.Гусева), «Сергачского ЦЗН» (Е.М.Кириличева)"
                        ),
                        "assignees": DIRECTORS,
                        "text": (
                            _SOLUTION_MAP + "дать предложения по реализации инструментов (минимум одного) по "
                            "повышению качества клиентского опыта на пути клиента, предусмотрев «быстрые» идеи, "
                            "которые можно использовать в работе немедленно и которые принесут быстрый видимый "
                            "результат."
                        ),
                        "deadline": "Срок – 20.10.2021",
                        # Instruments were implemented by 18.10.2021 (report row 12, L104–109), so proposals
                        # came before; the per-director days are INVENTED, Кириличева late.
                        "outcomes": {
                            EGOROVA: {"done_on": date(2021, 10, 14), "basis": "INVENTED"},
                            GUSEVA: {"done_on": date(2021, 10, 15), "basis": "INVENTED"},
                            KIRILICHEVA: {
                                "done_on": date(2021, 10, 21),
                                "basis": "INVENTED",
                                "comment": "Предложения направлены 21.10.2021.",
                            },
                        },
                    },
                    {
                        "source_number": "2.2",  # L7631–7643
                        "verb": "assign",
                        "addressee": (
                            "Директорам ГКУ НО «Центр занятости населения города Нижнего Новгорода» "
                            "(Л.Г.Егорова), «Павловского ЦЗН» (Е.С.Гусева), «Сергачского ЦЗН» (Е.М.Кириличева)"
                        ),
                        "assignees": DIRECTORS,
                        "text": (
                            _SOLUTION_MAP + "провести мониторинг реализации инструментов по повышению качества "
                            "клиентского опыта на пути клиента. По итогам доложить о проведенных (реализованных) "
                            "мероприятиях с подтверждающими материалами (фотографиями, скрин-шотами и др.)."
                        ),
                        "deadline": "Срок – 22.10.2021",
                        "evidence_required": True,  # «с подтверждающими материалами», L7637–7640
                        # Evidence: EVIDENCE above (report row 12). Days INVENTED, Гусева late.
                        "outcomes": {
                            EGOROVA: {"done_on": date(2021, 10, 22), "basis": "INVENTED", "evidence": True},
                            GUSEVA: {
                                "done_on": date(2021, 10, 25),
                                "basis": "INVENTED",
                                "evidence": True,
                                "comment": "Доклад с фотоотчетом направлен 25.10.2021.",
                            },
                            KIRILICHEVA: {"done_on": date(2021, 10, 22), "basis": "INVENTED", "evidence": True},
                        },
                    },
                ],
            },
            {
                "title": "Разное",  # L7652
                "speakers": "А.М.Садулина",  # L7658
                "heard": "А.М.Садулину – о подготовке отчета о результатах пилотной апробации.",
                "discussion": "",
                "decisions": [
                    {
                        "source_number": "1",  # L7664–7676
                        "verb": "assign",
                        "addressee": _NAPALKOVA_TO,
                        "assignees": [NAPALKOVA],
                        "text": (
                            "подготовить и направить в адрес Федерального центра компетенций в сфере занятости "
                            "отчет о результатах пилотной апробации элементов системы управления клиентским "
                            "опытом по направлению «Совершенствование пути клиента»."
                        ),
                        "deadline": "Срок – 29.10.2021",
                        # The report exists (the seed itself); its sending date is not given: INVENTED.
                        "outcomes": {NAPALKOVA: {"done_on": date(2021, 10, 29), "basis": "INVENTED"}},
                    },
                ],
            },
        ],
    },
]
