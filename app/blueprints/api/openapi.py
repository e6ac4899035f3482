"""The OpenAPI 3.1 document of API v1, generated from a table of endpoints.

A new resource adds rows to ENDPOINTS (and, if needed, its schema and query parameters);
a test checks that every rule under /api/v1 is documented here. Rows sharing a path are
the methods of one path item.
"""

import re
from dataclasses import dataclass

from app.blueprints.api.schemas import DEFAULT_PER_PAGE, MAX_PER_PAGE
from app.models.documents import APPROVAL_VERBS, DOCUMENT_KINDS, DOCUMENT_STATUSES
from app.models.meetings import ATTENDANCE, DECISION_VERBS, GROUP_KINDS, MEETING_STATUSES, MEMBER_ROLES
from app.models.org import NETWORK_TYPES, ROLES
from app.models.roadmap import DEADLINE_KINDS, ROADMAP_STATUSES
from app.models.tasks import PRIORITIES, TASK_SOURCES, TASK_STATUSES
from app.services.artefacts import ARTEFACT_KINDS
from app.services.calendar import ACCEPTED_FORMS, KINDS
from app.services.roadmap import STATUS_LABELS
from app.services.tasks import MAX_COMMENT, MAX_RECURRENCE_DAYS, MY_ROLES, SORTS

BASE = "/api/v1"


@dataclass(frozen=True)
class Endpoint:
    """One operation: `path` is relative to BASE, with `{name}` path parameters."""

    operation_id: str
    path: str
    summary: str
    schema: str | None = None  # the answer's schema; a list answers a Page of it
    many: bool = False
    filters: tuple[str, ...] = ()  # keys of PARAMETERS
    permission: str | None = None
    public: bool = False
    method: str = "get"
    body: str | None = None  # the request body's schema
    created: bool = False  # answers 201 with a Location header
    forbidden: bool = False  # may answer 403 though no single permission says so
    conflict: bool = False  # may answer 409
    description: str = ""  # replaces the generated «Требуется право …» text


READ_ONLY = (
    "Только чтение: через API рабочие группы, заседания, протоколы и решения не изменяются — "
    "на PUT, PATCH, POST и DELETE по этим адресам ответ 405, ничего не меняется. "
    "Подписанный протокол исправляется только в интерфейсе, новой редакцией с указанием причины."
)
MEETINGS_RIGHT = f"Требуется право meeting.view; записи ограничены областью ролей. {READ_ONLY}"
NO_CHANGES = "Только чтение: на PUT, PATCH, POST и DELETE по этим адресам ответ 405, ничего не меняется."
ROADMAPS_RIGHT = (
    "Требуется право roadmap.view; записи ограничены областью ролей. Статус мероприятия не хранится: он "
    "вычисляется из плана и факта на дату on (по умолчанию сегодня). " + NO_CHANGES
)
DOCUMENTS_SEEN = (
    "Видны документы в области права document.view вызывающего, а также направленные ему для ознакомления, "
    "где бы они ни были. " + NO_CHANGES
)
TASKS_SEEN = (
    "Видны поручения в области права task.view вызывающего, а также все поручения, в которых он "
    "участвует (ответственный, соисполнитель, контролёр, автор, наблюдатель), где бы они ни были."
)


