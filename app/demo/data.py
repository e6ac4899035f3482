"""Demo data: the Nizhny Novgorod pilot (seed 000) and the federal index pilot (seed 003).

Pure data, stdlib only. Russian names and positions are spelled exactly as in the sources:
  seed 000 = /work/shared/seeds/000_067890d9837f67cf.txt (Nizhny Novgorod CX pilot report, 2021)
  seed 003 = /work/shared/seeds/003_423dd77260b81c78.txt (ФЦК report on the client-centricity
             index measurement pilot, 2022)
"L123" means line 123 of the seed file (1-based). Contact details of real people are deliberately
absent: the app generates demo e-mails and phones.

Key names follow app/models/org.py where a model field exists (is_pilot, is_modernised,
is_flagship, full_name, role keys from ROLES).
"""

# ---------------------------------------------------------------------------
# Region (СЗН) of the seed 000 pilot
# ---------------------------------------------------------------------------

NIZHNY_REGION = {
    "name": "Нижегородская область",
    "aliases": [
        "Нижегородская обл.",  # seed 003 L1661 («…Нижегородской обл.»)
        "НО",  # as in «ГКУ НО «Павловский ЦЗН»», seed 000 L7470
    ],
    # Letterhead of the order, seed 000 L123–129; also L25, L1661 of seed 003.
    "authority_name": "Управление по труду и занятости населения Нижегородской области",
    # Seed 000 never says "centralised"/"decentralised". Chosen "decentralised" because each
    # pilot centre is a separate state institution («Государственное казенное учреждение …»,
    # App. 2, L550–613) with its own director who issues his/her own orders (L397–421, L831–843);
    # no managing (управляющий) ЦЗН appears. Seed 003 L1665 (2022) still counts the region's
    # pilot ЦЗН as separate centres in 4 municipalities.
    "network_type": "decentralised",
    "managing_centre": None,
    # Departments of the regional authority itself (not of a ЦЗН), seed 000 L430–487.
    "authority_departments": [
        "Отдел анализа рынка труда",
        "Отдел профессионального обучения и профессиональной ориентации",
        "Отдел организации трудоустройства и развития форм занятости",
    ],
}

# ---------------------------------------------------------------------------
# The three model (pilot) centres of seed 000 («трех модельных центров занятости населения», L25)
# ---------------------------------------------------------------------------

# Departments named as "Ответственные лица со стороны ЦЗН" in the joint customer-journey map
# (seed 000 L5111, 5131, 5133, 5167, 5221, 5434, 5492, 5532, 5550, 5774, 5792, 5888). The map was
# assigned to all three directors (L1889–1904) and does not say which centre each unit belongs
# to. We attach the whole list to the Nizhny Novgorod city centre (ASSUMPTION: it is the largest
# and the only one plausibly having district departments, «РОЗНы»). Spelling as in the source,
# first letter capitalised. «Руководство» is the management, kept because the map lists it.
_JOURNEY_MAP_DEPARTMENTS = [
    "Руководство",
    "Отдел программного обеспечения",
    "Отдел программ занятости и анализа рынка труда",
    "Отдел закупок и материально-технического обеспечения",
    "Отдел трудоустройства",
    "РОЗНы",
    "Отдел профобучения и профориентации",
    "Отдел финансов, бухгалтерского учета и отчетности",
]

