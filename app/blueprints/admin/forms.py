from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from app.forms import BaseForm, choices
from app.models.org import NETWORK_TYPES, ROLES

REQUIRED = "Обязательное поле."


def _aliases_help() -> str:
    return "Через точку с запятой, например: ЯНАО; Ямало-Ненецкий АО"


class RegionForm(BaseForm):
    name = StringField("Название субъекта", validators=[DataRequired(REQUIRED), Length(max=200)])
    aliases = StringField("Другие названия", validators=[Length(max=1000)], description=_aliases_help())
    authority_name = StringField("Орган службы занятости (СЗН)", validators=[Length(max=500)])
    network_type = SelectField("Тип сети ЦЗН", choices=choices(NETWORK_TYPES.items()))
    managing_centre_id = SelectField("Управляющий ЦЗН", coerce=int, validators=[Optional()])
    submit = SubmitField("Сохранить")


class CentreForm(BaseForm):
    name = StringField("Название центра", validators=[DataRequired(REQUIRED), Length(max=300)])
    aliases = StringField("Другие названия", validators=[Length(max=1000)], description=_aliases_help())
    region_id = SelectField("Регион", coerce=int, validators=[DataRequired("Выберите регион.")])
    parent_id = SelectField("Головной центр (для филиала)", coerce=int, validators=[Optional()])
    address = StringField("Адрес", validators=[Length(max=500)])
    working_hours = StringField("Часы работы", validators=[Length(max=300)])
    is_pilot = BooleanField("Пилотный центр")
    is_modernised = BooleanField("Модернизированный — Кадровый центр «Работа России»")
    is_flagship = BooleanField("Флагманский центр")
    submit = SubmitField("Сохранить")


class DepartmentForm(BaseForm):
    name = StringField("Название отдела", validators=[DataRequired(REQUIRED), Length(max=300)])
    submit = SubmitField("Добавить отдел")


class UserForm(BaseForm):
    full_name = StringField("ФИО", validators=[DataRequired(REQUIRED), Length(max=300)])
    position = StringField("Должность", validators=[Length(max=300)])
    email = EmailField(
        "Электронная почта (логин)",
        validators=[DataRequired(REQUIRED), Email(message="Неверный адрес электронной почты."), Length(max=254)],
    )
    phone = StringField(
        "Телефон",
        validators=[
            Optional(),
            Length(max=50),
            Regexp(r"^[0-9 +()\-]{5,50}$", message="Телефон: цифры, пробелы, +, скобки и дефисы."),
        ],
    )
    region_id = SelectField("Регион", coerce=int, validators=[Optional()])
    centre_id = SelectField("Центр", coerce=int, validators=[Optional()])
    department_id = SelectField("Отдел", coerce=int, validators=[Optional()])
    active = BooleanField("Учётная запись активна", default=True)
    invite = BooleanField("Отправить приглашение по электронной почте", default=True)
    submit = SubmitField("Сохранить")


class RoleForm(BaseForm):
    role = SelectField("Роль", choices=choices(ROLES.items()))
    scope = SelectField("Область действия", validators=[DataRequired("Выберите область.")])
    submit = SubmitField("Назначить роль")


class ContactForm(BaseForm):
    user_id = SelectField("Ответственное лицо", coerce=int, validators=[DataRequired("Выберите сотрудника.")])
    valid_from = DateField("С даты", validators=[DataRequired("Укажите дату.")])
    submit = SubmitField("Назначить")


class SettingsForm(BaseForm):
    retention_days = StringField(
        "Срок хранения персональных данных клиентов, дней",
        validators=[DataRequired(REQUIRED), Regexp(r"^\d{1,5}$", message="Укажите целое число дней (от 30 до 36500).")],
    )
    submit = SubmitField("Сохранить")