ENDPOINTS = (
    Endpoint("getOpenApi", "/openapi.json", "Описание API в формате OpenAPI 3.1", public=True),
    Endpoint("getMe", "/me", "Владелец токена: сотрудник, его роли и области", "User"),
    Endpoint("listRegions", "/regions", "Регионы (СЗН)", "Region", True, ("q",), "org.view"),
    Endpoint("getRegion", "/regions/{region_id}", "Регион (СЗН)", "Region", permission="org.view"),
    Endpoint(
        "listCentres", "/centres", "Центры занятости (ЦЗН)", "Centre", True, ("q", "region_id", "pilot"), "org.view"
    ),
    Endpoint("getCentre", "/centres/{centre_id}", "Центр занятости (ЦЗН)", "Centre", permission="org.view"),
    Endpoint("listUsers", "/users", "Сотрудники", "User", True, ("q", "centre_id", "role"), "user.view"),
    Endpoint("getUser", "/users/{user_id}", "Сотрудник", "User", permission="user.view"),
    Endpoint(
        "listGroups",
        "/groups",
        "Рабочие группы",
        "WorkingGroup",
        True,
        ("q", "kind", "active"),
        "meeting.view",
        description=MEETINGS_RIGHT,
    ),
    Endpoint(
        "getGroup",
        "/groups/{group_id}",
        "Рабочая группа и её состав на дату",
        "WorkingGroupDetail",
        filters=("on",),
        permission="meeting.view",
        description=MEETINGS_RIGHT,
    ),
    Endpoint(
        "listMeetings",
        "/meetings",
        "Заседания рабочих групп",
        "Meeting",
        True,
        ("group_id", "meeting_status", "year"),
        "meeting.view",
        description=MEETINGS_RIGHT,
    ),
    Endpoint(
        "getMeeting",
        "/meetings/{meeting_id}",
        "Заседание: участники, повестка, решения, редакции протокола",
        "MeetingDetail",
        permission="meeting.view",
        description=MEETINGS_RIGHT,
    ),
    Endpoint(
        "listMeetingDecisions",
        "/meetings/{meeting_id}/decisions",
        "Решения заседания в порядке протокола (1.1, 1.2 …)",
        "Decision",
        True,
        ("verb",),
        "meeting.view",
        description=MEETINGS_RIGHT,
    ),
    Endpoint(
        "listTasks",
        "/tasks",
        "Поручения",
        "Task",
        True,
        (
            "task_q",
            "task_status",
            "overdue",
            "task_centre_id",
            "department_id",
            "source",
            "due_from",
            "due_to",
            "mine",
            "sort",
        ),
        description=f"{TASKS_SEEN} Особого права не требуется: без области и участия список пуст.",
    ),
    Endpoint(
        "createTask",
        "/tasks",
        "Создать поручение",
        "TaskDetail",
        method="post",
        body="TaskCreate",
        created=True,
        forbidden=True,
        description=(
            "Требуется право task.manage хотя бы в одной области. Ответственный, контролёр, соисполнители "
            "и наблюдатели — активные сотрудники в области права user.view вызывающего; отдел — в области "
            "task.manage. Срок задаётся одним способом: due_on, deadline или standing: true. "
            "Ошибка в теле — 400 с полем field; ничего не создаётся."
        ),
    ),
    Endpoint("getTask", "/tasks/{task_id}", "Поручение", "TaskDetail", description=TASKS_SEEN),
    Endpoint(
        "updateTask",
        "/tasks/{task_id}",
        "Изменить поручение",
        "TaskDetail",
        method="patch",
        body="TaskUpdate",
        forbidden=True,
        description=(
            "Меняются только переданные поля. Изменять могут автор, контролёр и руководители с правом "
            "task.manage в области поручения (иначе 403). Статус здесь не меняется — для него "
            "POST /tasks/{task_id}/status. Ошибка в теле — 400 с полем field; ничего не меняется."
        ),
    ),
    Endpoint(
        "changeTaskStatus",
        "/tasks/{task_id}/status",
        "Сменить статус поручения",
        "TaskDetail",
        method="post",
        body="TaskStatusChange",
        forbidden=True,
        conflict=True,
        description=(
            "Переходы: новая → в работе (исполнители) → на проверке (исполнители) → выполнена; отменить, "
            "принять, вернуть на доработку и переоткрыть могут автор, контролёр и руководители. "
            "403 — вызывающий не исполнитель и не руководитель поручения. 409 — правила не позволяют этот "
            "переход сейчас: не из текущего статуса, не для вашей роли в поручении (исполнитель не может "
            "отменить) или нет требуемых подтверждающих материалов; текст ошибки объясняет причину. "
            "Ничего не меняется."
        ),
    ),
    Endpoint(
        "listRoadmaps",
        "/roadmaps",
        "Дорожные карты с итогом исполнения на дату",
        "Roadmap",
        True,
        ("roadmap_q", "roadmap_status", "status_on"),
        "roadmap.view",
        description=ROADMAPS_RIGHT,
    ),
    Endpoint(
        "getRoadmap",
        "/roadmaps/{roadmap_id}",
        "Дорожная карта: блоки, мероприятия, план и факт, статусы, утверждение",
        "RoadmapDetail",
        filters=("status_on",),
        permission="roadmap.view",
        description=ROADMAPS_RIGHT,
    ),
    Endpoint(
        "listDocuments",
        "/documents",
        "Реестр документов: приказы, протоколы, письма",
        "Document",
        True,
        ("document_q", "document_kind", "document_status"),
        description=f"{DOCUMENTS_SEEN} Особого права не требуется: без области и рассылки список пуст.",
    ),
    Endpoint(
        "getDocument",
        "/documents/{document_id}",
        "Документ: что утверждает, чем утверждён, кому направлен",
        "DocumentDetail",
        description=(
            f"{DOCUMENTS_SEEN} Список рассылки с отметками об ознакомлении (recipients) — только для тех, "
            "кто может вести документ (право document.manage в его области); иначе null."
        ),
    ),
)


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _object(properties: dict) -> dict:
    """An object schema in which every property is required."""
    return {"type": "object", "required": list(properties), "properties": properties}


INTEGER = {"type": "integer"}
POSITIVE = {"type": "integer", "minimum": 1}
STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
NULLABLE_REF = {"anyOf": [_ref("schemas", "Ref"), {"type": "null"}]}
STRINGS = {"type": "array", "items": STRING}
MASKED = "Персональные данные: маскируются, если у вызывающего нет права personal.view в области сотрудника."

DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}
NULLABLE_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
NULLABLE_STRING = {"type": ["string", "null"]}
PERSON = _ref("schemas", "Person")
NULLABLE_PERSON = {"anyOf": [PERSON, {"type": "null"}]}
PEOPLE = {"type": "array", "items": PERSON}
INTEGERS = {"type": "array", "items": INTEGER}
IDS = {"type": "array", "items": {"type": "integer", "minimum": 1}, "maxItems": 100}


def _enum(values) -> dict:
    return {"type": "string", "enum": list(values)}