NIZHNY_CENTRES = [
    {
        # Short name as in the WG roster, L409; full legal name from App. 2, L550–556.
        "name": "ГКУ ЦЗН города Нижнего Новгорода",
        "full_name": "Государственное казенное учреждение «Центр занятости населения города Нижнего Новгорода»",
        "aliases": [
            "ГКУ ЦЗН г.Н.Новгорода",  # L949
            "ЦЗН г.Н.Новгорода",  # L1838
            "ГКУ НО «ЦЗН г.Н.Новгорода»",  # L1889
            "ГКУ НО «ЦЗН города Нижнего Новгорода»",  # L7479–7482
            "ГКУ НО «Центр занятости населения города Нижнего Новгорода»",  # L7604–7607
            "ГКУ «Центр занятости населения города Нижнего Новгорода»",  # seed 003 L180
        ],
        "address": "город Нижний Новгород улица Рождественская дом 24 а",  # App. 2, L562–568
        "parent": None,
        "working_hours": None,  # not given in seed 000
        "is_pilot": True,  # App. 2, L517–568
        "is_modernised": False,  # not stated in any seed; demo default
        # Not stated for this centre. Seed 003 L97: most pilot offices «являются флагманами для
        # своего региона»; we mark the regional-capital centre as the flagship (ASSUMPTION).
        "is_flagship": True,
        "departments": list(_JOURNEY_MAP_DEPARTMENTS),
    },
    {
        "name": "ГКУ ЦЗН Павловского района",  # L397
        "full_name": "Государственное казенное учреждение «Центр занятости населения Павловского района»",  # L571–577
        "aliases": [
            "Павловский ЦЗН",  # L1841 («Павловского ЦЗН»)
            "ГКУ НО «Павловский ЦЗН»",  # L7470
            "ГКУ «Центр занятости населения Павловского района»",  # seed 003 L179
        ],
        "address": "Нижегородская область город Павлово улица Кирова дом 58 а",  # L580–589
        "parent": None,
        "working_hours": None,
        "is_pilot": True,
        "is_modernised": False,  # not stated; demo default
        "is_flagship": False,  # not stated; demo default
        # INVENTED for the demo (seed 000 names no departments of this centre); names reuse the
        # journey-map vocabulary. Павлово proposed retraining as its pilot theme (L967–979).
        "departments": [
            "Отдел трудоустройства",
            "Отдел профобучения и профориентации",
            "Отдел программ занятости и анализа рынка труда",
        ],
    },
    {
        "name": "ГКУ ЦЗН Сергачского района",  # L421
        "full_name": "Государственное казенное учреждение «Центр занятости населения Сергачского района»",  # L595–601
        "aliases": [
            "Сергачский ЦЗН",  # L1841 («Сергачского ЦЗН»)
            "ГКУ НО «Сергачский ЦЗН»",  # L7491
            "ГКУ «Центр занятости населения Сергачского района»",  # seed 003 L178
        ],
        "address": "Нижегородская область город Сергач поселок Молодежный дом 6",  # L604–613
        "parent": None,
        "working_hours": None,
        "is_pilot": True,
        "is_modernised": False,  # not stated; demo default
        "is_flagship": False,  # not stated; demo default
        # INVENTED for the demo (no departments named for this centre). Сергач proposed
        # employers as its pilot audience (L985–1000), hence an employer-facing unit.
        "departments": [
            "Отдел трудоустройства",
            "Отдел по работе с работодателями",  # invented name
        ],
    },
]

# ---------------------------------------------------------------------------
# People named in seed 000
# ---------------------------------------------------------------------------
# full_name / position exactly as in the working-group roster (App. 1 to the order, L337–487);
# the roster appends the WG role to the position («…, председатель рабочей группы»), kept here
# separately in wg_role. short_name = the form used in protocols. centre = NIZHNY_CENTRES name
# or None (regional authority). role = suggested cxm role (keys of app.models.org.ROLES).

