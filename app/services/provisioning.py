"""Bulk provisioning: idempotent CSV import of regions, centres, departments and users.

`plan()` reads a file and tells, row by row, what would be created, updated or left alone,
without writing anything; `apply()` carries out an error-free plan in one transaction.

Rules shared by every kind: names are matched case- and ё/е-insensitively (by name first,
then by another name); an existing record is never renamed; an empty cell keeps the stored
value (a new record gets the default); roles and aliases are only ever added; every row must
lie within the actor's scope.
"""

import csv
import io
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from app.extensions import db
from app.models.base import normalise, today
from app.models.org import NETWORK_TYPES, ROLES, Centre, Department, Region, User
from app.services import audit, auth, org
from app.services.policy import FEDERATION, Scope, can

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
PHONE = re.compile(r"^[0-9 +()\-]{5,50}$")
ACTIONS = {"create": "создать", "update": "изменить", "unchanged": "без изменений", "error": "ошибка"}
YES = {"да", "д", "yes", "y", "true", "1", "+"}
NO = {"нет", "н", "no", "n", "false", "0", "-"}
SCOPE_LEVELS = ("federation", "region", "centre", "department")
SCOPE_NAMES = {
    "federation": "federation",
    "федерация": "federation",
    "фцк": "federation",
    "region": "region",
    "регион": "region",
    "centre": "centre",
    "center": "centre",
    "центр": "centre",
    "department": "department",
    "отдел": "department",
}
SCOPE_NOUNS = {"region": "регион", "centre": "центр", "department": "отдел"}


@dataclass(frozen=True)
class Column:
    """One column of an import format: English key, Russian header, help shown in the UI."""

    key: str
    header: str
    help: str
    example: str = ""
    required: bool = False
    limit: int = 300


@dataclass(frozen=True)
class Format:
    """The CSV layout of one kind of record."""

    label: str
    columns: tuple[Column, ...]

    def header(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)


_YES_NO = "«да» или «нет»."
_REGION = Column(
    "region",
    "Регион",
    "Название субъекта или одно из его других названий.",
    "Тверская область",
    required=True,
    limit=200,
)
_CENTRE = Column(
    "centre", "Центр", "Название центра в этом регионе или одно из его других названий.", "ЦЗН г. Твери", required=True
)