def _extends(base: str, properties: dict) -> dict:
    return {"allOf": [_ref("schemas", base), _object(properties)]}


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {**STRING, "description": "Сообщение на русском языке"},
            "field": {**STRING, "description": "Поле тела запроса, в котором ошибка (если она в поле)"},
        },
    },
    "Ref": _object({"id": INTEGER, "name": STRING}),
    "Page": _object(
        {"items": {"type": "array"}, "page": INTEGER, "per_page": INTEGER, "total": INTEGER, "pages": INTEGER}
    ),
    "Region": _object(
        {
            "id": INTEGER,
            "name": STRING,
            "aliases": STRINGS,
            "authority_name": STRING,
            "network_type": {"type": "string", "enum": list(NETWORK_TYPES)},
            "network_label": STRING,
            "managing_centre": NULLABLE_REF,
        }
    ),
    "Centre": _object(
        {
            "id": INTEGER,
            "name": STRING,
            "aliases": STRINGS,
            "region": _ref("schemas", "Ref"),
            "parent": NULLABLE_REF,
            "address": STRING,
            "working_hours": STRING,
            "is_pilot": BOOLEAN,
            "is_modernised": BOOLEAN,
            "is_flagship": BOOLEAN,
        }
    ),
    "Role": _object(
        {
            "role": {"type": "string", "enum": list(ROLES)},
            "label": STRING,
            "scope": {**STRING, "description": "Область роли: центр, регион или федеральный уровень"},
            "region_id": NULLABLE_INTEGER,
            "centre_id": NULLABLE_INTEGER,
        }
    ),
    "User": _object(
        {
            "id": INTEGER,
            "full_name": {**STRING, "description": MASKED},
            "position": STRING,
            "email": {**STRING, "description": MASKED},
            "phone": {**STRING, "description": MASKED},
            "active": BOOLEAN,
            "region": NULLABLE_REF,
            "centre": NULLABLE_REF,
            "department": NULLABLE_REF,
            "roles": {"type": "array", "items": _ref("schemas", "Role")},
        }
    ),
    "Person": _object({"id": INTEGER, "name": {**STRING, "description": f"ФИО. {MASKED}"}}),
    "WorkingGroup": _object(
        {
            "id": INTEGER,
            "name": STRING,
            "kind": _enum(GROUP_KINDS),
            "kind_label": STRING,
            "approved_by": {**STRING, "description": "Приказ, которым утверждён состав"},
            "active": BOOLEAN,
            "region": NULLABLE_REF,
            "centre": NULLABLE_REF,
        }
    ),
    "GroupMember": _object(
        {
            "id": INTEGER,
            "user": PERSON,
            "role": _enum(MEMBER_ROLES),
            "role_label": STRING,
            "position": {**STRING, "description": "Должность на дату состава"},
            "valid_from": DATE,
            "valid_to": NULLABLE_DATE,
            "order_reference": STRING,
        }
    ),
    "WorkingGroupDetail": _extends(
        "WorkingGroup",
        {"members": {"type": "array", "items": _ref("schemas", "GroupMember"), "description": "Состав на дату"}},
    ),
    "Meeting": _object(
        {
            "id": INTEGER,
            "group": _ref("schemas", "Ref"),
            "number": NULLABLE_INTEGER,
            "number_label": STRING,
            "year": INTEGER,
            "starts_at": {**DATE_TIME, "description": "Начало, московское время (+03:00)"},
            "place": STRING,
            "link": STRING,
            "status": _enum(MEETING_STATUSES),
            "status_label": STRING,
            "read_only": {**BOOLEAN, "description": "Протокол подписан: изменяется только новой редакцией"},
            "registration_number": STRING,
            "chair": NULLABLE_PERSON,
            "secretary": NULLABLE_PERSON,
            "signed_at": NULLABLE_DATE_TIME,
            "revision": {**INTEGER, "description": "Номер текущей редакции протокола (0 — не подписывался)"},
            "region_id": NULLABLE_INTEGER,
            "centre_id": NULLABLE_INTEGER,
        }
    ),
    "Attendance": _object(
        {
            "id": INTEGER,
            "user_id": NULLABLE_INTEGER,
            "full_name": {**STRING, "description": MASKED},
            "position": STRING,
            "status": _enum(ATTENDANCE),
            "status_label": STRING,
            "substitute_name": {**STRING, "description": MASKED},
            "substitute_position": STRING,
        }
    ),
    "Deadline": {
        "type": "object",
        "description": "Срок решения: дата, относительный срок (рабочие или календарные дни), "
        "следующий рабочий день после утверждения или постоянно",
        "required": ["kind"],
        "properties": {
            "kind": _enum(KINDS),
            "on": DATE,
            "days": INTEGER,
            "working": BOOLEAN,
            "text": STRING,
        },
    },
    "Decision": _object(
        {
            "id": INTEGER,
            "item_id": INTEGER,
            "number": {**STRING, "description": "Номер в протоколе: 1.1, 1.2 …"},
            "verb": _enum(DECISION_VERBS),
            "verb_label": STRING,
            "text": STRING,
            "line": {**STRING, "description": "Решение так, как оно напечатано в протоколе"},
            "artefact": STRING,
            "addressee": STRING,
            "assignees": PEOPLE,
            "assignees_label": STRING,
            "deadline_label": STRING,
            "deadline": {"anyOf": [_ref("schemas", "Deadline"), {"type": "null"}]},
            "evidence_required": BOOLEAN,
            "task_ids": {**INTEGERS, "description": "Поручения по решению, которые видны вызывающему"},
        }
    ),
    "AgendaItem": _object(
        {
            "id": INTEGER,
            "position": INTEGER,
            "title": STRING,
            "speakers": STRING,
            "planned_minutes": NULLABLE_INTEGER,
            "heard": {**STRING, "description": "СЛУШАЛИ"},
            "discussion": {**STRING, "description": "ВЫСТУПИЛИ"},
            "is_control": {**BOOLEAN, "description": "«Контроль исполнения ранее принятых решений»"},
            "decisions": {"type": "array", "items": _ref("schemas", "Decision")},
        }
    ),
    "ProtocolRevision": _object(
        {"number": INTEGER, "reason": STRING, "signed_at": DATE_TIME, "signed_by": NULLABLE_PERSON}
    ),
    "MeetingDetail": _extends(
        "Meeting",
        {
            "attendance": {"type": "array", "items": _ref("schemas", "Attendance")},
            "items": {"type": "array", "items": _ref("schemas", "AgendaItem")},
            "revisions": {"type": "array", "items": _ref("schemas", "ProtocolRevision")},
        },
    ),
    "Task": _object(
        {
            "id": INTEGER,
            "title": STRING,
            "description": STRING,
            "status": _enum(TASK_STATUSES),
            "status_label": STRING,
            "priority": _enum(PRIORITIES),
            "priority_label": STRING,
            "source_type": _enum(TASK_SOURCES),
            "source_label": STRING,
            "source_id": NULLABLE_INTEGER,
            "parent_id": NULLABLE_INTEGER,
            "region_id": NULLABLE_INTEGER,
            "centre": NULLABLE_REF,
            "department": NULLABLE_REF,
            "responsible": NULLABLE_PERSON,
            "controller": NULLABLE_PERSON,
            "created_by": NULLABLE_PERSON,
            "co_executors": PEOPLE,
            "watchers": PEOPLE,
            "due_on": NULLABLE_DATE,
            "deadline_text": {**STRING, "description": "Срок словами, как в источнике"},
            "standing": {**BOOLEAN, "description": "Постоянное поручение, без конечного срока"},
            "recurrence_days": NULLABLE_INTEGER,
            "evidence_required": BOOLEAN,
            "completed_on": NULLABLE_DATE,
            "days_left": {**NULLABLE_INTEGER, "description": "Дней до срока (меньше нуля — просрочено)"},
            "days_left_label": STRING,
            "overdue": BOOLEAN,
            "my_roles": {"type": "array", "items": _enum(MY_ROLES), "description": "Роли вызывающего в поручении"},
            "created_at": DATE_TIME,
            "updated_at": DATE_TIME,
        }
    ),
    "TaskComment": _object({"id": INTEGER, "author": NULLABLE_PERSON, "text": STRING, "created_at": DATE_TIME}),
    "TaskMove": _object({"status": _enum(TASK_STATUSES), "label": STRING}),
    "TaskDetail": _extends(
        "Task",
        {
            "comments": {"type": "array", "items": _ref("schemas", "TaskComment")},
            "may_manage": BOOLEAN,
            "allowed_moves": {
                "type": "array",
                "items": _ref("schemas", "TaskMove"),
                "description": "Статусы, в которые вызывающий может перевести поручение сейчас",
            },
            "needs_evidence": {**BOOLEAN, "description": "Без подтверждающих материалов поручение не сдать"},
        },
    ),
}

