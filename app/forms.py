"""Form base class: Russian WTForms messages and the shared password rule."""

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

MIN_PASSWORD_LENGTH = 10


def _strip(value):
    """Text inputs arrive trimmed, and a missing one as an empty string."""
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        locales = ("ru",)

        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", ()))
            if unbound_field.field_class in (StringField, TextAreaField, EmailField):
                filters.insert(0, _strip)
            return unbound_field.bind(form=form, filters=filters, **options)


def strong_password(form, field) -> None:
    """At least 10 characters with both letters and digits."""
    value = field.data or ""
    Length(min=MIN_PASSWORD_LENGTH, message=f"Пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов.")(
        form, field
    )
    if not (any(c.isalpha() for c in value) and any(c.isdigit() for c in value)):
        raise ValidationError("Пароль должен содержать буквы и цифры.")


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