FORMATS: dict[str, Format] = {
    "regions": Format(
        "Регионы (СЗН)",
        (
            _REGION,
            Column(
                "aliases",
                "Другие названия",
                "Через «;». Добавляются к уже известным.",
                "Тверская обл.; Тверь",
                limit=1000,
            ),
            Column(
                "authority",
                "Орган СЗН",
                "Орган службы занятости субъекта.",
                "Министерство социальной защиты населения Тверской области",
                limit=500,
            ),
            Column("network", "Тип сети", "«централизованная» или «децентрализованная».", "централизованная"),
            Column(
                "managing_centre",
                "Управляющий ЦЗН",
                "Центр этого региона; назначается, когда центр уже загружен (повторите импорт после центров).",
                "ГКУ ЦЗН Тверской области",
            ),
        ),
    ),
    "centres": Format(
        "Центры занятости (ЦЗН)",
        (
            _REGION,
            _CENTRE,
            Column("aliases", "Другие названия", "Через «;». Добавляются к уже известным.", "ЦЗН Твери", limit=1000),
            Column("address", "Адрес", "Почтовый адрес центра.", "г. Тверь, ул. Советская, д. 1", limit=500),
            Column(
                "parent",
                "Головной центр",
                "Для филиала: центр того же региона, уже загруженный или стоящий выше в файле.",
                "",
            ),
            Column("working_hours", "Часы работы", "Свободный текст.", "пн–пт 9:00–18:00"),
            Column("pilot", "Пилотный", _YES_NO, "да", limit=10),
            Column("modernised", "Кадровый центр", "Кадровый центр «Работа России»: " + _YES_NO, "нет", limit=10),
            Column("flagship", "Флагманский", _YES_NO, "нет", limit=10),
            Column(
                "contact",
                "Ответственное лицо",
                "E-mail сотрудника, уже заведённого в cxm. Прежнее ответственное лицо остаётся в истории.",
                "ivanova@tver.ru",
                limit=254,
            ),
        ),
    ),
    "departments": Format(
        "Отделы",
        (
            _REGION,
            _CENTRE,
            Column(
                "department", "Отдел", "Название отдела или сектора.", "Отдел профессионального обучения", required=True
            ),
        ),
    ),
    "users": Format(
        "Сотрудники и роли",
        (
            Column("full_name", "ФИО", "Фамилия, имя, отчество.", "Иванова Анна Сергеевна", required=True),
            Column("position", "Должность", "", "Начальник отдела"),
            Column(
                "email",
                "E-mail",
                "Логин сотрудника; по нему сотрудник находится при повторной загрузке.",
                "ivanova@tver.ru",
                required=True,
                limit=254,
            ),
            Column("phone", "Телефон", "Цифры, пробелы, +, скобки и дефисы.", "+7 (4822) 12-34-56", limit=50),
            Column(
                "region",
                "Регион",
                "Место работы: регион; пусто — федеральный уровень (ФЦК).",
                "Тверская область",
                limit=200,
            ),
            Column("centre", "Центр", "Место работы: центр этого региона.", "ЦЗН г. Твери"),
            Column("department", "Отдел", "Место работы: отдел этого центра.", "Отдел профессионального обучения"),
            Column(
                "roles",
                "Роли",
                "Через «;»: код или название роли, при необходимости с областью @federation, @region, @centre "
                "или @department (регион, центр или отдел самого сотрудника). Без области — самое узкое "
                "место работы. Роли, которых нет в файле, не снимаются.",
                "director@centre; employee",
                limit=1000,
            ),
            Column("active", "Активен", _YES_NO + " Для новых сотрудников по умолчанию «да».", "да", limit=10),
        ),
    ),
}
_MODELS = {"regions": Region, "centres": Centre, "departments": Department, "users": User}
_NETWORKS = {normalise(label): code for code, label in NETWORK_TYPES.items()} | {c: c for c in NETWORK_TYPES}
_ROLES = {normalise(label): code for code, label in ROLES.items()} | {c: c for c in ROLES}


class ProvisioningError(ValueError):
    """The file as a whole cannot be imported; the message is for the user."""


@dataclass(frozen=True)
class New:
    """A record an earlier row of the same file creates."""

    line: int
    name: str


@dataclass
class PlannedRow:
    """What one row of the file would do."""

    line: int
    record: str = ""
    target: object = None
    values: dict = field(default_factory=dict)
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    grants: list[tuple[str, dict]] = field(default_factory=list)
    contact: User | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, text: str) -> None:
        self.errors.append(f"Строка {self.line}: {text}")

    def warn(self, text: str) -> None:
        self.warnings.append(f"Строка {self.line}: {text}")

    @property
    def action(self) -> str:
        if self.errors:
            return "error"
        if self.target is None:
            return "create"
        return "update" if self.changes else "unchanged"

    @property
    def action_label(self) -> str:
        return ACTIONS[self.action]


@dataclass
class ImportPlan:
    """A dry run of one file: every row with its action, changes and messages."""

    kind: str
    rows: list[PlannedRow]

    @property
    def label(self) -> str:
        return FORMATS[self.kind].label

    @property
    def errors(self) -> list[str]:
        return [e for row in self.rows for e in row.errors]

    @property
    def warnings(self) -> list[str]:
        return [w for row in self.rows for w in row.warnings]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return any(row.action in ("create", "update") for row in self.rows)


# ---- reading the file ----------------------------------------------------------------------


def _norm(text: str | None) -> str:
    """Matching key: case- and ё/е-insensitive, spaces collapsed."""
    return normalise(" ".join((text or "").split()))


def _decode(data: bytes) -> str:
    """The file as text: UTF-8 (with or without BOM), else Windows-1251; refuses big or binary files."""
    if len(data) > MAX_BYTES:
        raise ProvisioningError(f"Файл больше {MAX_BYTES // (1024 * 1024)} МБ: разделите его на части.")
    if data.startswith(b"PK\x03\x04") or b"\x00" in data:
        raise ProvisioningError(
            "Это не CSV-файл. В Excel сохраните таблицу как «CSV UTF-8» или «CSV (разделители — запятые)»."
        )
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not text.strip():
            raise ProvisioningError("Файл пустой.")
        return text
    raise ProvisioningError("Не удалось прочитать файл: сохраните его в кодировке UTF-8 или Windows-1251.")