SCHEMAS["Artefact"] = _object(
    {
        "kind": _enum(ARTEFACT_KINDS),
        "kind_label": STRING,
        "id": {
            **NULLABLE_INTEGER,
            "description": "Запись (протокол — id заседания, документ, дорожная карта); null — вид без записи "
            "или запись вне области вызывающего",
        },
        "title": {**STRING, "description": "Как её цитируют документы: «Протокол заседания … от … № …»"},
    }
)
SCHEMAS["Approval"] = _object(
    {
        "id": INTEGER,
        "artefact": {**_ref("schemas", "Artefact"), "description": "Что утверждено или согласовано"},
        "verb": _enum(APPROVAL_VERBS),
        "verb_label": STRING,
        "approved_on": {**NULLABLE_DATE, "description": "Дата подписания; null — документ ещё не подписан"},
        "source": {
            **_ref("schemas", "Artefact"),
            "description": "Протокол (его решением) или документ, которым утверждено",
        },
        "decision_id": NULLABLE_INTEGER,
        "decision_number": {**NULLABLE_STRING, "description": "Номер решения в протоколе: 2.2"},
    }
)
SCHEMAS["Progress"] = _object(
    {
        "total": INTEGER,
        "done": {**INTEGER, "description": "Выполнено, в срок или с опозданием"},
        "late": {**INTEGER, "description": "Выполнено с опозданием"},
        "overdue": INTEGER,
        "not_done": INTEGER,
        "soon": {**INTEGER, "description": "Срок в ближайшие 7 дней, факта нет"},
        "percent": INTEGER,
        "rag": _enum(("red", "amber", "green")),
        "rag_label": STRING,
    }
)
SCHEMAS["Roadmap"] = _object(
    {
        "id": INTEGER,
        "title": STRING,
        "status": _enum(ROADMAP_STATUSES),
        "status_label": STRING,
        "starts_on": NULLABLE_DATE,
        "ends_on": NULLABLE_DATE,
        "approved_on": NULLABLE_DATE,
        "template": STRING,
        "region": NULLABLE_REF,
        "centre": NULLABLE_REF,
        "status_on": {**DATE, "description": "Дата, на которую вычислены статусы и итог"},
        "progress": _ref("schemas", "Progress"),
        "created_at": DATE_TIME,
        "updated_at": DATE_TIME,
    }
)
SCHEMAS["ItemStatus"] = _object(
    {
        "code": _enum(STATUS_LABELS),
        "label": {**STRING, "description": "«выполнено с опозданием на 7 дней»"},
        "days": {**INTEGER, "description": "Дней опоздания или просрочки"},
    }
)
SCHEMAS["DeadlineConflict"] = _object(
    {
        "text": STRING,
        "due_on": {**DATE, "description": "Срок по протоколу"},
        "meeting_id": INTEGER,
        "decision_id": INTEGER,
        "decision_number": STRING,
    }
)
SCHEMAS["RoadmapItem"] = _object(
    {
        "id": INTEGER,
        "block_id": INTEGER,
        "position": INTEGER,
        "number": {**STRING, "description": "«2.10»"},
        "title": STRING,
        "expected_result": STRING,
        "deadline_kind": _enum(DEADLINE_KINDS),
        "deadline_kind_label": STRING,
        "deadline_label": {**STRING, "description": "Срок, как в дорожной карте: «до 24.09.2021»"},
        "due_from": NULLABLE_DATE,
        "due_on": NULLABLE_DATE,
        "baseline_due_on": {**NULLABLE_DATE, "description": "Срок на момент утверждения"},
        "baseline_slip_days": {**INTEGER, "description": "Дней опоздания против утверждённого срока"},
        "responsible": PEOPLE,
        "responsible_text": {**STRING, "description": "Ответственные, не являющиеся сотрудниками: «ФЦК»"},
        "departments": {"type": "array", "items": _ref("schemas", "Ref")},
        "deliverable": {"anyOf": [_ref("schemas", "Artefact"), {"type": "null"}], "description": "Что даёт"},
        "result": {**STRING, "description": "Факт: результат"},
        "done_on": {**NULLABLE_DATE, "description": "Дата исполнения, по которой считается срок"},
        "done_text": {**STRING, "description": "Дата исполнения, как записана"},
        "done_label": STRING,
        "note": STRING,
        "not_done_reason": STRING,
        "status": _ref("schemas", "ItemStatus"),
        "evidence": {"type": "array", "items": _ref("schemas", "Artefact"), "description": "Подтверждения"},
        "deadline_conflicts": {
            "type": "array",
            "items": _ref("schemas", "DeadlineConflict"),
            "description": "Поручения протоколов с тем же результатом и другим сроком",
        },
    }
)
SCHEMAS["RoadmapBlock"] = _object(
    {
        "id": INTEGER,
        "position": INTEGER,
        "title": STRING,
        "starts_on": NULLABLE_DATE,
        "ends_on": NULLABLE_DATE,
        "progress": _ref("schemas", "Progress"),
        "items": {"type": "array", "items": _ref("schemas", "RoadmapItem")},
    }
)
SCHEMAS["RoadmapDetail"] = _extends(
    "Roadmap",
    {
        "approvals": {
            "type": "array",
            "items": _ref("schemas", "Approval"),
            "description": "Чем утверждена (подписанные протоколы и документы)",
        },
        "blocks": {"type": "array", "items": _ref("schemas", "RoadmapBlock")},
    },
)
SCHEMAS["Document"] = _object(
    {
        "id": INTEGER,
        "kind": _enum(DOCUMENT_KINDS),
        "kind_label": STRING,
        "registration_number": STRING,
        "signed_on": NULLABLE_DATE,
        "citation": {**STRING, "description": "«Приказ от 30.07.2021 № 523-246/21П/од»"},
        "title": STRING,
        "issuer": STRING,
        "signatory": STRING,
        "appendices": STRINGS,
        "status": _enum(DOCUMENT_STATUSES),
        "status_label": STRING,
        "meeting_id": {**NULLABLE_INTEGER, "description": "Заседание, если это протокол"},
        "template": STRING,
        "region": NULLABLE_REF,
        "centre": NULLABLE_REF,
        "created_at": DATE_TIME,
        "updated_at": DATE_TIME,
    }
)
SCHEMAS["DocumentRecipient"] = _object(
    {
        "user": PERSON,
        "due_on": {**NULLABLE_DATE, "description": "Ознакомиться до"},
        "sent_at": DATE_TIME,
        "acknowledged_at": NULLABLE_DATE_TIME,
        "acknowledged": BOOLEAN,
    }
)
SCHEMAS["DocumentDetail"] = _extends(
    "Document",
    {
        "approves": {
            "type": "array",
            "items": _ref("schemas", "Approval"),
            "description": "Что документ утверждает (протокол — решениями «утвердить» / «согласовать»)",
        },
        "approved_by": {"type": "array", "items": _ref("schemas", "Approval"), "description": "Чем утверждён"},
        "may_manage": BOOLEAN,
        "recipients": {
            "anyOf": [{"type": "array", "items": _ref("schemas", "DocumentRecipient")}, {"type": "null"}],
            "description": "Рассылка и ознакомление; null — нет права document.manage",
        },
        "acknowledgement": {
            "anyOf": [_ref("schemas", "DocumentRecipient"), {"type": "null"}],
            "description": "Строка рассылки вызывающего, если документ направлен ему",
        },
    },
)

