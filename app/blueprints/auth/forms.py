from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo

from app.forms import BaseForm, strong_password


class LoginForm(BaseForm):
    email = EmailField("Электронная почта", validators=[DataRequired(message="Введите электронную почту.")])
    password = PasswordField("Пароль", validators=[DataRequired(message="Введите пароль.")])
    remember = BooleanField("Запомнить меня на этом компьютере")
    submit = SubmitField("Войти")


class SetPasswordForm(BaseForm):
    password = PasswordField("Новый пароль", validators=[DataRequired(message="Введите пароль."), strong_password])
    confirm = PasswordField(
        "Повторите пароль",
        validators=[DataRequired(message="Повторите пароль."), EqualTo("password", message="Пароли не совпадают.")],
    )
    submit = SubmitField("Сохранить пароль")
