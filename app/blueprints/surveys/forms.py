"""Forms of the collecting pages: survey filters, links, touch points, staff entry, quotas, review."""

from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import BaseForm, RuDate, choices
from app.models.journeys import CHANNELS
from app.models.surveys import SURVEY_CLIENT_TYPES, SURVEY_STATUSES
from app.services.collection import QUOTA_MAX, QUOTA_MIN, REVIEW_STATUSES
from app.services.integrity import FLAG_LABELS

ENTRY_SOURCES = {"paper": "Бумажная анкета", "oral": "Устный ответ"}
QUOTA_CLIENT_TYPES = {"jobseeker": "Соискатели", "employer": "Работодатели"}
PICK = "Выберите значение из списка."
QUOTA_MESSAGE = "Укажите целое число от 1 до 10 000."


class SurveyFilters(BaseForm):
    class Meta:
        csrf = False

    q = StringField("Поиск по названию", validators=[Length(max=200)])
    client_type = SelectField("Клиенты", choices=choices([("", "Все"), *SURVEY_CLIENT_TYPES.items()]), default="")
    status = SelectField("Статус", choices=choices([("", "Все"), *SURVEY_STATUSES.items()]), default="")


class LinkForm(BaseForm):
    centre = SelectField("Центр занятости", coerce=int, choices=[], validate_choice=False)
    touch_point = SelectField(
        "Точка контакта",
        choices=[],
        default="",
        validate_choice=False,
        description="Необязательно: где будет висеть код (окно приёма, зона ожидания…).",
    )
    kiosk = BooleanField("Для киоска цифровой зоны (общее устройство в центре)")
    submit = SubmitField("Создать ссылку")


class TouchPointForm(BaseForm):
    centre = SelectField("Центр занятости", coerce=int, choices=[], validate_choice=False)
    name = StringField("Название", validators=[DataRequired("Укажите название точки контакта."), Length(max=300)])
    channel = SelectField("Канал", choices=choices(CHANNELS.items()), default="office")
    description = TextAreaField("Описание", validators=[Length(max=2000)])
    submit = SubmitField("Сохранить")


class EntryForm(BaseForm):
    """The header of a paper or oral questionnaire; the answers themselves are read by the surveys service."""

    centre = SelectField("Центр занятости", coerce=int, choices=[], validate_choice=False)
    touch_point = SelectField("Точка контакта", choices=[], default="", validate_choice=False)
    source = SelectField(
        "Как получен ответ",
        choices=choices(ENTRY_SOURCES.items()),
        default="paper",
        validators=[InputRequired(PICK)],
    )
    answered_on = RuDate(
        "Дата ответа клиента",
        validators=[Optional()],
        description="По ней определяется квартал, в который войдёт ответ.",
    )
    remote = BooleanField("Клиент получает услуги дистанционно (вопросы об офисе — необязательные)")
    submit = SubmitField("Сохранить анкету")


class PeriodFilter(BaseForm):
    class Meta:
        csrf = False

    centre = SelectField("Центр занятости", coerce=int, choices=[], validate_choice=False)
    period = SelectField("Период", choices=[], validate_choice=False)


class WholeNumber(IntegerField):
    """An integer field whose parse error speaks Russian and names the allowed range."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(QUOTA_MESSAGE) from error


class QuotaForm(BaseForm):
    client_type = SelectField("Кого опрашивать", choices=choices(QUOTA_CLIENT_TYPES.items()))
    target = WholeNumber(
        "Квота, анкет за период",
        validators=[
            InputRequired(QUOTA_MESSAGE),
            NumberRange(QUOTA_MIN, QUOTA_MAX, QUOTA_MESSAGE),
        ],
    )
    submit = SubmitField("Установить квоту")


class ReviewFilters(BaseForm):
    class Meta:
        csrf = False

    status = SelectField("Что показать", choices=choices(REVIEW_STATUSES.items()), default="quarantined")
    centre = SelectField("Центр занятости", choices=[], default="", validate_choice=False)
    flag = SelectField("Признак", choices=choices([("", "Все"), *FLAG_LABELS.items()]), default="")


class DecisionForm(BaseForm):
    decision = SelectField("Решение", choices=choices([("accepted", "Учесть"), ("rejected", "Отклонить")]))
    note = TextAreaField(
        "Примечание к решению",
        validators=[DataRequired("Напишите, почему принято это решение: примечание обязательно."), Length(max=2000)],
    )
    confirmed = HiddenField()
