"""Writing and reading the audit trail; showing it in Russian with personal data masked."""

from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.documents import DOCUMENT_KINDS
from app.models.meetings import GROUP_KINDS
from app.models.org import CONSENT_PURPOSES, ROLES
from app.services.policy import can, scoped

LOCAL_ZONE = "Europe/Moscow"

ACTION_LABELS = {
    "region.create": "Регион создан",
    "region.update": "Регион изменён",
    "centre.create": "Центр создан",
    "centre.update": "Центр изменён",
    "centre.contact": "Назначено ответственное лицо",
    "department.create": "Отдел создан",
    "department.update": "Отдел изменён",
    "user.create": "Сотрудник добавлен",
    "user.update": "Данные сотрудника изменены",
    "role.grant": "Роль назначена",
    "role.revoke": "Роль снята",
    "auth.login": "Вход в систему",
    "auth.logout": "Выход из системы",
    "auth.invite": "Отправлено приглашение",
    "auth.reset_issued": "Выдана ссылка для смены пароля",
    "auth.password_set": "Пароль изменён",
    "consent.give": "Дано согласие",
    "consent.withdraw": "Согласие отозвано",
    "attachment.add": "Добавлено вложение",
    "attachment.remove": "Вложение удалено",
    "api_token.create": "Выпущен API-токен",
    "api_token.revoke": "API-токен отозван",
    "import.apply": "Импорт из CSV",
    "personal.view": "Просмотр персональных данных",
    "personal.api": "Выдача персональных данных через API",
    "personal.export": "Выгрузка персональных данных",
    "personal.anonymise": "Обезличивание данных клиентов",
    "settings.update": "Изменены настройки",
    "audit.export": "Выгрузка журнала аудита",
    "calendar.override": "Изменён производственный календарь",
    "calendar.override_remove": "Отменено изменение календаря",
    "group.create": "Рабочая группа создана",
    "group.update": "Рабочая группа изменена",
    "group.member": "Изменён состав рабочей группы",
    "group.member_out": "Член группы выведен из состава",
    "meeting.create": "Заседание создано",
    "meeting.update": "Заседание изменено",
    "meeting.status": "Изменён статус заседания",
    "meeting.correction": "Начато исправление протокола",
    "meeting.item": "Изменена повестка",
    "meeting.decision": "Добавлено решение",
    "meeting.decision_removed": "Решение удалено",
    "meeting.attendance": "Отмечено участие",
    "task.create": "Поручение создано",
    "task.update": "Поручение изменено",
    "task.status": "Изменён статус поручения",
    "task.reassign": "Поручение передано другому ответственному",
    "task.people": "Изменён состав участников поручения",
    "task.export": "Выгрузка списка поручений",
    "roadmap.create": "Дорожная карта создана",
    "roadmap.update": "Дорожная карта изменена",
    "roadmap.block": "Изменён блок дорожной карты",
    "roadmap.item": "Изменено мероприятие дорожной карты",
    "roadmap.item_remove": "Мероприятие дорожной карты удалено",
    "roadmap.fact": "Отмечено исполнение мероприятия",
    "roadmap.evidence": "Добавлено подтверждение исполнения",
    "roadmap.approve": "Дорожная карта утверждена",
    "document.create": "Документ зарегистрирован",
    "document.update": "Документ изменён",
    "document.sign": "Документ подписан",
    "document.approves": "Документ утверждает запись",
    "document.approves_remove": "Снята утверждаемая запись",
    "document.distribute": "Документ направлен для ознакомления",
    "document.acknowledge": "Подтверждено ознакомление",
    "report.create": "Отчёт создан",
    "report.update": "Отчёт изменён",
    "report.package": "Собран пакет отчёта",
    "submission.submit": "Материалы представлены в ФЦК",
    "submission.return": "Запрошены недостающие данные",
    "submission.accept": "Материалы приняты ФЦК",
    "meeting.invite": "Разосланы приглашения",
    "meeting.invite_cancel": "Разослана отмена заседания",
    "survey.create": "Анкета создана",
    "survey.update": "Анкета изменена",
    "survey.publish": "Анкета опубликована",
    "survey.archive": "Анкета перенесена в архив",
    "survey.copy": "Создана копия анкеты",
    "survey.question_add": "Вопрос анкеты добавлен",
    "survey.question_update": "Вопрос анкеты изменён",
    "survey.question_move": "Изменён порядок вопросов",
    "survey.question_remove": "Вопрос анкеты удалён",
    "survey_link.create": "Создана ссылка на анкету",
    "survey_link.activate": "Ссылка на анкету включена",
    "survey_link.deactivate": "Ссылка на анкету отключена",
    "touch_point.create": "Точка контакта создана",
    "touch_point.update": "Точка контакта изменена",
    "touch_point.activate": "Точка контакта включена",
    "touch_point.deactivate": "Точка контакта отключена",
    "quota.set": "Установлена квота",
    "response.quarantine": "Ответ отправлен на проверку",
    "response.review": "Решение по ответу на проверке",
    "methodology.clone": "Создана копия версии методики",
    "methodology.edit": "Изменён черновик методики",
    "methodology.activate": "Версия методики введена в действие",
    "results.recalculate": "Запущен пересчёт показателей и индекса",
}