NIZHNY_PEOPLE = [
    {
        # L352–364 (roster); signs the order L310 and all protocols L676–679, L1024, L1910, L7682.
        "full_name": "Садулина Арина Михайловна",
        "short_name": "А.М.Садулина",
        "position": "Руководитель управления по труду и занятости населения Нижегородской области",
        "centre": None,
        "wg_role": "председатель рабочей группы",
        "is_wg_member": True,
        "role": "group_head",
    },
    {
        # L370–382 (roster); appointed responsible person for the pilot L274–277; responsible for
        # roadmap meetings and monitoring (2.3, 2.6, 2.9, 2.11, 2.12). Suggested team_lead
        # (leads the cross-functional team day to day); responsible_employee would also fit.
        "full_name": "Антонова Татьяна Константиновна",
        "short_name": "Т.К.Антонова",
        "position": "Заместитель руководителя управления по труду и занятости населения Нижегородской области",
        "centre": None,
        "wg_role": "заместитель председателя рабочей группы",
        "is_wg_member": True,
        "role": "team_lead",
    },
    {
        # L388–397 (roster); attendee L703–709, L1698–1704; «Директор ГКУ НО «Павловский ЦЗН»» L7470–7476.
        "full_name": "Гусева Елена Сергеевна",
        "short_name": "Е.С.Гусева",
        "position": "Директор ГКУ ЦЗН Павловского района",
        "centre": "ГКУ ЦЗН Павловского района",
        "wg_role": "член рабочей группы",
        "is_wg_member": True,
        "role": "director",
    },
    {
        # L400–409 (roster); attendee L712–718, L1707–1713; absent on 12.10.2021 but still named
        # as addressee of the assignment L7604–7607.
        "full_name": "Егорова Людмила Германовна",
        "short_name": "Л.Г.Егорова",
        "position": "Директор ГКУ ЦЗН города Нижнего Новгорода",
        "centre": "ГКУ ЦЗН города Нижнего Новгорода",
        "wg_role": "член рабочей группы",
        "is_wg_member": True,
        "role": "director",
    },
    {
        # L412–421 (roster); attendee L721–727, L1716–1722; «Директор ГКУ НО «Сергачский ЦЗН»» L7491–7497.
        "full_name": "Кириличева Елена Михайловна",
        "short_name": "Е.М.Кириличева",
        "position": "Директор ГКУ ЦЗН Сергачского района",
        "centre": "ГКУ ЦЗН Сергачского района",
        "wg_role": "член рабочей группы",
        "is_wg_member": True,
        "role": "director",
    },
    {
        # L424–439 (roster); responsible person L280–283; distributes the roadmap and controls it
        # L909–925; sends materials and the final report to ФЦК L1874–1886, L7664–7676.
        # Also the region's contact in seed 003 (consultation log L1315, L1422, L1461).
        "full_name": "Напалкова Ирина Викторовна",
        "short_name": "И.В.Напалкова",
        "position": "Начальник отдела анализа рынка труда управления по труду и занятости населения Нижегородской области",
        "centre": None,
        "wg_role": "секретарь рабочей группы",
        "is_wg_member": True,
        "role": "secretary",
    },
    {
        # L445–463 (roster). Never appears in an attendee list. Suggested expert (vocational
        # training and guidance specialist in the cross-functional team, cf. L25).
        "full_name": "Терешенкова Екатерина Юрьевна",
        "short_name": "Е.Ю.Терешенкова",  # constructed: no short form occurs in the seed
        "position": "Начальник отдела профессионального обучения и профессиональной ориентации управления по труду и занятости населения Нижегородской области",
        "centre": None,
        "wg_role": "член рабочей группы",
        "is_wg_member": True,
        "role": "expert",
    },
    {
        # L469–487 (roster), attendee L742–754, L1737–1749. By 12.10.2021 her title is
        # «Начальник отдела организации трудоустройства и развития форм занятости управления…»
        # (L7512–7524) — see position_later.
        "full_name": "Томилина Ирина Андреевна",
        "short_name": "Томилина И.А.",
        "position": "Консультант отдела организации трудоустройства и развития форм занятости управления по труду и занятости населения Нижегородской области",
        "position_later": "Начальник отдела организации трудоустройства и развития форм занятости управления по труду и занятости населения Нижегородской области",
        "centre": None,
        "wg_role": "член рабочей группы",
        "is_wg_member": True,
        "role": "employee",
    },
    {
        # L7479–7488 (attendee of the 12.10.2021 meeting) and L7542 (speaker «Т.В.Глаголева»).
        # Acting director, NOT a WG member. Only initials are given anywhere in the seed, so
        # full_name is the surname with initials exactly as written.
        "full_name": "Глаголева Т.В.",
        "short_name": "Т.В.Глаголева",
        "position": "И.о. директора ГКУ НО «ЦЗН города Нижнего Новгорода»",
        "centre": "ГКУ ЦЗН города Нижнего Новгорода",
        "wg_role": None,
        "is_wg_member": False,
        "is_acting": True,
        "role": "director",
    },
]