def _header_keys(fmt: Format, header: list[str]) -> list[str | None]:
    """The column key of every header cell (None for an empty one); unknown names are refused."""
    known = {}
    for column in fmt.columns:
        known[_norm(column.header)] = known[_norm(column.key)] = column.key
    listed = ", ".join(f"«{c.header}»" for c in fmt.columns)
    keys: list[str | None] = []
    for cell in header:
        name = _norm(cell).rstrip("*").strip()
        if not name:
            keys.append(None)
            continue
        if name not in known:
            raise ProvisioningError(
                f"Неизвестный столбец «{cell.strip()}». Столбцы для вида «{fmt.label}»: "
                f"{listed}. Проверьте вид данных и кодировку файла."
            )
        if known[name] in keys:
            raise ProvisioningError(f"Столбец «{fmt.header(known[name])}» указан дважды.")
        keys.append(known[name])
    for column in fmt.columns:
        if column.required and column.key not in keys:
            raise ProvisioningError(f"В файле нет обязательного столбца «{column.header}».")
    return keys


def _read(kind: str, data: bytes) -> list[tuple[int, dict[str, str], list[str]]]:
    """Rows of the file as (line, cells by column key, row errors); blank rows are skipped.

    Line 1 is the header, so a line number matches the row number a spreadsheet shows.
    """
    fmt = FORMATS.get(kind)
    if fmt is None:
        raise ProvisioningError(f"Неизвестный вид данных «{kind}».")
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "," if first_line.count(",") > first_line.count(";") else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(itertools.islice(reader, MAX_ROWS + 2))
    except csv.Error:
        raise ProvisioningError(f"Файл повреждён около строки {reader.line_num}: проверьте кавычки.") from None
    if len(records) > MAX_ROWS + 1:
        raise ProvisioningError(f"В файле больше {MAX_ROWS} строк: разделите его на части.")
    keys = _header_keys(fmt, records[0])
    limits = {c.key: c for c in fmt.columns}
    rows = []
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = dict.fromkeys(limits, "")
        errors = []
        if len(record) > len(keys) and any(cell.strip() for cell in record[len(keys) :]):
            errors.append(
                f"Строка {line}: значений больше, чем столбцов; значения с «{delimiter}» заключите в кавычки."
            )
        for key, cell in zip(keys, record, strict=False):
            if key is None:
                continue
            cells[key] = " ".join(cell.split())
            if len(cells[key]) > limits[key].limit:
                errors.append(f"Строка {line}: в столбце «{limits[key].header}» больше {limits[key].limit} символов.")
        rows.append((line, cells, errors))
    if not rows:
        raise ProvisioningError("В файле нет строк с данными: только заголовок.")
    return rows


