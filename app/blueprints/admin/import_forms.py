"""Forms of the CSV import: the upload and the confirmation of a checked file."""

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Regexp

from app.forms import BaseForm, choices
from app.services.provisioning import FORMATS

KIND_CHOICES = [(kind, fmt.label) for kind, fmt in FORMATS.items()]
INVITE_LABEL = "Отправлять приглашения новым сотрудникам"


class ImportForm(BaseForm):
    kind = SelectField(
        "Что загружаем",
        choices=choices(KIND_CHOICES),
        validate_choice=False,
        validators=[AnyOf(list(FORMATS), message="Выберите, что загружаем, из списка.")],
    )
    file = FileField(
        "Файл CSV",
        render_kw={"accept": ".csv,.txt,text/csv"},
        validators=[
            FileRequired("Выберите файл CSV."),
            FileAllowed(["csv", "txt"], "Загрузите файл CSV (.csv); таблицу Excel сначала сохраните как CSV."),
        ],
    )
    invite = BooleanField(INVITE_LABEL, default=True)
    submit = SubmitField("Проверить файл")


class ConfirmImportForm(BaseForm):
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{32,64}$")])
    kind = HiddenField(validators=[AnyOf(list(FORMATS))])
    invite = BooleanField(INVITE_LABEL)
    submit = SubmitField("Загрузить данные")
