"""Forms of the reports area: a new report, its §2/§3 rows, submissions to ФЦК and their review."""

from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import BaseForm
from app.services.reports import MAX_COMMENT, MAX_ROW_TEXT

REQUIRED = "Обязательное поле."


class ReportForm(BaseForm):
    roadmap_id = SelectField(
        "Дорожная карта",
        coerce=int,
        validators=[DataRequired("Выберите дорожную карту.")],
        description="Раздел 1 отчёта строится по её мероприятиям: результат, дата исполнения, подтверждения.",
    )
    title = StringField("Название отчёта", validators=[DataRequired(REQUIRED), Length(max=500)])
    submit = SubmitField("Создать отчёт")


class TitleForm(BaseForm):
    title = StringField("Название отчёта", validators=[DataRequired(REQUIRED), Length(max=500)])
    submit = SubmitField("Сохранить название")


class RowForm(BaseForm):
    text = TextAreaField(
        "Текст",
        validators=[
            DataRequired("Впишите текст строки."),
            Length(max=MAX_ROW_TEXT, message=f"Не длиннее {MAX_ROW_TEXT} символов."),
        ],
    )
    submit = SubmitField("Сохранить")


class ConfirmForm(BaseForm):
    """A confirmation step: nothing but the CSRF token."""

    submit = SubmitField("Удалить")


class PackageForm(BaseForm):
    """«Собрать пакет»: nothing but the CSRF token."""


class SubmitForm(BaseForm):
    artefact_id = SelectField("Что представляется", coerce=int, validators=[DataRequired("Выберите запись.")])
    comment = TextAreaField(
        "Комментарий для ФЦК",
        validators=[Optional(), Length(max=MAX_COMMENT, message=f"Не длиннее {MAX_COMMENT} символов.")],
        description="Например, что дополнено по запросу ФЦК.",
    )
    submit = SubmitField("Представить в ФЦК")


class ReturnForm(BaseForm):
    comment = TextAreaField(
        "Запрос недостающих данных",
        validators=[
            DataRequired("Напишите, каких данных не хватает: без запроса вернуть материалы нельзя."),
            Length(max=MAX_COMMENT, message=f"Не длиннее {MAX_COMMENT} символов."),
        ],
        description="Регион увидит этот текст и представит материалы повторно.",
    )
    submit = SubmitField("Вернуть за данными")


class AcceptForm(BaseForm):
    comment = TextAreaField(
        "Комментарий", validators=[Optional(), Length(max=MAX_COMMENT, message=f"Не длиннее {MAX_COMMENT} символов.")]
    )
    submit = SubmitField("Принять")
