"""Roadmap templates from seed 003: the typical roadmap (Приложение 3, 7 items) and the pilot's
programme (Приложение 1, 12 items), word for word, with their 2022 dates.

A roadmap made from a template moves every date by the distance between the template's first
day and the chosen start (`roadmap.from_template`). Blocks are the programme's three stages
(seed 003 §1.2, l. 209–221); items are placed by their deadline, the whole-period ones last.
"""

from datetime import date
from typing import NamedTuple


class TemplateItem(NamedTuple):
    number: str
    title: str
    deadline_kind: str  # models.roadmap.DEADLINE_KINDS
    due_from: date | None
    due_on: date | None
    responsible: str
    expected_result: str
    deliverable_kind: str = ""


class TemplateBlock(NamedTuple):
    title: str
    starts_on: date
    ends_on: date
    items: list[TemplateItem]


class Template(NamedTuple):
    title: str
    starts_on: date
    ends_on: date
    blocks: list[TemplateBlock]


_PREPARATORY = ("Подготовительный этап", date(2022, 4, 1), date(2022, 4, 24))
_MAIN = ("Основной этап", date(2022, 4, 25), date(2022, 5, 15))
_FINAL = ("Заключительный этап", date(2022, 5, 16), date(2022, 6, 30))
_BOTH = "ФЦК, пилотные регионы"
_REGIONS = "пилотные регионы"

TYPICAL = Template(
    "Типовая «дорожная карта» пилотной апробации элементов методики измерения показателей клиентоцентричности в СЗН",
    date(2022, 4, 1),
    date(2022, 6, 30),
    [
        TemplateBlock(
            *_PREPARATORY,
            [
                TemplateItem(
                    "1",
                    "Участие в установочном вебинаре «Пилотная апробация элементов методики измерения показателей "
                    "клиентоцентричности в работе СЗН»",
                    "on",
                    None,
                    date(2022, 4, 1),
                    _BOTH,
                    "видеозапись установочного вебинара",
                ),
                TemplateItem(
                    "2",
                    "Участие сотрудников СЗН (ЦЗН) в вебинаре или ином обучающем мероприятии, посвященном показателям "
                    "клиентоцентричности в работе СЗН и методикам их измерения.",
                    "until",
                    None,
                    date(2022, 4, 8),
                    _REGIONS,
                    "члены рабочей группы с методикой измерения показателей клиентоцентричности в работе СЗН",
                ),
                TemplateItem(
                    "3",
                    "Утверждение перечня показателей клиентоцентричности в работе СЗН, апробируемых в регионе.",
                    "until",
                    None,
                    date(2022, 4, 12),
                    _BOTH,
                    "письменное подтверждение от региона-участника о готовности апробировать утвержденный перечень "
                    "показателей",
                    "document",
                ),
            ],
        ),
        TemplateBlock(
            *_MAIN,
            [
                TemplateItem(
                    "4",
                    "Проведение замеров показателей клиентоцентричности в работе СЗН по апробируемой методике",
                    "until",
                    None,
                    date(2022, 4, 30),
                    _REGIONS,
                    "Материалы социологического и объективного исследований",
                    "measurement",
                ),
                TemplateItem(
                    "5",
                    "Обработка и анализ полученных результатов замера показателей клиентоцентричности в работе СЗН",
                    "until",
                    None,
                    date(2022, 5, 13),
                    _REGIONS,
                    "Оценка валидности методики измерения показателей клиентоцентричности",
                ),
            ],
        ),
        TemplateBlock(
            *_FINAL,
            [
                TemplateItem(
                    "6",
                    "Подготовка и сдача отчета о результатах пилотной апробации элементов методики измерения "
                    "показателей клиентоцентричности в работе СЗН",
                    "until",
                    None,
                    date(2022, 5, 20),
                    _REGIONS,
                    "отчет о результатах пилотной апробации",
                ),
                TemplateItem(
                    "7",
                    "Участие в итоговом вебинаре о результатах пилотной апробации элементов методики измерения "
                    "показателей клиентоцентричности в СЗН",
                    "range",
                    date(2022, 6, 20),
                    date(2022, 6, 30),
                    _BOTH,
                    "список участников вебинара",
                ),
            ],
        ),
    ],
)