FIELD_LABELS = {
    "signed_on": "Дата документа",
    "issuer": "Кем издан",
    "signatory": "Подписант",
    "appendices": "Приложения",
    "approves": "Утверждает",
    "acknowledged": "Ознакомлен(а)",
    "section": "Раздел",
    "text": "Текст",
    "roadmap": "Дорожная карта",
    "full_name": "ФИО",
    "email": "Электронная почта",
    "phone": "Телефон",
    "position": "Должность",
    "active": "Активен",
    "region_id": "Регион",
    "centre_id": "Центр",
    "department_id": "Отдел",
    "name": "Название",
    "aliases": "Другие названия",
    "authority_name": "Наименование органа",
    "network_type": "Тип сети",
    "managing_centre_id": "Управляющий центр",
    "address": "Адрес",
    "parent_id": "Головной центр",
    "working_hours": "Часы работы",
    "is_pilot": "Пилотный",
    "is_modernised": "Модернизирован",
    "is_flagship": "Флагманский",
    "contact": "Ответственное лицо",
    "from": "С даты",
    "role": "Роль",
    "scope": "Область действия",
    "purpose": "Цель",
    "version": "Версия текста",
    "token": "Токен",
    "attachment": "Вложение",
    "days": "Срок хранения, дней",
    "rows": "Записей",
    "cutoff": "Граница срока",
    "ids": "Записи",
    "fields": "Поля",
    "is_working": "Рабочий день",
    "note": "Примечание",
    "status": "Статус",
    "number": "Номер",
    "date": "Дата",
    "reason": "Причина",
    "item": "Вопрос повестки",
    "decision": "Решение",
    "member": "Член группы",
    "to": "По дату",
    "substitute": "Замещает",
    "title": "Название",
    "description": "Описание",
    "responsible_id": "Ответственный",
    "controller_id": "Контролёр",
    "due_on": "Срок",
    "deadline_text": "Срок (как в решении)",
    "priority": "Приоритет",
    "standing": "Постоянное",
    "evidence_required": "Нужны подтверждения",
    "recurrence_days": "Повтор, дней",
    "starts_at": "Дата и время",
    "place": "Место",
    "link": "Ссылка",
    "chair_id": "Председатель",
    "secretary_id": "Секретарь",
    "registration_number": "Регистрационный номер",
    "kind": "Вид",
    "approved_by": "Утверждена",
    "co_executors": "Соисполнители",
    "watchers": "Наблюдатели",
    "recipients": "Получателей",
    "client_type": "Кого опрашиваем",
    "intro": "Вступление",
    "outro": "Завершение",
    "required": "Обязательный",
    "show_if": "Условие показа",
    "options": "Варианты",
    "flags": "Признаки",
    "target": "Квота",
}

OBJECT_LABELS = {
    "Region": "Регион",
    "Centre": "Центр",
    "Department": "Отдел",
    "User": "Сотрудник",
    "Consent": "Согласие",
    "Setting": "Настройка",
    "Import": "Импорт",
    "AuditEvent": "Журнал аудита",
    "CalendarOverride": "Производственный календарь",
    "WorkingGroup": "Рабочая группа",
    "Meeting": "Заседание",
    "Task": "Поручение",
    "Roadmap": "Дорожная карта",
    "Document": "Документ",
    "PilotReport": "Отчёт о пилотной апробации",
    "Submission": "Материалы для ФЦК",
    "Survey": "Анкета",
    "SurveyLink": "Ссылка на анкету",
    "TouchPoint": "Точка контакта",
    "Quota": "Квота",
    "Response": "Ответ клиента",
    "Methodology": "Методика",
    "system": "Система",
}

