from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from app.forms import BaseForm, choices, strong_password
from app.models.org import CONSENT_PURPOSES


class ChangePasswordForm(BaseForm):
    current = PasswordField("Текущий пароль", validators=[DataRequired(message="Введите текущий пароль.")])
    password = PasswordField(
        "Новый пароль", validators=[DataRequired(message="Введите новый пароль."), strong_password]
    )
    confirm = PasswordField(
        "Повторите новый пароль",
        validators=[DataRequired(message="Повторите пароль."), EqualTo("password", message="Пароли не совпадают.")],
    )
    submit = SubmitField("Сменить пароль")


class TokenForm(BaseForm):
    name = StringField(
        "Название токена",
        validators=[
            DataRequired(message="Укажите название, например «Выгрузка в BI»."),
            Length(max=100, message="Не длиннее 100 символов."),
        ],
    )
    submit = SubmitField("Создать токен")


class ConsentForm(BaseForm):
    purpose = SelectField("Согласие", choices=choices(CONSENT_PURPOSES.items()))
    submit = SubmitField("Дать согласие")