# ---------------------------------------------------------------------------
# Seed 003: 13 pilot regions and 26 points of presence (offices)
# ---------------------------------------------------------------------------
# Regions: seed 003 L145–159 («…направили 13 регионов»). Offices: L163–198 announces
# «26 точках присутствия» (also L60 «26 офисов ЦЗН из 13 субъектов РФ», L737), but only 25 are
# named: 3+2+1+2+3+3+3+1+1+1+2+1+2 = 25. The 26th is a fourth Нижегородская office:
#   * L1422 (consultation log, 06.05.2022): data «собранные в четырех пилотных ЦЗН»;
#   * L1665 (Nizhny regional report): «личные кабинеты … для 4-х ЦЗН», «в каждом из 4-х
#     муниципальных образований»;
#   * the per-indicator counts only add up with Нижегородская = 4 offices: «Быстрое реагирование»
#     3 regions / 7 points (L972), «Предварительная запись» 2 / 5 (L984), «Комфортность» 5 / 11
#     (L1009), «Внешний вид сотрудников» 5 / 12 (L1049), against the matrix L291–305.
# No addresses are given in seed 003; the three named Nizhny offices take theirs from seed 000
# App. 2 (L562–613). Names are verbatim, including their oddities («города Тоцкого района»,
# «города Чугуевского района»).

