"""Forms of the survey builder: a local survey's settings, list filters, one question."""

from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.forms import BaseForm, choices
from app.models.surveys import SURVEY_CLIENT_TYPES, SURVEY_STATUSES
from app.services.survey_builder import CSI_POINTS, EDIT_PRESETS, PRESETS


class SurveyFilters(BaseForm):
    class Meta:
        csrf = False

    q = StringField("Поиск по названию", validators=[Length(max=200)])
    status = SelectField("Статус", choices=choices([("", "Все"), *SURVEY_STATUSES.items()]), default="")


class SurveyForm(BaseForm):
    title = StringField("Название", validators=[DataRequired("Укажите название анкеты."), Length(max=500)])
    client_type = SelectField("Кого опрашиваем", choices=choices(SURVEY_CLIENT_TYPES.items()), default="any")
    scope = SelectField("Чья анкета", choices=[])
    intro = TextAreaField(
        "Вступление",
        validators=[Length(max=5000)],
        description="Живым языком: зачем опрос и сколько он займёт, например «опрос займёт всего 2 минуты».",
    )
    outro = TextAreaField("Завершение", validators=[Length(max=5000)], description="Например, благодарность.")
    submit = SubmitField("Сохранить")


class QuestionForm(BaseForm):
    # checked by the view and the service (a new question takes its preset from the address, a CSI one has none)
    preset = SelectField(
        "Тип вопроса", choices=choices((k, PRESETS[k].label) for k in EDIT_PRESETS), validate_choice=False
    )
    text = TextAreaField("Текст вопроса", validators=[Length(max=2000)])
    parameter = StringField(
        "Параметр", validators=[Length(max=300)], description="Например: «Качество работы сотрудников»."
    )
    points = SelectField("Шкала", choices=choices((str(n), f"из {n} баллов") for n in CSI_POINTS), default="5")
    low_label = StringField("Подпись наименьшего значения", validators=[Length(max=100)])
    high_label = StringField("Подпись наибольшего значения", validators=[Length(max=100)])
    options = TextAreaField("Варианты ответа", description="Каждый вариант с новой строки, не меньше двух.")
    other = BooleanField("Добавить вариант «Другое (впишите)» с полем для ответа")
    required = BooleanField("Обязательный вопрос")
    help_text = TextAreaField("Подсказка под вопросом", validators=[Length(max=1000)])
    show_if = SelectMultipleField("Показывать вопрос, только если", choices=[], validate_choice=False)
    submit = SubmitField("Сохранить вопрос")

    def data_for_spec(self) -> dict:
        return {
            "text": self.text.data,
            "help_text": self.help_text.data,
            "required": self.required.data,
            "low_label": self.low_label.data,
            "high_label": self.high_label.data,
            "options": self.options.data,
            "other": self.other.data,
            "parameter": self.parameter.data,
            "points": self.points.data,
            "show_if": self.show_if.data or [],
        }
