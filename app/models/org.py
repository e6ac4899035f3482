"""Organisation: regions (СЗН), centres (ЦЗН), departments, staff users, roles, consents."""

import hashlib
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.base import ScopedMixin, SearchableMixin, TimestampMixin, personal, utcnow

NETWORK_TYPES = {"centralised": "централизованная", "decentralised": "децентрализованная"}

ROLES = {
    "admin": "Администратор",
    "federal_coordinator": "Координатор ФЦК",
    "expert": "Эксперт",
    "observer": "Наблюдатель",
    "director": "Руководитель",
    "group_head": "Руководитель рабочей группы",
    "secretary": "Секретарь рабочей группы",
    "team_lead": "Руководитель команды",
    "quality_officer": "Специалист по контролю качества",
    "responsible_employee": "Ответственный сотрудник ЦЗН",
    "hr": "Кадровая служба",
    "employee": "Сотрудник",
}

CONSENT_PURPOSES = {
    "processing": "Обработка персональных данных",
    "contact_email": "Связь по электронной почте",
    "contact_sms": "Связь по SMS",
    "publish_name": "Публикация ФИО",
    "publish_photo": "Публикация фотографии",
}


class Region(SearchableMixin, TimestampMixin, db.Model):
    """СЗН субъекта РФ: a region's employment authority."""

    __tablename__ = "region"
    __search_fields__ = ("name", "aliases", "authority_name")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    authority_name: Mapped[str] = mapped_column(String(500), default="")
    network_type: Mapped[str] = mapped_column(String(20), default="decentralised")
    managing_centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id", use_alter=True, ondelete="SET NULL"))

    centres: Mapped[list["Centre"]] = relationship(
        back_populates="region", foreign_keys="Centre.region_id", order_by="Centre.name"
    )
    managing_centre: Mapped["Centre | None"] = relationship(foreign_keys=[managing_centre_id])

    @property
    def region_id(self) -> int:
        return self.id

    centre_id = None

    @property
    def network_label(self) -> str:
        return NETWORK_TYPES.get(self.network_type, self.network_type)

    def __str__(self) -> str:
        return self.name


class Centre(SearchableMixin, TimestampMixin, db.Model):
    """ЦЗН / Кадровый центр «Работа России» / точка присутствия; may be a branch of a parent."""

    __tablename__ = "centre"
    __search_fields__ = ("name", "aliases", "address")

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    address: Mapped[str] = mapped_column(String(500), default="")
    working_hours: Mapped[str] = mapped_column(String(300), default="")
    is_pilot: Mapped[bool] = mapped_column(Boolean, default=False)
    is_modernised: Mapped[bool] = mapped_column(Boolean, default=False)
    is_flagship: Mapped[bool] = mapped_column(Boolean, default=False)
    name_unknown_in_source: Mapped[bool] = mapped_column(Boolean, default=False)

    region: Mapped[Region] = relationship(back_populates="centres", foreign_keys=[region_id])
    parent: Mapped["Centre | None"] = relationship(remote_side=[id], back_populates="branches")
    branches: Mapped[list["Centre"]] = relationship(back_populates="parent")
    departments: Mapped[list["Department"]] = relationship(back_populates="centre", order_by="Department.name")

    @property
    def centre_id(self) -> int:
        return self.id

    def __str__(self) -> str:
        return self.name


class Department(SearchableMixin, TimestampMixin, db.Model):
    """Отдел / сектор inside a centre."""

    __tablename__ = "department"
    __search_fields__ = ("name",)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))

    centre: Mapped[Centre] = relationship(back_populates="departments")

    def __str__(self) -> str:
        return self.name


class User(UserMixin, SearchableMixin, ScopedMixin, TimestampMixin, db.Model):
    """Сотрудник: a staff member who signs in. Clients never do."""

    __tablename__ = "user"
    __search_fields__ = ("full_name", "position")  # e-mail search only for those who may see it

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = personal(String(300))
    position: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = personal(String(254), unique=True)
    phone: Mapped[str] = personal(String(50), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]

    region: Mapped[Region | None] = relationship(foreign_keys="User.region_id")
    centre: Mapped[Centre | None] = relationship(foreign_keys="User.centre_id")
    department: Mapped[Department | None] = relationship()
    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RoleAssignment.id"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def session_fingerprint(self) -> str:
        """Changes with the password, so sessions and remember-me cookies of the old one stop working."""
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:16]

    def get_id(self) -> str:
        return f"{self.id}:{self.session_fingerprint}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def role_names(self) -> set[str]:
        return {r.role for r in self.roles}

    @property
    def short_name(self) -> str:
        """«Иванов И. И.» from «Иванов Иван Иванович»."""
        parts = self.full_name.split()
        return " ".join(parts[:1] + [p[0] + "." for p in parts[1:3]]) if parts else ""

    def __str__(self) -> str:
        return self.full_name


class RoleAssignment(db.Model):
    """A role held by a user within a scope: federation (no region), a region or a centre.

    A department narrows a centre-level role (a team lead's department); visibility stays
    at the centre.
    """

    __tablename__ = "role_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")
    region: Mapped[Region | None] = relationship()
    centre: Mapped[Centre | None] = relationship()
    department: Mapped[Department | None] = relationship()

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def scope_label(self) -> str:
        if self.centre:
            return self.centre.name + (f" / {self.department.name}" if self.department else "")
        if self.region:
            return self.region.name
        return "Федеральный уровень"


class ContactAssignment(db.Model):
    """Ответственное лицо центра over a period; replacing one closes the previous row."""

    __tablename__ = "contact_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    centre: Mapped[Centre] = relationship()
    user: Mapped[User] = relationship()


class Consent(ScopedMixin, db.Model):
    """Согласие: on personal-data processing, contact channels or publicity, with text version.

    Given by an employee (user_id) or by a client (client_* fields, anonymised on expiry).
    """

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    client_name: Mapped[str | None] = personal(String(300), subject="client")
    client_email: Mapped[str | None] = personal(String(254), subject="client")
    client_phone: Mapped[str | None] = personal(String(50), subject="client")
    purpose: Mapped[str] = mapped_column(String(30))
    text_version: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text, default="")
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()

    @property
    def purpose_label(self) -> str:
        return CONSENT_PURPOSES.get(self.purpose, self.purpose)


class Setting(db.Model):
    """A site-wide setting editable by admins (e.g. client data retention in days)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(1000))
