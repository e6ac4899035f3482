from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import Select

from app.blueprints.listing import MAX_ID
from app.forms import BaseForm, RuDate, choices
from app.models.tasks import PRIORITIES, TASK_SOURCES
from app.services.tasks import MAX_COMMENT, MAX_RECURRENCE_DAYS, MY_ROLES, STATUS_FILTERS

REQUIRED = "Обязательное поле."


class WholeNumber(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Укажите целое число.") from error


class TaskForm(BaseForm):
    title = TextAreaField(
        "Что нужно сделать", validators=[DataRequired("Укажите, что нужно сделать."), Length(max=1000)]
    )
    description = TextAreaField("Описание", validators=[Length(max=20000)])
    responsible_id = SelectField("Ответственный", coerce=int, validators=[Optional()])
    co_executors = SelectMultipleField("Соисполнители", coerce=int, validators=[Optional()])
    controller_id = SelectField("Контролёр", coerce=int, validators=[Optional()])
    watchers = SelectMultipleField("Наблюдатели", coerce=int, validators=[Optional()])
    department_id = SelectField("Отдел", coerce=int, validators=[Optional()])
    due_on = RuDate("Срок исполнения", validators=[Optional()])
    deadline_text = StringField("Срок словами, как в источнике", validators=[Length(max=300)])
    standing = BooleanField("Постоянное поручение («осуществлять контроль …»), без конечного срока")
    recurrence_days = WholeNumber(
        "Повторять через, дней",
        validators=[
            Optional(),
            NumberRange(1, MAX_RECURRENCE_DAYS, message=f"Укажите число дней от 1 до {MAX_RECURRENCE_DAYS}."),
        ],
    )
    priority = SelectField("Приоритет", choices=choices(PRIORITIES.items()), default="normal")
    evidence_required = BooleanField("Для сдачи нужны подтверждающие материалы (фото, скриншоты, документы)")
    submit = SubmitField("Сохранить")

    group_task = False  # a shared parent of a group's tasks («Директорам ЦЗН …») has no responsible person

    def validate(self, extra_validators=None) -> bool:
        """The task rules are the service's (`tasks._check`); only what the form itself asks for is checked here."""
        valid = super().validate(extra_validators)
        if not self.due_on.errors and not self.due_on.data and not self.standing.data:
            self.due_on.errors = [*self.due_on.errors, "Укажите срок или отметьте «Постоянное поручение»."]
            valid = False
        return valid


class CommentForm(BaseForm):
    text = TextAreaField(
        "Комментарий",
        validators=[DataRequired("Напишите комментарий."), Length(max=MAX_COMMENT, message="Не длиннее 5000 знаков.")],
    )
    submit = SubmitField("Добавить комментарий")


class _QuickSelect(Select):
    """WTForms' select writing a plain option directly: the same markup, without the generic attribute
    rendering per option (the team filters list every centre and department of a region)."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')


class FilterSelect(SelectField):
    widget = _QuickSelect()


class _Filters(BaseForm):
    """List filters from the query string: no CSRF, bad values are reported and not applied."""

    class Meta:
        csrf = False

    q = StringField("Поиск", validators=[Optional(), Length(max=200)])
    status = FilterSelect("Статус", choices=choices(STATUS_FILTERS.items()), default="open")
    overdue = BooleanField("Только просроченные")
    sort = StringField(validators=[Optional()])

    def valid(self, name: str):
        field = self[name]
        return None if field.errors else field.data


class MyFilters(_Filters):
    role = FilterSelect("Моя роль", choices=choices([("", "Все мои")] + list(MY_ROLES.items())), default="")


ID_MESSAGE = "Выберите значение из списка."


class TeamFilters(_Filters):
    # any id in range is allowed (the scope limits what it finds); an absurd one is reported, never queried
    centre = FilterSelect(
        "Центр", coerce=int, validators=[Optional(), NumberRange(0, MAX_ID, ID_MESSAGE)], validate_choice=False
    )
    department = FilterSelect(
        "Отдел", coerce=int, validators=[Optional(), NumberRange(0, MAX_ID, ID_MESSAGE)], validate_choice=False
    )
    region = FilterSelect(
        "Регион", coerce=int, validators=[Optional(), NumberRange(0, MAX_ID, ID_MESSAGE)], validate_choice=False
    )
    # the person chosen by a link, if the user may see them (the view sets the choice): else reported, never applied
    responsible = FilterSelect(
        "Ответственный", coerce=int, validators=[Optional(), NumberRange(0, MAX_ID, ID_MESSAGE)], validate_choice=False
    )
    source = FilterSelect("Источник", choices=choices([("", "Любой")] + list(TASK_SOURCES.items())), default="")
    due_from = RuDate("Срок с", validators=[Optional()])
    due_to = RuDate("Срок по", validators=[Optional()])

    def validate_responsible(self, field):
        if field.errors or not field.data:
            return
        if field.data not in {choice.value for choice in field.choices or ()}:
            raise ValidationError("Выберите ответственного из списка.")

    def validate_due_to(self, field):
        if field.data and self.due_from.data and field.data < self.due_from.data:
            raise ValidationError("Дата «по» не может быть раньше даты «с».")
