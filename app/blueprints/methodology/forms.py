"""Forms of the methodology pages: filters, cloning a version, and the CSRF-only edit and activate forms."""

from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from app.forms import BaseForm, RuDate, choices
from app.models.methodology import METHODOLOGY_STATUSES


class VersionFilters(BaseForm):
    class Meta:
        csrf = False

    q = StringField("Поиск", validators=[Length(max=200)])
    status = SelectField("Статус", choices=choices([("", "Все"), *METHODOLOGY_STATUSES.items()]), default="")


class CloneForm(BaseForm):
    name = StringField(
        "Название новой версии", validators=[DataRequired("Укажите название новой версии."), Length(max=200)]
    )
    effective_from = RuDate(
        "Действует с",
        validators=[InputRequired("Укажите дату, с которой версия начнёт действовать.")],
        description="Версия применяется к периодам (кварталам), начинающимся с этой даты или позже.",
    )
    submit = SubmitField("Создать черновик")


class ConfirmForm(BaseForm):
    """A POST carrying only the CSRF token (the edit form's fields are read by the service)."""
