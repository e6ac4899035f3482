"""Template helpers: Russian formatting, navigation by role, masking, glossary terms."""

from datetime import UTC, date, datetime
from functools import lru_cache

from babel import dates as babel_dates
from flask import Flask, request, url_for
from flask_babel import format_datetime, format_decimal
from flask_login import current_user
from markupsafe import Markup, escape

from app.models.base import MOSCOW, today
from app.services import audit
from app.services.personal_data import shown, shown_label
from app.services.policy import can
from app.services.terms import TERMS

NAVIGATION = [
    # (label, endpoint, permission or None for every signed-in user, group or None)
    ("Главная", "main.home", None, None),
    ("Экран руководителя", "dashboard.index", "dashboard.view", None),
    ("Мои задачи", "tasks.mine", None, None),
    ("Задачи команды", "tasks.team", "task.manage", None),
    ("Рабочие группы", "meetings.groups", "meeting.view", "Рабочая группа"),
    ("Заседания", "meetings.index", "meeting.view", "Рабочая группа"),
    ("Дорожные карты", "roadmap.index", "roadmap.view", "Пилотный проект"),
    ("Документы", "documents.index", "document.view", "Пилотный проект"),
    ("Отчёты для ФЦК", "reports.index", "report.view", "Пилотный проект"),
    ("Материалы регионов", "reports.federal", "report.review", "Пилотный проект"),
    ("Результаты и индекс", "results.index", "results.view", "Измерение"),
    ("Анкеты", "surveys.index", "survey.view", "Измерение"),
    ("Конструктор анкет", "survey_builder.index", "survey.manage", "Измерение"),
    ("Внести анкету", "surveys.enter", "response.enter", "Измерение"),
    ("Квоты и сбор ответов", "surveys.quotas", "survey.view", "Измерение"),
    ("Проверка ответов", "surveys.review", "response.review", "Измерение"),
    ("Точки контакта", "surveys.touch_points", "survey.manage", "Измерение"),
    ("Методика", "methodology.index", "methodology.view", "Измерение"),
    ("Регионы", "admin.regions", "org.view", "Организация"),
    ("Центры", "admin.centres", "org.view", "Организация"),
    ("Сотрудники", "admin.users", "user.view", "Организация"),
    ("Импорт", "admin.import_csv", "import.run", "Администрирование"),
    ("Журнал аудита", "admin.audit", "audit.view", "Администрирование"),
    ("Фоновые задачи", "jobs.index", "job.view", "Администрирование"),
    ("Исходящая почта", "admin.outbox", "outbox.view", "Администрирование"),
    ("Производственный календарь", "admin.calendar_overrides", "settings.manage", "Администрирование"),
    ("Настройки", "admin.settings", "settings.manage", "Администрирование"),
    ("Глоссарий", "main.glossary", None, None),
]


def navigation() -> list[dict]:
    """Menu entries the current user may open, the active one marked; grouped entries nest."""
    if not current_user.is_authenticated:
        return []
    items, groups = [], {}
    for label, endpoint, permission, group in NAVIGATION:
        if permission is not None and not can(current_user, permission):
            continue
        href = url_for(endpoint)
        active = request.endpoint == endpoint or (endpoint != "main.home" and request.path.startswith(href))
        entry = {"label": label, "href": href, "active": active, "children": None}
        if group is None:
            items.append(entry)
            continue
        if group not in groups:
            groups[group] = {"label": group, "href": None, "active": False, "children": []}
            items.append(groups[group])
        groups[group]["children"].append(entry)
        groups[group]["active"] |= active
    return items


def ru_date(value) -> str:
    """«5 марта 2026»."""
    if not value:
        return ""
    if isinstance(value, datetime):  # naive UTC: the day it was in Moscow
        return _ru_day(value.replace(tzinfo=UTC).astimezone(MOSCOW).date())
    return _ru_day(value) if isinstance(value, date) else str(value)


@lru_cache(maxsize=4096)
def _ru_day(day: date) -> str:
    """A calendar date has no time zone: its Russian form depends on nothing else (lists show hundreds)."""
    return babel_dates.format_date(day, "d MMMM y", locale="ru")


def ru_datetime(value) -> str:
    """«5 марта 2026, 14:05» in Moscow time (from a naive UTC timestamp)."""
    return format_datetime(value, "d MMMM y, HH:mm") if value else ""


def ru_wall_time(value) -> str:
    """The same format for a time people entered as Moscow wall-clock time (a meeting's start)."""
    return format_datetime(value, "d MMMM y, HH:mm", rebase=False) if value else ""


def ru_number(value, digits: int = 1) -> str:
    """«1 234,5»."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern)


def term(word: str, text: str | None = None) -> Markup:
    """A programme term with its definition as an accessible tooltip."""
    definition = TERMS.get(word.lower())
    label = escape(text or word)
    if not definition:
        return Markup(label)
    return Markup(
        f'<abbr class="term" tabindex="0" title="{escape(definition)}" data-bs-toggle="tooltip">{label}</abbr>'
    )


def history_visible(history) -> bool:
    """Whether the current user may see a record's history panel ("audit.view" on the record)."""
    return audit.may_view_history(current_user, history)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        ru_date=ru_date, ru_datetime=ru_datetime, ru_wall_time=ru_wall_time, ru_number=ru_number
    )
    app.jinja_env.globals.update(navigation=navigation, can=can, pd=lambda obj, field: shown(obj, field), term=term)
    app.jinja_env.globals["today"] = today

    def unread_notifications() -> int:
        """The signed-in user's unread notifications, for the navbar counter."""
        from app.services.notifications import unread_count

        return unread_count(current_user) if current_user.is_authenticated else 0

    app.jinja_env.globals["unread_notifications"] = unread_notifications
    app.jinja_env.globals.update(
        history_visible=history_visible,
        audit_changes=lambda event: audit.changes(event, current_user),
        audit_label=lambda event: shown_label(event, current_user),
        action_label=audit.action_label,
        object_type_label=audit.object_type_label,
    )