def template_csv(kind: str) -> bytes:
    """An empty file of the kind's format: UTF-8 with BOM, ';' as the delimiter (Excel-friendly)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerow([c.header for c in FORMATS[kind].columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---- planning ------------------------------------------------------------------------------


class _Index:
    """Records looked up by name first, then by another name."""

    def __init__(self):
        self.names: dict[str, object] = {}
        self.aliases: dict[str, object] = {}

    def add(self, item, name: str, aliases=()) -> None:
        self.names.setdefault(_norm(name), item)
        for alias in aliases:
            self.aliases.setdefault(_norm(alias), item)

    def find(self, text: str):
        key = _norm(text)
        found = self.names.get(key)
        return found if found is not None else self.aliases.get(key)


def _shown(value) -> str:
    """A stored or planned value as the preview shows it."""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, list):
        return "; ".join(value)
    if value is None or value == "":
        return "—"
    return NETWORK_TYPES.get(value, str(getattr(value, "name", value)))


def _aliases(text: str) -> list[str]:
    return [" ".join(a.split()) for a in text.split(";") if a.strip()]


def _place_label(region, centre, department) -> str:
    """«ЦЗН / Отдел», a centre, a region or the federal level, whichever is the narrowest given."""
    if department is not None:
        return f"{centre.name} / {department.name}"
    return (centre or region).name if (centre or region) is not None else "Федеральный уровень"


class _Planner:
    """Resolves rows against the database and the rows above them, without writing."""

    def __init__(self, kind: str, actor, rows):
        self.fmt, self.actor = FORMATS[kind], actor
        self.regions = _Index()
        for region in db.session.scalars(select(Region)):
            self.regions.add(region, region.name, region.aliases)
        self.centres: dict[int, _Index] = defaultdict(_Index)
        self.departments: dict[int, _Index] = defaultdict(_Index)
        if kind != "regions":
            for centre in db.session.scalars(select(Centre)):
                self.centres[centre.region_id].add(centre, centre.name, centre.aliases)
        if kind in ("departments", "users"):
            for department in db.session.scalars(select(Department)):
                self.departments[department.centre_id].add(department, department.name)
        emails = {cells[key].lower() for _, cells, _ in rows for key in ("email", "contact") if cells.get(key)}
        self.users = (
            {u.email.lower(): u for u in db.session.scalars(select(User).where(func.lower(User.email).in_(emails)))}
            if emails
            else {}
        )
        self.claimed: dict[object, int] = {}
        self.emails: dict[str, int] = {}

    # -- helpers

    def claim(self, row: PlannedRow, target, noun: str) -> bool:
        """Refuse a second row about the same record; True when this row may proceed."""
        first = target.line if isinstance(target, New) else self.claimed.setdefault(target, row.line)
        if first != row.line:
            row.error(f"{noun} повторяется в строке {first}.")
            return False
        return True

    def put(self, row: PlannedRow, key: str, attr: str, new, current=None) -> None:
        """Plan `attr` := `new` unless the cell was empty or the record already holds it."""
        if new is None or (row.target is not None and new == current):
            return
        row.values[attr] = new
        row.changes.append((self.fmt.header(key), _shown(current) if row.target is not None else "", _shown(new)))

    def flag(self, row: PlannedRow, cells: dict, key: str) -> bool | None:
        """A да/нет cell as a bool; None when empty or wrong (then with a row error)."""
        value = _norm(cells[key])
        if not value:
            return None
        if value in YES or value in NO:
            return value in YES
        row.error(f"в столбце «{self.fmt.header(key)}» укажите «да» или «нет», а не «{cells[key]}».")
        return None

    def merge_aliases(self, row: PlannedRow, index: _Index, name: str, text: str) -> None:
        """Add the row's other names to the record's, refusing those that name another record."""
        current = list(row.target.aliases) if row.target is not None else []
        taken = {_norm(a) for a in current} | {_norm(getattr(row.target, "name", name))}
        added = []
        for alias in _aliases(text):
            if _norm(alias) in taken:
                continue
            other = index.find(alias)
            if other is not None and other is not row.target:
                row.error(f"другое название «{alias}» уже относится к «{other.name}».")
            else:
                taken.add(_norm(alias))
                added.append(alias)
        if added:
            self.put(row, "aliases", "aliases", current + added, current)

    def region(self, row: PlannedRow, name: str) -> Region | None:
        region = self.regions.find(name)
        if region is None:
            row.error(f"регион «{name}» не найден.")
        return region

    def centre(self, row: PlannedRow, region: Region, name: str) -> Centre | None:
        centre = self.centres[region.id].find(name)
        if centre is None:
            row.error(f"центр «{name}» в регионе «{region.name}» не найден.")
        return centre

    def may(self, row: PlannedRow, permission: str, obj, what: str) -> bool:
        """Ask the policy; a refusal becomes a row error naming `what`."""
        if can(self.actor, permission, obj):
            return True
        row.error(f"нет прав на {what}.")
        return False

    # -- kinds

    def regions_row(self, row: PlannedRow, cells: dict) -> None:
        name = cells["region"]
        if not name:
            row.error("не указан регион.")
            return
        row.target = target = self.regions.find(name)
        row.record = target.name if target is not None else name
        if not self.claim(row, target or New(row.line, name), "регион"):
            return
        if target is None:
            self.may(row, "org.manage", FEDERATION, f"создание региона «{name}» (нужны права федерального уровня)")
            self.put(row, "region", "name", name)
        else:
            self.may(row, "org.manage", target, f"регион «{target.name}»")
        self.merge_aliases(row, self.regions, name, cells["aliases"])
        if target is None:
            self.regions.add(New(row.line, name), name, row.values.get("aliases", ()))
        self.put(row, "authority", "authority_name", cells["authority"] or None, getattr(target, "authority_name", ""))
        if cells["network"] and _norm(cells["network"]) not in _NETWORKS:
            row.error(
                f"неизвестный тип сети «{cells['network']}»: укажите «централизованная» или «децентрализованная»."
            )
        elif cells["network"]:
            self.put(
                row,
                "network",
                "network_type",
                _NETWORKS[_norm(cells["network"])],
                getattr(target, "network_type", None),
            )
        if cells["managing_centre"]:
            centre = self.centres_of(target).find(cells["managing_centre"]) if target is not None else None
            if centre is None:
                row.warn(
                    f"управляющий ЦЗН «{cells['managing_centre']}» пока не найден среди центров региона; "
                    "он будет назначен при повторной загрузке этого файла после загрузки центров."
                )
            else:
                self.put(row, "managing_centre", "managing_centre_id", centre, target.managing_centre)

    def centres_of(self, region: Region) -> _Index:
        """Centres of a region, loaded on first use (the regions kind skips them up front)."""
        if region.id not in self.centres:
            for centre in region.centres:
                self.centres[region.id].add(centre, centre.name, centre.aliases)
        return self.centres[region.id]

    def centres_row(self, row: PlannedRow, cells: dict) -> None:
        name = cells["centre"]
        for key, text in (("region", "регион"), ("centre", "центр")):
            if not cells[key]:
                row.error(f"не указан {text}.")
        region = self.region(row, cells["region"]) if cells["region"] else None
        if region is None or not name:
            return
        index = self.centres[region.id]
        row.target = target = index.find(name)
        row.record = f"{region.name} / {target.name if target is not None else name}"
        if not self.claim(row, target or New(row.line, name), "центр"):
            return
        if target is None:
            self.may(row, "org.manage", Scope(region.id, None), f"регион «{region.name}»")
            self.put(row, "centre", "name", name)
            self.put(row, "region", "region_id", region)
        else:
            self.may(row, "org.manage", target, f"центр «{target.name}»")
        self.merge_aliases(row, index, name, cells["aliases"])
        if target is None:
            index.add(New(row.line, name), name, row.values.get("aliases", ()))
        self.put(row, "address", "address", cells["address"] or None, getattr(target, "address", ""))
        self.put(
            row, "working_hours", "working_hours", cells["working_hours"] or None, getattr(target, "working_hours", "")
        )
        for key, attr in (("pilot", "is_pilot"), ("modernised", "is_modernised"), ("flagship", "is_flagship")):
            self.put(row, key, attr, self.flag(row, cells, key), getattr(target, attr, None))
        if cells["parent"]:
            self.parent(row, index, cells["parent"])
        if cells["contact"]:
            self.contact(row, cells["contact"])

    def parent(self, row: PlannedRow, index: _Index, name: str) -> None:
        """Plan the head centre of a branch: same region, no cycles, within the actor's scope."""
        parent = index.find(name)
        own = row.target if row.target is not None else New(row.line, row.values["name"])
        if parent is None:
            row.error(f"головной центр «{name}» не найден: он должен быть уже загружен или стоять выше в файле.")
        elif parent == own or isinstance(parent, Centre) and org.descends(parent, own):
            row.error("головной центр не может быть самим центром или его филиалом.")
        elif isinstance(parent, New) or self.may(row, "org.manage", parent, f"центр «{parent.name}»"):
            self.put(row, "parent", "parent_id", parent, getattr(row.target, "parent", None))

    def contact(self, row: PlannedRow, email: str) -> None:
        """Plan a new contact person; the current one is closed by org.set_contact on apply."""
        user = self.users.get(email.lower())
        if user is None or not can(self.actor, "user.view", user):
            row.error(f"сотрудник с e-mail «{email}» не найден.")
            return
        current = org.current_contact(row.target) if row.target is not None else None
        if current is None or current.user_id != user.id:
            row.contact = user
            row.changes.append((self.fmt.header("contact"), current.user.full_name if current else "", user.full_name))

    def departments_row(self, row: PlannedRow, cells: dict) -> None:
        for key, text in (("region", "регион"), ("centre", "центр"), ("department", "отдел")):
            if not cells[key]:
                row.error(f"не указан {text}.")
        if row.errors:
            return
        region = self.region(row, cells["region"])
        centre = self.centre(row, region, cells["centre"]) if region is not None else None
        if centre is None:
            return
        name = cells["department"]
        row.target = target = self.departments[centre.id].find(name)
        row.record = f"{centre.name} / {target.name if target is not None else name}"
        if not self.claim(row, target or New(row.line, name), "отдел"):
            return
        if self.may(row, "org.manage", centre, f"центр «{centre.name}»") and target is None:
            self.departments[centre.id].add(New(row.line, name), name)
            self.put(row, "department", "name", name)
            self.put(row, "centre", "centre_id", centre)

    def users_row(self, row: PlannedRow, cells: dict) -> None:
        email = self.email(row, cells["email"])
        if not cells["full_name"]:
            row.error("не указано ФИО.")
        named = any(cells[key] for key in ("region", "centre", "department"))
        place = self.placement(row, cells) if named else None
        if email is None or named and place is None:
            return
        row.record = email
        row.target = target = self.users.get(email)
        if target is not None and not self.may(row, "user.manage", target, f"сотрудника «{email}»"):
            return
        if target is None:
            self.put(row, "email", "email", email)
        self.put(row, "full_name", "full_name", cells["full_name"] or None, getattr(target, "full_name", ""))
        self.put(row, "position", "position", cells["position"] or None, getattr(target, "position", ""))
        if cells["phone"] and not PHONE.fullmatch(cells["phone"]):
            row.error(f"неверный телефон «{cells['phone']}»: допустимы цифры, пробелы, +, скобки и дефисы.")
        self.put(row, "phone", "phone", cells["phone"] or None, getattr(target, "phone", ""))
        self.put(row, "active", "active", self.flag(row, cells, "active"), getattr(target, "active", None))
        if place is None:
            place = (target.region, target.centre, target.department) if target is not None else (None,) * 3
        self.move(row, place)
        if cells["roles"]:
            self.roles(row, cells["roles"], place)

    def email(self, row: PlannedRow, raw: str) -> str | None:
        """The row's e-mail, valid, lower-cased and not repeated in the file, or None."""
        if not raw:
            row.error("не указан e-mail.")
            return None
        try:
            email = validate_email(raw, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            row.error(f"неверный e-mail «{raw}».")
            return None
        first = self.emails.setdefault(email, row.line)
        if first != row.line:
            row.error(f"e-mail повторяется в строке {first}.")
            return None
        return email

    def placement(self, row: PlannedRow, cells: dict):
        """(region, centre, department) named by the row, or None when one of them is wrong."""
        errors = len(row.errors)
        region = self.region(row, cells["region"]) if cells["region"] else None
        centre = department = None
        if cells["centre"] and not cells["region"]:
            row.error("центр указан без региона.")
        elif cells["centre"] and region is not None:
            centre = self.centre(row, region, cells["centre"])
        if cells["department"] and not cells["centre"]:
            row.error("отдел указан без центра.")
        elif cells["department"] and centre is not None:
            department = self.departments[centre.id].find(cells["department"])
            if department is None:
                row.error(f"отдел «{cells['department']}» в центре «{centre.name}» не найден.")
        return (region, centre, department) if len(row.errors) == errors else None

    def move(self, row: PlannedRow, place) -> None:
        """Plan the user's place of work, if it changes and the actor may place users there."""
        region, centre, department = place
        ids = tuple(getattr(p, "id", None) for p in place)
        target = row.target
        current = (target.region_id, target.centre_id, target.department_id) if target is not None else None
        if ids == current:
            return
        what = f"центр «{centre.name}»" if centre else f"регион «{region.name}»" if region else "федеральный уровень"
        if not self.may(row, "user.manage", Scope(ids[0], ids[1]), what):
            return
        row.values.update(region_id=ids[0], centre_id=ids[1], department_id=ids[2])
        before = _place_label(target.region, target.centre, target.department) if target is not None else ""
        row.changes.append(("Место работы", before, _place_label(region, centre, department)))

    def roles(self, row: PlannedRow, text: str, place) -> None:
        """Plan the roles of a cell that the user does not hold yet, each in a checked scope."""
        held = {(r.role, r.region_id, r.centre_id, r.department_id) for r in row.target.roles} if row.target else set()
        deepest = max((i + 1 for i, p in enumerate(place) if p is not None), default=0)
        for token in filter(None, (t.strip() for t in re.split(r"[;,]", text))):
            name, _, suffix = (p.strip() for p in token.partition("@"))
            role = _ROLES.get(_norm(name))
            level = SCOPE_NAMES.get(_norm(suffix)) if suffix else SCOPE_LEVELS[deepest]
            if role is None:
                row.error(f"неизвестная роль «{name}».")
                continue
            if level is None:
                row.error(
                    f"неизвестная область «@{suffix}» у роли «{name}»: допустимы @federation, @region, "
                    "@centre, @department."
                )
                continue
            depth = SCOPE_LEVELS.index(level)
            if depth and place[depth - 1] is None:
                row.error(f"для роли «{token}» не указан {SCOPE_NOUNS[level]} сотрудника.")
                continue
            scope = tuple(p if i < depth else None for i, p in enumerate(place))
            key = tuple(getattr(p, "id", None) for p in scope)
            label, where = ROLES[role], _place_label(*scope)
            if role in org.FEDERAL_ONLY_ROLES and depth:
                row.error(f"роль «{label}» назначается только на федеральном уровне.")
            elif not can(self.actor, "role.grant", Scope(key[0], key[1])):
                row.error(f"нет прав назначать роль «{label}» в области «{where}».")
            elif (role, *key) not in held:
                held.add((role, *key))
                row.grants.append((role, {f"{level}_id": key[depth - 1]} if depth else {}))
                row.changes.append((self.fmt.header("roles"), "", f"+ {label} ({where})"))


def plan(kind: str, file_bytes: bytes, actor) -> ImportPlan:
    """Check every row of a file against the database and the actor's rights; write nothing."""
    rows = _read(kind, file_bytes)
    planner = _Planner(kind, actor, rows)
    handle = getattr(planner, f"{kind}_row")
    planned = []
    for line, cells, errors in rows:
        row = PlannedRow(line, errors=list(errors))
        handle(row, cells)
        planned.append(row)
    return ImportPlan(kind, planned)


# ---- applying ------------------------------------------------------------------------------


def apply(plan: ImportPlan, actor, invite: bool) -> dict[str, int]:
    """Carry out a plan made in this request, all rows in one transaction, and commit.

    A plan with any error writes nothing. New users get an invitation e-mail when `invite`.
    Returns the counts by action plus `invited`.
    """
    if plan.errors:
        raise ProvisioningError("В файле есть ошибки: ничего не записано.")
    created: dict[int, object] = {}
    invited = 0

    def resolve(value):
        if isinstance(value, New):
            return created[value.line].id
        return value.id if isinstance(value, db.Model) else value

    try:
        for row in plan.rows:
            if row.action == "unchanged":
                continue
            values = {attr: resolve(value) for attr, value in row.values.items()}
            record = org.save(row.target or _MODELS[plan.kind](), values, actor=actor)
            created[row.line] = record
            if row.contact is not None:
                org.set_contact(record, row.contact, today(), actor=actor)
            for role, scope in row.grants:
                org.assign_role(record, role, actor=actor, **scope)
            if invite and plan.kind == "users" and row.target is None:
                auth.send_password_link(record, invitation=True, actor=actor)
                invited += 1
        counts = {**plan.counts, "invited": invited}
        audit.record("import.apply", object_type="Import", label=f"Импорт CSV: {plan.label}", after=counts, actor=actor)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts
