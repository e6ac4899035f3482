from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.forms import BaseForm, RuDate, choices
from app.models.base import FIRST_YEAR, LAST_YEAR
from app.models.documents import DOCUMENT_KINDS, DOCUMENT_STATUSES

REQUIRED = "Обязательное поле."
MAX_APPENDICES_TEXT = 5000
APPROVAL_CHOICES = {"approve": "утверждается", "agree": "согласуется"}


class DocumentForm(BaseForm):
    kind = SelectField("Вид документа", choices=choices(DOCUMENT_KINDS.items()), default="order")
    registration_number = StringField(
        "Регистрационный номер",
        validators=[Length(max=100)],
        description="Номер из журнала регистрации, например: 523-246/21П/од. У проекта можно оставить пустым.",
    )
    signed_on = RuDate(
        "Дата документа", validators=[Optional()], description="Дата подписания; у проекта можно оставить пустой."
    )
    title = TextAreaField("Заголовок", validators=[DataRequired("Укажите заголовок документа."), Length(max=500)])
    issuer = StringField(
        "Кем издан",
        validators=[Length(max=300)],
        description="Например: Управление по труду и занятости населения Нижегородской области",
    )
    signatory = StringField(
        "Подписант", validators=[Length(max=300)], description="Например: Руководитель управления А.М.Садулина"
    )
    appendices = TextAreaField(
        "Приложения",
        validators=[Length(max=MAX_APPENDICES_TEXT)],
        description="По одному на строку, например: «Приложение № 1. Состав рабочей группы».",
    )
    scope = SelectField("Уровень", validators=[DataRequired("Выберите регион или центр.")])
    submit = SubmitField("Сохранить")


class _Prefixed(BaseForm):
    """Forms sharing the document's page: `id_prefix` keeps their element ids unique."""

    def __init__(self, *args, id_prefix: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if id_prefix:
            for field in self:
                field.id = field.label.field_id = f"{id_prefix}-{field.name}"


class ApprovalForm(_Prefixed):
    artefact_ref = SelectField("Что утверждает документ", validators=[DataRequired("Выберите запись из списка.")])
    verb = SelectField("Как", choices=choices(APPROVAL_CHOICES.items()), default="approve")
    submit = SubmitField("Добавить")


class DistributeForm(_Prefixed):
    user_ids = SelectMultipleField(
        "Кому направить", coerce=int, validators=[DataRequired("Выберите, кому направить документ.")]
    )
    due_on = RuDate("Ознакомиться до", validators=[Optional()])
    submit = SubmitField("Направить для ознакомления")


class ConfirmForm(BaseForm):
    """A bare POST with CSRF: signing, removing an approval, acknowledging."""

    submit = SubmitField("Подтвердить")


class PilotOrderForm(BaseForm):
    group_id = SelectField("Рабочая группа", coerce=int, validators=[DataRequired("Выберите рабочую группу.")])
    deadline = RuDate("Провести апробацию до", validators=[InputRequired("Укажите, до какой даты провести апробацию.")])
    responsible_ids = SelectMultipleField(
        "Ответственные лица (пункт 2.2)", coerce=int, validators=[Optional()], default=[]
    )
    centre_ids = SelectMultipleField(
        "Центры занятости населения (Приложение № 2)",
        coerce=int,
        validators=[DataRequired("Выберите хотя бы один центр занятости.")],
    )
    issuer = StringField(
        "Кем издаётся",
        validators=[Length(max=300)],
        description="Например: Управление по труду и занятости населения Нижегородской области",
    )
    signatory = StringField(
        "Подписант", validators=[Length(max=300)], description="Например: Руководитель управления А.М.Садулина"
    )
    submit = SubmitField("Составить проект приказа")


class Filters(BaseForm):
    """The register's filters from the query string: no CSRF, bad values are reported and not applied."""

    class Meta:
        csrf = False

    q = StringField("Поиск", validators=[Optional(), Length(max=200)])
    kind = SelectField("Вид", choices=choices([("", "Все виды"), *DOCUMENT_KINDS.items()]), default="")
    status = SelectField("Статус", choices=choices([("", "Все"), *DOCUMENT_STATUSES.items()]), default="")
    year = SelectField(
        "Год",
        coerce=lambda value: int(value) if str(value or 0).isdigit() else -1,  # -1: refused by validate_year
        validate_choice=False,
        default=0,
    )

    def validate_year(self, field):
        if field.data and not FIRST_YEAR <= field.data <= LAST_YEAR:
            raise ValidationError("Выберите год из списка.")

    def valid(self, name: str):
        field = self[name]
        return None if field.errors else field.data