_VALUE_LABELS = {"role": ROLES, "purpose": CONSENT_PURPOSES, "kind": {**GROUP_KINDS, **DOCUMENT_KINDS}}


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return str(value)


def snapshot(obj, fields) -> dict:
    """The named attributes of `obj` as JSON-safe values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    action: str, obj=None, *, before=None, after=None, actor=None, object_type=None, object_id=None, label=None
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else "system"),
        object_id=object_id if object_id is not None else getattr(obj, "id", None),
        object_label=(label or (str(obj) if obj is not None else ""))[:300],
        region_id=getattr(obj, "region_id", None),
        centre_id=getattr(obj, "centre_id", None),
        before=_plain(before) if before else None,
        after=_plain(after) if after else None,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


class History(list):
    """Events about one record, newest first; remembers the record to check who may see them."""

    subject = None


def history(obj, limit: int = 50) -> History:
    """Events about one record, newest first."""
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.object_type == type(obj).__name__, AuditEvent.object_id == obj.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    events = History(db.session.scalars(stmt))
    events.subject = obj
    return events


def may_view_history(user, events) -> bool:
    """The history panel shows only to holders of "audit.view" on its record; a bare list
    of events, whose record is unknown, needs the right on every event."""
    subject = getattr(events, "subject", None)
    if subject is not None:
        return can(user, "audit.view", subject)
    return bool(events) and all(can(user, "audit.view", e) for e in events)


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def object_type_label(code: str) -> str:
    return OBJECT_LABELS.get(code, code)


def _display(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, list):
        if key == "fields":
            return ", ".join(field_label(str(v)) for v in value) or "—"
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{field_label(k)}: {_display(k, v)}" for k, v in value.items()) or "—"
    return str(_VALUE_LABELS.get(key, {}).get(value, value))


class Change(NamedTuple):
    """One changed value of an audit event, ready to show."""

    key: str
    label: str
    before: str | None  # None: the event has no "before" for this key
    after: str


def changes(event, user=None) -> list[Change]:
    """The event's before/after values with Russian labels, personal data masked for `user`."""
    from app.services.personal_data import shown_change  # personal_data writes the audit trail

    user = user or current_user
    before, after = event.before or {}, event.after or {}
    rows = []
    for key in list(dict.fromkeys([*after, *before])):
        old = _display(key, shown_change(event, key, before[key], user)) if key in before else None
        new = _display(key, shown_change(event, key, after.get(key), user))
        rows.append(Change(key, field_label(key), old, new))
    return rows


def masked_values(event, values: dict | None, user=None) -> dict | None:
    """A before/after dict with personal data masked for `user` (for exports)."""
    from app.services.personal_data import shown_change

    if not values:
        return values
    user = user or current_user
    return {k: shown_change(event, k, v, user) for k, v in values.items()}


def utc_bounds(first: date | None, last: date | None, zone: str = LOCAL_ZONE) -> tuple[datetime | None, ...]:
    """[start, end) in naive UTC covering whole local days `first`..`last` (either may be open).

    Timestamps are stored as naive UTC (`utcnow`); users pick dates in the local zone.
    """
    tz = ZoneInfo(zone)

    def start_of(day: date) -> datetime | None:
        try:
            return datetime.combine(day, time(), tzinfo=tz).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
        except OverflowError:
            return None

    start = start_of(first) if first else None
    end = None
    if last:
        try:
            end = start_of(last + timedelta(days=1))
        except OverflowError:
            end = None
    return start, end


def search(
    user, *, action=None, object_type=None, first: date | None = None, last: date | None = None, zone=LOCAL_ZONE
):
    """Events `user` may see under "audit.view", filtered, newest first.

    `first`/`last` are local dates (inclusive), turned into UTC bounds.
    """
    stmt = scoped(select(AuditEvent), AuditEvent, user, "audit.view")
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    start, end = utc_bounds(first, last, zone)
    if start is not None:
        stmt = stmt.where(AuditEvent.at >= start)
    if end is not None:
        stmt = stmt.where(AuditEvent.at < end)
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