_TASK_FIELDS = {
    "title": {**STRING, "minLength": 1, "maxLength": 1000, "description": "Что нужно сделать"},
    "description": {**STRING, "maxLength": 20000},
    "responsible_id": {**POSITIVE, "description": "Ответственный"},
    "controller_id": {
        "type": ["integer", "null"],
        "minimum": 1,
        "description": "Контролёр; при создании по умолчанию — вызывающий",
    },
    "co_executors": {**IDS, "description": "Соисполнители (список заменяет прежний)"},
    "watchers": {**IDS, "description": "Наблюдатели (список заменяет прежний)"},
    "department_id": {
        "type": ["integer", "null"],
        "minimum": 1,
        "description": "Отдел; поручение переходит в его центр",
    },
    "due_on": {
        **NULLABLE_DATE,
        "description": "Срок, ГГГГ-ММ-ДД: рабочий день, не в прошлом (прежний срок не проверяется)",
    },
    "deadline": {
        **STRING,
        "maxLength": 300,
        "description": "Срок словами вместо due_on; относительный считается от сегодняшнего дня. "
        f"Формы: {ACCEPTED_FORMS}",
    },
    "deadline_text": {**STRING, "maxLength": 300, "description": "Срок словами, как в источнике (с due_on)"},
    "standing": {**BOOLEAN, "description": "Постоянное поручение, без срока"},
    "recurrence_days": {
        "type": ["integer", "null"],
        "minimum": 1,
        "maximum": MAX_RECURRENCE_DAYS,
        "description": "Повторять через столько дней после выполнения",
    },
    "priority": _enum(PRIORITIES),
    "evidence_required": {**BOOLEAN, "description": "Для сдачи нужны подтверждающие материалы"},
}
SCHEMAS["TaskCreate"] = {
    "type": "object",
    "required": ["title", "responsible_id"],
    "additionalProperties": False,
    "properties": _TASK_FIELDS,
}
SCHEMAS["TaskUpdate"] = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": _TASK_FIELDS,
}
SCHEMAS["TaskStatusChange"] = {
    "type": "object",
    "required": ["status"],
    "additionalProperties": False,
    "properties": {
        "status": _enum(TASK_STATUSES),
        "comment": {**STRING, "maxLength": MAX_COMMENT, "description": "Комментарий к смене статуса"},
    },
}


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


PARAMETERS = {
    "page": _query("page", "Номер страницы", {**POSITIVE, "default": 1}),
    "per_page": _query(
        "per_page",
        f"Записей на странице (1–{MAX_PER_PAGE})",
        {**POSITIVE, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
    ),
    "q": _query("q", "Поиск по названию или ФИО, без учёта регистра и ё/е", STRING),
    "region_id": _query("region_id", "Только центры этого региона", POSITIVE),
    "centre_id": _query("centre_id", "Только сотрудники этого центра", POSITIVE),
    "pilot": _query("pilot", "Только пилотные (true) или только непилотные (false) центры", BOOLEAN),
    "role": _query("role", "Только сотрудники с этой ролью", {"type": "string", "enum": list(ROLES)}),
    "kind": _query("kind", "Только группы этого вида", _enum(GROUP_KINDS)),
    "active": _query("active", "Только действующие (true) или только закрытые (false) группы", BOOLEAN),
    "on": _query("on", "Состав на эту дату (ГГГГ-ММ-ДД), по умолчанию сегодня", DATE),
    "group_id": _query("group_id", "Только заседания этой группы", POSITIVE),
    "meeting_status": _query("status", "Только заседания в этом статусе", _enum(MEETING_STATUSES)),
    "year": _query("year", "Только заседания этого года", {"type": "integer", "minimum": 1990, "maximum": 2100}),
    "verb": _query("verb", "Только решения с этим глаголом", _enum(DECISION_VERBS)),
    "roadmap_q": _query("q", "Поиск по названию дорожной карты, без учёта регистра и ё/е", STRING),
    "roadmap_status": _query("status", "Только дорожные карты в этом статусе", _enum(ROADMAP_STATUSES)),
    "status_on": _query("on", "Статусы и итог на эту дату (ГГГГ-ММ-ДД), по умолчанию сегодня", DATE),
    "document_q": _query("q", "Поиск по заголовку, номеру и подписанту, без учёта регистра и ё/е", STRING),
    "document_kind": _query("kind", "Только документы этого вида", _enum(DOCUMENT_KINDS)),
    "document_status": _query("status", "Только проекты (draft) или подписанные (signed)", _enum(DOCUMENT_STATUSES)),
    "task_q": _query("q", "Поиск по тексту поручения и описанию, без учёта регистра и ё/е", STRING),
    "task_status": _query(
        "status",
        "Статус; open — все открытые (новая, в работе, на проверке); all или без параметра — любые",
        _enum(("open", "all", *TASK_STATUSES)),
    ),
    "overdue": _query("overdue", "true — только просроченные открытые; false — без этого условия", BOOLEAN),
    "task_centre_id": _query("centre_id", "Только поручения этого центра", POSITIVE),
    "department_id": _query("department_id", "Только поручения этого отдела", POSITIVE),
    "source": _query("source", "Только поручения из этого источника", _enum(TASK_SOURCES)),
    "due_from": _query("due_from", "Срок не раньше (ГГГГ-ММ-ДД)", DATE),
    "due_to": _query("due_to", "Срок не позже (ГГГГ-ММ-ДД)", DATE),
    "mine": _query(
        "mine",
        "Только поручения вызывающего в этой роли; any — в любой из них",
        _enum(("responsible", "co_executor", "controller", "watcher", "any")),
    ),
    "sort": _query(
        "sort",
        "Порядок: deadline (по сроку, по умолчанию), priority, created; «-» в начале — обратный",
        _enum([key for name in SORTS for key in (name, f"-{name}")]),
    ),
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("schemas", "Error")}}}