FEDERAL_PILOT_REGIONS = [
    {
        "name": "Брянская область",  # L147, offices L165–168
        "aliases": ["Брянская обл."],
        "offices": [
            {"name": "ГКУ «Центр занятости населения города Брянска»", "address": None, "unnamed_in_source": False},
            {"name": "ГКУ «Центр занятости населения города Клинцы»", "address": None, "unnamed_in_source": False},
            {"name": "ГКУ «Центр занятости населения города Дятьково»", "address": None, "unnamed_in_source": False},
        ],
        # The Bryansk report (L1481) calls the city office «Кадровый центр «Работа России» города Брянска».
    },
    {
        "name": "Владимирская область",  # L148, offices L169–171
        "aliases": ["Владимирская обл."],
        "offices": [
            {"name": "ГКУ «Центр занятости населения города Владимира»", "address": None, "unnamed_in_source": False},
            {"name": "ГКУ «Центр занятости населения города Мурома»", "address": None, "unnamed_in_source": False},
        ],
    },
    {
        "name": "Красноярский край",  # L149, office L172
        "aliases": ["Красноярский кр."],
        "offices": [
            {"name": "КГКУ «Центр занятости населения г. Ачинска»", "address": None, "unnamed_in_source": False},
        ],
    },
    {
        "name": "Липецкая область",  # L150, offices L174–176
        "aliases": ["Липецкая обл."],
        "offices": [
            {"name": "ОКУ «Центр занятости населения Липецкой области»", "address": None, "unnamed_in_source": False},
            # A branch («городской отдел») of the regional ОКУ above (L176); the app may set parent.
            {
                "name": "ОКУ «Центр занятости населения Липецкой области» Елецкий городской отдел",
                "address": None,
                "unnamed_in_source": False,
            },
        ],
    },
    {
        "name": "Нижегородская область",  # L151, offices L177–180 (+ 4th per L1422, L1665)
        "aliases": ["Нижегородская обл.", "НО"],
        "offices": [
            {
                "name": "ГКУ «Центр занятости населения Сергачского района»",
                "address": "Нижегородская область город Сергач поселок Молодежный дом 6",
                "unnamed_in_source": False,
            },
            {
                "name": "ГКУ «Центр занятости населения Павловского района»",
                "address": "Нижегородская область город Павлово улица Кирова дом 58 а",
                "unnamed_in_source": False,
            },
            {
                "name": "ГКУ «Центр занятости населения города Нижнего Новгорода»",
                "address": "город Нижний Новгород улица Рождественская дом 24 а",
                "unnamed_in_source": False,
            },
            # Placeholder: the 26th office, never named in seed 003 (see the header comment).
            {
                "name": "Нижегородская область: офис №4 (не назван в источнике)",
                "address": None,
                "unnamed_in_source": True,
            },
        ],
    },
    {
        "name": "Оренбургская область",  # L152, offices L181–184
        "aliases": ["Оренбургская обл."],
        "offices": [
            {
                "name": "ГКУ «Центр занятости населения города Оренбурга и Оренбургского района»",
                "address": None,
                "unnamed_in_source": False,
            },
            {"name": "ГКУ «Центр занятости населения города Бугуруслана»", "address": None, "unnamed_in_source": False},
            {
                "name": "ГКУ «Центр занятости населения города Тоцкого района»",
                "address": None,
                "unnamed_in_source": False,
            },
        ],
    },
    {
        "name": "Приморский край",  # L153, offices L185–188
        "aliases": ["Приморский кр."],
        "offices": [
            {
                "name": "КГКУ «Приморский центр занятости населения города Владивостока»",
                "address": None,
                "unnamed_in_source": False,
            },
            {
                "name": "КГКУ «Приморский центр занятости населения Ханкайского района»",
                "address": None,
                "unnamed_in_source": False,
            },
            {
                "name": "КГКУ «Приморский центр занятости населения города Чугуевского района»",
                "address": None,
                "unnamed_in_source": False,
            },
        ],
        # The Primorye regional report (L1712–1730) has lost its header.
    },
    {
        "name": "Псковская область",  # L154, office L189
        "aliases": ["Псковская обл."],
        "offices": [
            {
                "name": "ГКУ «Областной центр занятости населения по городу Великие Луки и Великолукскому району»",
                "address": None,
                "unnamed_in_source": False,
            },
        ],
    },
    {
        "name": "Тамбовская область",  # L155, office L190
        "aliases": ["Тамбовская обл."],
        "offices": [
            {"name": "ТОГКУ «Центр занятости населения №3»", "address": None, "unnamed_in_source": False},
        ],
    },
    {
        "name": "Тюменская область",  # L156, office L191
        "aliases": ["Тюменская обл."],
        "offices": [
            # L1164 calls it «модернизированный Кадровый центр «Работа России» г. Тобольска и
            # Тобольского района», an «отделение регионального ЦЗН Тюменской области» with an
            # «Управляющий ЦЗН» — i.e. a centralised network, unlike Нижегородская.
            {
                "name": "ГАУ «Центр занятости населения по городу Тобольску и Тобольскому району»",
                "address": None,
                "unnamed_in_source": False,
            },
        ],
    },
    {
        "name": "Челябинская область",  # L157, offices L192–194
        "aliases": ["Челябинская обл."],
        "offices": [
            {"name": "ОКУ «Центр занятости населения города Челябинска»", "address": None, "unnamed_in_source": False},
            {"name": "ОКУ «Центр занятости населения города Троицка»", "address": None, "unnamed_in_source": False},
        ],
    },
    {
        # L158 «Ямало-Ненецкий АО»; L195 misspells it «Ямало-Ненецкий ОА»; matrix row «ЯНО»
        # (L291–305); «ЯНАО» elsewhere in the report.
        "name": "Ямало-Ненецкий АО",
        "aliases": ["ЯНАО", "Ямало-Ненецкий автономный округ", "Ямало-Ненецкий ОА", "ЯНО"],
        "offices": [
            {
                "name": "ГКУ «Центр занятости населения по городу Новому Уренгою»",
                "address": None,
                "unnamed_in_source": False,
            },
        ],
    },
    {
        "name": "Ярославская область",  # L159, offices L196–198
        "aliases": ["Ярославская обл.", "СЗН г. Ярославля"],  # report header L1863
        "offices": [
            {"name": "ГКУ «Центр занятости населения города Ярославля»", "address": None, "unnamed_in_source": False},
            {"name": "ГКУ «Центр занятости населения города Рыбинска»", "address": None, "unnamed_in_source": False},
        ],
    },
]

# Totals stated in seed 003 (L60, L145, L163), checked by tests/scripts against the list above.
FEDERAL_PILOT_TOTALS = {"regions": 13, "offices": 26, "offices_named_in_source": 25}
