"""Form base class: Russian WTForms messages and the shared password rule."""

from flask_wtf import FlaskForm
from wtforms.validators import Length, ValidationError

MIN_PASSWORD_LENGTH = 10


class BaseForm(FlaskForm):
    class Meta:
        locales = ("ru",)


def strong_password(form, field) -> None:
    """At least 10 characters with both letters and digits."""
    value = field.data or ""
    Length(min=MIN_PASSWORD_LENGTH, message=f"Пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов.")(form, field)
    if not (any(c.isalpha() for c in value) and any(c.isdigit() for c in value)):
        raise ValidationError("Пароль должен содержать буквы и цифры.")
