"""Form base class: Russian WTForms messages and the shared password rule."""

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from app.models.base import year_problem

MIN_PASSWORD_LENGTH = 10
DATE_MESSAGE = "Дата должна быть в формате ДД.ММ.ГГГГ (или ГГГГ-ММ-ДД)."


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


class RuDate(DateField):
    """A date from <input type=date> (yyyy-mm-dd) or typed by hand (dd.mm.yyyy), with a Russian message;
    a year outside the plausible range (a typo such as 20266) is refused too."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d", "%d.%m.%Y"])
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(DATE_MESSAGE) from error
        if problem := year_problem(self.data):
            self.data = None
            raise ValueError(problem)