RESPONSES = {
    "BadRequest": _error("Неверный параметр запроса"),
    "Unauthorized": {
        **_error("Нет токена, или он недействителен или отозван"),
        "headers": {"WWW-Authenticate": {"schema": STRING, "description": "Bearer"}},
    },
    "Forbidden": _error("У роли нет нужного права"),
    "NotFound": _error("Записи нет или она вне области вызывающего"),
    "Conflict": _error("Правила не позволяют это действие в текущем состоянии записи"),
}


def _answer(endpoint: Endpoint) -> dict:
    if endpoint.schema is None:
        schema = {"type": "object"}
    elif endpoint.many:
        schema = {
            "allOf": [
                _ref("schemas", "Page"),
                {"properties": {"items": {"type": "array", "items": _ref("schemas", endpoint.schema)}}},
            ]
        }
    else:
        schema = _ref("schemas", endpoint.schema)
    answer = {
        "description": "Создано" if endpoint.created else "Успешный ответ",
        "content": {"application/json": {"schema": schema}},
    }
    if endpoint.created:
        answer["headers"] = {"Location": {"schema": STRING, "description": "Адрес новой записи"}}
    return answer


def _operation(endpoint: Endpoint) -> dict:
    path_names = re.findall(r"{(\w+)}", endpoint.path)
    parameters = [{"name": name, "in": "path", "required": True, "schema": POSITIVE} for name in path_names]
    parameters += [_ref("parameters", name) for name in endpoint.filters]
    if endpoint.many:
        parameters += [_ref("parameters", name) for name in ("page", "per_page")]
    responses = {"201" if endpoint.created else "200": _answer(endpoint)}
    if not endpoint.public:
        responses["401"] = _ref("responses", "Unauthorized")
    if endpoint.permission or endpoint.forbidden:
        responses["403"] = _ref("responses", "Forbidden")
    if endpoint.many or endpoint.filters or endpoint.body:
        responses["400"] = _ref("responses", "BadRequest")
    if path_names:
        responses["404"] = _ref("responses", "NotFound")
    if endpoint.conflict:
        responses["409"] = _ref("responses", "Conflict")
    operation = {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "parameters": parameters,
        "responses": responses,
    }
    if endpoint.body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref("schemas", endpoint.body)}},
        }
    if endpoint.description:
        operation["description"] = endpoint.description
    elif endpoint.permission:
        operation["description"] = f"Требуется право {endpoint.permission}; записи ограничены областью ролей."
    if endpoint.public:
        operation["security"] = []
    return operation


def _paths() -> dict:
    paths: dict[str, dict] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.path, {})[endpoint.method] = _operation(endpoint)
    return paths


