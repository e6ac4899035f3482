from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.forms import BaseForm, choices
from app.models.base import FIRST_YEAR, LAST_YEAR
from app.models.meetings import ATTENDANCE, DECISION_VERBS, GROUP_KINDS, MEMBER_ROLES

REQUIRED = "Обязательное поле."


def plausible_year(form, field) -> None:
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Год заседания — от {FIRST_YEAR} до {LAST_YEAR}.")


class GroupForm(BaseForm):
    name = StringField("Название", validators=[DataRequired(REQUIRED), Length(max=300)])
    kind = SelectField("Вид", choices=choices(GROUP_KINDS.items()))
    scope = SelectField("Уровень", validators=[DataRequired("Выберите регион или центр.")])
    approved_by = StringField(
        "Утверждена документом",
        validators=[Length(max=300)],
        description="Например: приказ от 30.07.2021 № 523-246/21П/од",
    )
    submit = SubmitField("Сохранить")


class MemberForm(BaseForm):
    user_id = SelectField("Сотрудник", coerce=int, validators=[DataRequired("Выберите сотрудника.")])
    role = SelectField("Роль в группе", choices=choices(MEMBER_ROLES.items()))
    position = StringField(
        "Должность на эту дату", validators=[Length(max=300)], description="Пусто — из карточки сотрудника"
    )
    valid_from = DateField("С какой даты", validators=[DataRequired("Укажите дату.")])
    order_reference = StringField("Основание (приказ)", validators=[Length(max=300)])
    submit = SubmitField("Включить в состав")


class MeetingForm(BaseForm):
    starts_at = DateTimeLocalField("Дата и время", validators=[DataRequired("Укажите дату и время."), plausible_year])
    number = IntegerField(
        "Номер",
        validators=[Optional(), NumberRange(min=1, max=9999, message="Номер — от 1 до 9999.")],
        description="Можно оставить пустым: номер присвоится при назначении",
    )
    place = StringField("Место", validators=[Length(max=300)])
    link = StringField("Ссылка на видеосвязь", validators=[Length(max=500)])
    chair_id = SelectField("Председатель", coerce=int, validators=[Optional()])
    secretary_id = SelectField("Секретарь", coerce=int, validators=[Optional()])
    registration_number = StringField("Регистрационный номер протокола", validators=[Length(max=100)])
    approve_previous = BooleanField("Начать с утверждения протокола предыдущего заседания", default=True)
    agenda_from = SelectField("Повестка по образцу заседания", coerce=int, validators=[Optional()])
    submit = SubmitField("Сохранить")


class ItemForm(BaseForm):
    title = StringField("Вопрос повестки", validators=[DataRequired(REQUIRED), Length(max=1000)])
    speakers = StringField("Докладчики", validators=[Length(max=1000)])
    planned_minutes = IntegerField(
        "Минут", validators=[Optional(), NumberRange(min=1, max=600, message="От 1 до 600 минут.")]
    )
    submit = SubmitField("Добавить вопрос")


class ItemTextForm(BaseForm):
    heard = TextAreaField("СЛУШАЛИ", validators=[Length(max=20000)])
    discussion = TextAreaField("ВЫСТУПИЛИ", validators=[Length(max=20000)])
    submit = SubmitField("Сохранить")


class DecisionForm(BaseForm):
    verb = SelectField("Решение", choices=choices(DECISION_VERBS.items()))
    text = TextAreaField("Текст решения", validators=[DataRequired(REQUIRED), Length(max=5000)])
    assignee_ids = SelectMultipleField("Ответственные (для «Поручить»)", coerce=int, validators=[Optional()])
    addressee = StringField(
        "Адресат-группа",
        validators=[Length(max=300)],
        description="Например: «Директорам ЦЗН» — печатается одной строкой",
    )
    deadline = StringField(
        "Срок (для «Поручить»)",
        validators=[Length(max=200)],
        description=(
            "Например: 16.08.2021; в течение 5 рабочих дней; не позднее следующего дня после утверждения; постоянно"
        ),
    )
    evidence_required = BooleanField("Нужны подтверждающие материалы (фото, скриншоты)")
    artefact = StringField("Что утверждается или согласуется", validators=[Length(max=500)])
    artefact_ref = SelectField("Документ или результат", choices=[], default="")
    submit = SubmitField("Добавить решение")


class AttendanceForm(BaseForm):
    status = SelectField("Участие", choices=choices(ATTENDANCE.items()))
    substitute_name = StringField("Кто замещает", validators=[Length(max=300)])
    substitute_position = StringField("Должность замещающего", validators=[Length(max=300)])
    submit = SubmitField("Сохранить")


class MoveForm(BaseForm):
    submit = SubmitField("Применить")


class CorrectionForm(BaseForm):
    reason = TextAreaField("Причина исправления", validators=[DataRequired("Укажите причину."), Length(max=2000)])
    submit = SubmitField("Начать исправление")