PROGRAMME = Template(
    "Программа пилотной апробации элементов методики измерения показателей клиентоцентричности в СЗН",
    date(2022, 4, 1),
    date(2022, 6, 30),
    [
        TemplateBlock(
            *_PREPARATORY,
            [
                TemplateItem(
                    "1",
                    "Организация и проведение установочного вебинара",
                    "on",
                    None,
                    date(2022, 4, 1),
                    _BOTH,
                    "видеозапись установочного вебинара",
                ),
                TemplateItem(
                    "2",
                    "Формирование состава рабочей группы",
                    "until",
                    None,
                    date(2022, 4, 8),
                    _REGIONS,
                    "состав рабочей группы, утвержденный Приказом",
                    "document",
                ),
                TemplateItem(
                    "3",
                    "Формирование и утверждение «дорожной карты»",
                    "until",
                    None,
                    date(2022, 4, 8),
                    _REGIONS,
                    "«дорожные карты» пилотной апробации, утвержденные протоколом рабочей группы",
                    "roadmap",
                ),
                TemplateItem(
                    "4",
                    "Принятие руководителем ЦЗН приказа о проведении пилотной апробации (сроки; перечень пилотных ЦЗН; "
                    "состав рабочей группы; «дорожная карта»)",
                    "until",
                    None,
                    date(2022, 4, 8),
                    _REGIONS,
                    "приказы руководителей ЦЗН",
                    "document",
                ),
                TemplateItem(
                    "5",
                    "Участие сотрудников СЗН (ЦЗН) в вебинаре или ином обучающем мероприятии",
                    "until",
                    None,
                    date(2022, 4, 8),
                    _REGIONS,
                    "члены рабочей группы ознакомлены с методикой",
                ),
                TemplateItem(
                    "6",
                    "Утверждение перечня показателей, апробируемых в каждом регионе-участнике",
                    "until",
                    None,
                    date(2022, 4, 12),
                    _BOTH,
                    "письменное подтверждение от региона-участника о готовности апробировать утвержденный перечень "
                    "показателей",
                    "document",
                ),
            ],
        ),
        TemplateBlock(
            *_MAIN,
            [
                TemplateItem(
                    "7",
                    "Проведение замеров показателей",
                    "until",
                    None,
                    date(2022, 4, 30),
                    _REGIONS,
                    "Материалы социологического и объективного исследований",
                    "measurement",
                ),
                TemplateItem(
                    "8",
                    "Обработка и анализ полученных результатов замера",
                    "until",
                    None,
                    date(2022, 5, 13),
                    _REGIONS,
                    "Оценка валидности методики",
                ),
            ],
        ),
        TemplateBlock(
            *_FINAL,
            [
                TemplateItem(
                    "9",
                    "Подготовка и сдача отчета о результатах пилотной апробации",
                    "until",
                    None,
                    date(2022, 5, 20),
                    _REGIONS,
                    "отчет о результатах пилотной апробации",
                ),
                TemplateItem(
                    "10",
                    "Организация и проведение итогового вебинара",
                    "range",
                    date(2022, 6, 20),
                    date(2022, 6, 30),
                    _BOTH,
                    "видеозапись итогового вебинара",
                ),
                TemplateItem("11", "Консультационная поддержка", "whole_period", None, None, "ФЦК", ""),
                TemplateItem("12", "Мониторинг проведения пилотной апробации", "whole_period", None, None, "ФЦК", ""),
            ],
        ),
    ],
)

TEMPLATES = {
    "typical": ("Типовая «дорожная карта» (Приложение 3, 7 мероприятий)", TYPICAL),
    "programme": ("Программа пилотной апробации (Приложение 1, 12 мероприятий)", PROGRAMME),
}