def document() -> dict:
    """The OpenAPI 3.1 document as a dict."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cxm API",
            "version": "1",
            "description": "JSON API управления клиентским опытом. Доступ по личному токену "
            "(flask api-token create EMAIL или личный кабинет) в заголовке "
            "Authorization: Bearer <токен>; права и области те же, что в интерфейсе. "
            'Ошибка — JSON {"error": сообщение} (для поля тела запроса ещё и "field"); при ошибке '
            "ничего не меняется. " + READ_ONLY,
        },
        "servers": [{"url": BASE}],
        "security": [{"bearerAuth": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "cxm_…"}},
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": RESPONSES,
        },
    }


# ---- measurement core: methodology versions, results, questionnaires, answers ---------------
# (rows added after the table above; `document()` reads these module globals when called)

from app.models.indices import NETWORKS, SCOPE_KINDS  # noqa: E402
from app.models.methodology import METHODOLOGY_STATUSES  # noqa: E402
from app.models.surveys import QUESTION_KINDS, SURVEY_CLIENT_TYPES, SURVEY_STATUSES  # noqa: E402

RESULTS_SCOPE = (
    "Требуется право results.view. Значения ЦЗН видны тем, кому виден ЦЗН; региона — тем, кому виден регион "
    "или его ЦЗН; типа сети — тем, кому виден регион этого типа; Российской Федерации — всем с правом "
    "results.view. Чужая область — 404. Версия методики — действующая в периоде; «нет данных» — null, а не 0. "
    "caveats — параметры, не определённые методикой («не определено методикой»), с обоснованием."
)
RESULTS_FILTERS = ("scope_kind", "scope_key", "period", "result_client_type")

ENDPOINTS += (
    Endpoint(
        "listMethodologies",
        "/methodologies",
        "Версии методики измерения показателей",
        "Methodology",
        True,
        ("methodology_q", "methodology_status"),
        "methodology.view",
        description="Требуется право methodology.view. Черновики видят только те, кто ведёт методику "
        "(право methodology.manage на федеральном уровне). " + NO_CHANGES,
    ),
    Endpoint(
        "getMethodology",
        "/methodologies/{version_id}",
        "Версия методики: группы, показатели, параметры (defined = false — «не определено методикой»)",
        "MethodologyDetail",
        permission="methodology.view",
        description="Требуется право methodology.view; черновик — только ведущим методику. " + NO_CHANGES,
    ),
    Endpoint(
        "getIndicatorValues",
        "/indicator-values",
        "Значения показателей области за период",
        "IndicatorValues",
        filters=RESULTS_FILTERS,
        permission="results.view",
        description=RESULTS_SCOPE,
    ),
    Endpoint(
        "getIndex",
        "/index",
        "Индекс клиентоцентричности области за период: уровень (0–100) и относительное изменение",
        "IndexValue",
        filters=RESULTS_FILTERS,
        permission="results.view",
        description=RESULTS_SCOPE + " В версии без интегрального индекса («Пилот 2022») level — null, "
        "integral_index — false, note объясняет почему.",
    ),
    Endpoint(
        "listSurveys",
        "/surveys",
        "Анкеты: федеральные (версии методики) и местные",
        "Survey",
        True,
        ("survey_status", "survey_client_type"),
        "survey.view",
        description="Требуется право survey.view: федеральные анкеты видны всем с этим правом, местные — "
        "в области роли. " + NO_CHANGES,
    ),
    Endpoint(
        "getSurvey",
        "/surveys/{survey_id}",
        "Анкета: вопросы, варианты ответа, условия показа",
        "SurveyDetail",
        permission="survey.view",
        description="Требуется право survey.view (федеральные анкеты — всем с этим правом). " + NO_CHANGES,
    ),
    Endpoint(
        "createSurveyResponse",
        "/surveys/responses",
        "Передать ответы клиента по ссылке на анкету",
        "SurveyResponseCreated",
        method="post",
        body="SurveyResponseCreate",
        created=True,
        permission="response.enter",
        description=(
            "Требуется право response.enter в ЦЗН ссылки; неизвестная, отключенная или чужая ссылка — 404. "
            "Ответы проверяются так же, как в анкете по ссылке: скрытые условием вопросы отбрасываются, "
            "вопросы «только в офисе» необязательны при remote: true. Ошибки в ответах — 422 с телом "
            '{"error": …, "errors": {код вопроса: сообщение}}, ничего не сохраняется. Ответ сохраняется '
            "с источником «Через API», проверяется на аномалии (подозрительный уходит на проверку: "
            "status quarantined) и ставится в очередь пересчёта. Location — адрес анкеты (ответы анонимны, "
            "своего адреса у ответа нет). Число запросов ограничено (на токен и на адрес) — сверх лимита 429."
        ),
    ),
)

_PARAM = _object(
    {
        "key": STRING,
        "label": STRING,
        "value": {"description": "Значение в своём типе JSON: число, строка, логическое, список, объект или null"},
        "defined": {**BOOLEAN, "description": "false — «не определено методикой»: значение — выбор команды"},
        "rationale": {**STRING, "description": "Почему выбрано это значение (для defined = false)"},
        "source": {**STRING, "description": "Ссылка на источник: «seed 003 l. 117»"},
    }
)
SCHEMAS["MethodologyParam"] = _PARAM
SCHEMAS["Methodology"] = _object(
    {
        "id": INTEGER,
        "code": STRING,
        "name": STRING,
        "effective_from": DATE,
        "status": _enum(METHODOLOGY_STATUSES),
        "status_label": STRING,
        "based_on": NULLABLE_REF,
        "integral_index": {**BOOLEAN, "description": "false — интегральный индекс не рассчитывается (пилот)"},
        "network_split": {**BOOLEAN, "description": "Централизованные и децентрализованные сети отдельно"},
        "in_use": {**BOOLEAN, "description": "По версии рассчитаны значения: она не меняется"},
    }
)
SCHEMAS["Indicator"] = _object(
    {
        "id": INTEGER,
        "code": {**STRING, "description": "«1.3», «3.1.2»"},
        "name": STRING,
        "client_type": _enum(("jobseeker", "employer", "both")),
        "client_type_label": STRING,
        "measured_by": _enum(("survey", "passport", "both")),
        "measured_by_label": STRING,
        "level": _enum(("centre", "managing_centre", "region")),
        "level_label": STRING,
        "scoring_rule": STRING,
        "scoring_rule_label": {**STRING, "description": "Правило расчёта словами"},
        "max_score": {"type": ["number", "null"]},
        "unit": STRING,
        "weight": {"type": "number", "description": "Вес в группе"},
        "direction": INTEGER,
        "suspended": BOOLEAN,
        "note": STRING,
        "source": STRING,
        "params": {"type": "array", "items": _ref("schemas", "MethodologyParam")},
    }
)
SCHEMAS["IndicatorGroup"] = _object(
    {
        "id": INTEGER,
        "code": STRING,
        "name": STRING,
        "weight": {"type": "number", "description": "Вес группы в индексе"},
        "position": INTEGER,
        "indicators": {"type": "array", "items": _ref("schemas", "Indicator")},
    }
)
SCHEMAS["MethodologyDetail"] = _extends(
    "Methodology",
    {
        "description": STRING,
        "source": STRING,
        "params": {"type": "array", "items": _ref("schemas", "MethodologyParam"), "description": "Параметры версии"},
        "groups": {"type": "array", "items": _ref("schemas", "IndicatorGroup")},
        "undefined_count": {**INTEGER, "description": "Сколько параметров не определено методикой"},
    },
)
_RESULT_HEAD = {
    "scope_kind": _enum(SCOPE_KINDS),
    "scope_key": {**STRING, "description": "id ЦЗН или региона, тип сети или all"},
    "period": {**STRING, "description": "«2026-Q4»"},
    "period_label": {**STRING, "description": "«IV квартал 2026»"},
    "client_type": _enum(("all", "jobseeker", "employer")),
    "methodology": {**NULLABLE_REF, "description": "Версия методики, действующая в периоде"},
    "caveats": {**STRINGS, "description": "Параметры версии, не определённые методикой, с обоснованием"},
    "missing": {**STRINGS, "description": "Коды показателей без данных"},
}
SCHEMAS["IndicatorValue"] = _object(
    {
        "indicator": _object({"id": INTEGER, "code": STRING, "name": STRING}),
        "measure": _enum(("survey", "passport")),
        "value": {"type": ["number", "null"], "description": "Доля 0–1 (анкета) или балл (паспорт); null — нет данных"},
        "value_label": {**STRING, "description": "«82,5 %» или «нет данных»"},
        "numerator": {"type": "number"},
        "denominator": {"type": "number"},
        "inputs": {**INTEGER, "description": "Ответов (паспортов) за значением"},
        "computed_at": DATE_TIME,
        "caveats": {**STRINGS, "description": "Параметры показателя, не определённые методикой"},
    }
)
SCHEMAS["IndicatorValues"] = _object(
    {**_RESULT_HEAD, "items": {"type": "array", "items": _ref("schemas", "IndicatorValue")}}
)
SCHEMAS["IndexValue"] = _object(
    {
        **_RESULT_HEAD,
        "integral_index": BOOLEAN,
        "level": {"type": ["number", "null"], "description": "Уровень клиентоцентричности 0–100; null — нет данных"},
        "change": {
            "type": ["number", "null"],
            "description": "Индекс: (уровень / уровень предыдущего периода − 1), доля; null — нет предыдущего",
        },
        "previous_period": STRING,
        "inputs": INTEGER,
        "computed_at": NULLABLE_DATE_TIME,
        "note": {**STRING, "description": "Почему нет значения: «нет данных», индекс не рассчитывается …"},
    }
)
SCHEMAS["Survey"] = _object(
    {
        "id": INTEGER,
        "code": NULLABLE_STRING,
        "title": STRING,
        "client_type": _enum(SURVEY_CLIENT_TYPES),
        "client_type_label": STRING,
        "status": _enum(SURVEY_STATUSES),
        "status_label": STRING,
        "locked": {**BOOLEAN, "description": "Анкета версии методики: изменять нельзя"},
        "methodology": NULLABLE_REF,
        "region": NULLABLE_REF,
        "centre": NULLABLE_REF,
    }
)
SCHEMAS["SurveyOption"] = _object(
    {"value": STRING, "text": STRING, "points": {"type": ["number", "null"]}, "free_text": BOOLEAN}
)
SCHEMAS["SurveyQuestion"] = _object(
    {
        "id": INTEGER,
        "code": {**STRING, "description": "Ключ ответа в POST /surveys/responses"},
        "number": STRING,
        "position": INTEGER,
        "section": STRING,
        "text": STRING,
        "kind": _enum(QUESTION_KINDS),
        "kind_label": STRING,
        "required": BOOLEAN,
        "help_text": STRING,
        "scale_min": NULLABLE_INTEGER,
        "scale_max": NULLABLE_INTEGER,
        "scale_labels": {"type": "object", "additionalProperties": STRING, "description": '{"1": "очень слабо"}'},
        "show_if": {
            "anyOf": [
                _object({"question": STRING, "values": STRINGS}),
                {"type": "null"},
            ],
            "description": "Вопрос показывается, только если на вопрос question дан один из ответов values",
        },
        "in_office_only": {**BOOLEAN, "description": "Только для клиентов в офисе (необязателен при remote)"},
        "indicator_code": STRING,
        "wording": STRING,
        "options": {"type": "array", "items": _ref("schemas", "SurveyOption")},
    }
)
SCHEMAS["SurveyDetail"] = _extends(
    "Survey",
    {"intro": STRING, "outro": STRING, "questions": {"type": "array", "items": _ref("schemas", "SurveyQuestion")}},
)
_ANSWER_VALUE = {"anyOf": [STRING, {"type": "number"}]}
SCHEMAS["SurveyResponseCreate"] = {
    "type": "object",
    "required": ["token", "answers"],
    "additionalProperties": False,
    "properties": {
        "token": {**STRING, "maxLength": 100, "description": "Токен ссылки на анкету (из адреса /s/<токен>)"},
        "answers": {
            "type": "object",
            "additionalProperties": {"anyOf": [_ANSWER_VALUE, {"type": "array", "items": _ANSWER_VALUE}]},
            "description": "{код вопроса: значение варианта или балл шкалы, или список для нескольких вариантов}",
        },
        "other": {
            "type": "object",
            "additionalProperties": STRING,
            "description": "{код вопроса: текст к варианту «другое»}",
        },
        "remote": {**BOOLEAN, "description": "Клиент отвечал не в офисе (по умолчанию false)"},
        "email": {**STRING, "maxLength": 254, "description": "Необязательный адрес клиента для обратной связи"},
        "seconds_spent": {"type": "integer", "minimum": 0, "maximum": 86400},
        "device": {**STRING, "maxLength": 200, "description": "Идентификатор устройства клиента (хранится хешем)"},
    },
}
SCHEMAS["SurveyResponseCreated"] = _object(
    {
        "id": INTEGER,
        "status": _enum(("accepted", "quarantined", "rejected")),
        "period": STRING,
        "flags": {**STRINGS, "description": "Признаки аномалий, если ответ ушёл на проверку"},
    }
)
PARAMETERS.update(
    {
        "methodology_q": _query("q", "Поиск по названию или коду версии", STRING),
        "methodology_status": _query("status", "Только версии в этом статусе", _enum(METHODOLOGY_STATUSES)),
        "scope_kind": {**_query("scope_kind", "Вид области", _enum(SCOPE_KINDS)), "required": True},
        "scope_key": _query(
            "scope_key",
            f"id ЦЗН или региона; для network — {', '.join(NETWORKS)}; для federation — all или пусто",
            STRING,
        ),
        "period": _query("period", "Квартал «2026-Q4»; по умолчанию последний с данными", STRING),
        "result_client_type": _query(
            "client_type",
            "Клиенты: all (все, по умолчанию), jobseeker, employer",
            _enum(("all", "jobseeker", "employer")),
        ),
        "survey_status": _query("status", "Только анкеты в этом статусе", _enum(SURVEY_STATUSES)),
        "survey_client_type": _query("client_type", "Только анкеты для этих клиентов", _enum(SURVEY_CLIENT_TYPES)),
    }
)
