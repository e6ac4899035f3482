"""Forms of the roadmap pages: the roadmap, a block, an item's plan and its fact."""

from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import BaseForm, RuDate, choices
from app.models.roadmap import DEADLINE_KINDS, ROADMAP_STATUSES
from app.services.roadmap_templates import TEMPLATES

DATE = {"validators": [Optional()]}


class RoadmapFilters(BaseForm):
    class Meta:
        csrf = False

    q = StringField("Поиск", validators=[Length(max=200)])
    status = SelectField("Статус", choices=choices([("", "Все"), *ROADMAP_STATUSES.items()]), default="")


class RoadmapForm(BaseForm):
    title = StringField("Название", validators=[DataRequired("Укажите название."), Length(max=500)])
    scope = SelectField("Чья дорожная карта", choices=[])
    starts_on = RuDate(
        "Начало периода", description="С этого дня отсчитываются сроки «на протяжении всего периода».", **DATE
    )
    ends_on = RuDate("Окончание периода", **DATE)
    submit = SubmitField("Сохранить")


class TemplateForm(BaseForm):
    template = SelectField("Шаблон", choices=choices((key, label) for key, (label, _) in TEMPLATES.items()))
    title = StringField("Название", validators=[Length(max=500)], description="Пусто — название шаблона.")
    scope = SelectField("Чья дорожная карта", choices=[])
    starts_on = RuDate(
        "Дата начала",
        validators=[DataRequired("Укажите дату начала.")],
        description="Все сроки шаблона сдвигаются так, чтобы он начинался в этот день.",
    )
    submit = SubmitField("Создать по шаблону")


class BlockForm(BaseForm):
    title = StringField("Название блока", validators=[DataRequired("Укажите название блока."), Length(max=500)])
    starts_on = RuDate("Начало", **DATE)
    ends_on = RuDate("Окончание", **DATE)
    submit = SubmitField("Сохранить")


class ItemForm(BaseForm):
    block_id = SelectField("Блок", coerce=int, choices=[])
    number = StringField("№", validators=[Length(max=20)], description="Например: 2.10")
    title = TextAreaField("Мероприятие", validators=[DataRequired("Опишите мероприятие."), Length(max=5000)])
    expected_result = TextAreaField("Ожидаемый результат", validators=[Length(max=5000)])
    deadline_kind = SelectField("Срок", choices=choices(DEADLINE_KINDS.items()), default="until")
    due_from = RuDate("Начало периода (для срока «Период»)", **DATE)
    due_on = RuDate("Дата", **DATE)
    people = SelectMultipleField("Ответственные сотрудники", coerce=int, choices=[])
    departments = SelectMultipleField("Ответственные отделы", coerce=int, choices=[])
    responsible_text = StringField(
        "Ответственные (текстом)", validators=[Length(max=500)], description="Например: «ФЦК, пилотные регионы»"
    )
    deliverable = SelectField("Что даёт мероприятие", choices=[], default="")
    submit = SubmitField("Сохранить")


class FactForm(BaseForm):
    result = TextAreaField("Фактический результат", validators=[Length(max=5000)])
    done_on = RuDate(
        "Дата исполнения",
        description="По ней считается срок; если дат несколько — последняя.",
        **DATE,
    )
    done_text = StringField(
        "Дата исполнения, как в отчёте",
        validators=[Length(max=300)],
        description="Необязательно: «с 25.04.2022 по 29.04.2022», «Июнь 2022».",
    )
    note = TextAreaField("Примечание (дополнительные материалы, приложения)", validators=[Length(max=5000)])
    not_done_reason = TextAreaField(
        "Не выполнено — причина",
        validators=[Length(max=5000)],
        description="Заполните, только если мероприятие не будет выполнено.",
    )
    submit = SubmitField("Сохранить исполнение")


class EvidenceForm(BaseForm):
    evidence = SelectField("Подтверждающий документ", choices=[])
    submit = SubmitField("Добавить")
