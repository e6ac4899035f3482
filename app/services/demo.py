"""Demo data: the Nizhny Novgorod pilot organisation (seed 000) and the federal pilot
regions and offices (seed 003), plus one sign-in per role. Loading twice changes nothing."""

from sqlalchemy import select

from app.demo.data import FEDERAL_PILOT_REGIONS, NIZHNY_CENTRES, NIZHNY_PEOPLE, NIZHNY_REGION
from app.extensions import db
from app.models.base import normalise
from app.models.org import ROLES, Centre, Department, Region, RoleAssignment, User
from app.services import demo_measurement
from app.services.demo_meetings import load_meetings

DEMO_PASSWORD = "cxm-demo-2026"
DEMO_DOMAIN = "demo.cxm"

# Roles that no person of seed 000 holds get a clearly fictional demo person.
FICTIONAL = {
    "admin": ("Администратор Демо", "Администратор системы", None),
    "federal_coordinator": ("Координатор ФЦК Демо", "Специалист ФЦК", None),
    "observer": ("Наблюдатель Демо", "Наблюдатель", "region"),
    "quality_officer": (
        "Контролёр Качества Демо",
        "Специалист сектора контроля качества",
        "ГКУ ЦЗН города Нижнего Новгорода",
    ),
    "responsible_employee": ("Ответственный Сотрудник Демо", "Ведущий инспектор", "ГКУ ЦЗН Павловского района"),
    "hr": ("Кадровик Демо", "Специалист по кадрам", "ГКУ ЦЗН города Нижнего Новгорода"),
}
FEDERAL_ROLES = {"admin", "federal_coordinator"}

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def _latin(text: str) -> str:
    return "".join(_TRANSLIT.get(c, c) for c in text.lower() if c.isalnum())


def _region(data: dict) -> Region:
    region = db.session.scalar(select(Region).where(Region.name == data["name"]))
    if region is None:
        region = Region(name=data["name"])
        db.session.add(region)
    region.aliases = sorted(set(region.aliases or []) | set(data.get("aliases", [])))
    region.authority_name = data.get("authority_name") or region.authority_name or ""
    region.network_type = data.get("network_type") or region.network_type or "decentralised"
    return region


def _centre(region: Region, name: str, aliases=(), **fields) -> Centre:
    """Find a centre of the region sharing a name or alias, or create it."""
    keys = {normalise(n) for n in (name, *aliases)}
    for centre in db.session.scalars(select(Centre).where(Centre.region_id == region.id)):
        if keys & {normalise(centre.name), *(normalise(a) for a in centre.aliases)}:
            break
    else:
        centre = Centre(region=region, name=name, aliases=[])
        db.session.add(centre)
    for attr, value in fields.items():
        if value is not None:
            setattr(centre, attr, value)
    return centre


def _user(
    email: str,
    full_name: str,
    position: str,
    region: Region | None,
    centre: Centre | None,
    role: str,
    scope: Region | Centre | None,
) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, full_name=full_name, position=position, phone="")
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
    user.region, user.centre = region, centre
    region_id = scope.id if isinstance(scope, Region) else None
    centre_id = scope.id if isinstance(scope, Centre) else None
    if not any((r.role, r.region_id, r.centre_id) == (role, region_id, centre_id) for r in user.roles):
        db.session.flush()
        user.roles.append(RoleAssignment(role=role, region_id=region_id, centre_id=centre_id))
    return user


def logins() -> list[tuple[str, str]]:
    """(role, e-mail) of the demo sign-ins present in the database: `<role>@demo.cxm`."""
    emails = {f"{role}@{DEMO_DOMAIN}": role for role in ROLES}
    found = db.session.scalars(select(User.email).where(User.email.in_(emails))).all()
    return sorted((emails[email], email) for email in found)


def load() -> list[tuple[str, str]]:
    """Create or update the demo organisation; returns (role, e-mail) of the demo logins."""
    regions = {}
    for data in FEDERAL_PILOT_REGIONS:
        region = regions[data["name"]] = _region(data)
        db.session.flush()
        for office in data["offices"]:
            _centre(
                region,
                office["name"],
                address=office.get("address"),
                is_pilot=True,
                name_unknown_in_source=office.get("unnamed_in_source", False),
            )
    nizhny = _region(NIZHNY_REGION)
    db.session.flush()
    centres = {}
    for data in NIZHNY_CENTRES:
        centre = centres[data["name"]] = _centre(
            nizhny,
            data["name"],
            data["aliases"],
            address=data.get("address"),
            working_hours=data.get("working_hours"),
            is_pilot=data["is_pilot"],
            is_modernised=data["is_modernised"],
            is_flagship=data["is_flagship"],
        )
        centre.name = data["name"]
        centre.aliases = sorted(set(centre.aliases) | set(data["aliases"]))
        db.session.flush()
        existing = {d.name for d in centre.departments}
        for name in data["departments"]:
            if name not in existing:
                db.session.add(Department(centre=centre, region_id=nizhny.id, name=name))
    seen_roles = set()
    for person in NIZHNY_PEOPLE:
        centre = centres.get(person["centre"])
        role = person["role"]
        email = (
            f"{role}@{DEMO_DOMAIN}"
            if role not in seen_roles
            else f"{_latin(person['full_name'].split()[0])}@{DEMO_DOMAIN}"
        )
        _user(email, person["full_name"], person["position"], nizhny, centre, role, centre or nizhny)
        seen_roles.add(role)
    for role, (name, position, place) in FICTIONAL.items():
        centre = centres.get(place)
        scope = None if role in FEDERAL_ROLES else (centre or nizhny)
        email = f"{role}@{DEMO_DOMAIN}"
        _user(email, name, position, None if scope is None else nizhny, centre, role, scope)
    load_meetings()
    db.session.commit()
    demo_measurement.load(nizhny)
    return logins()
