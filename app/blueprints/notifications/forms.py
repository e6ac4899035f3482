from wtforms import BooleanField, IntegerField, SubmitField
from wtforms.validators import NumberRange, StopValidation

from app.forms import BaseForm
from app.services.reminders import MAX_DAYS

DAYS_MESSAGE = f"Введите целое число от 0 до {MAX_DAYS}."


class DaysField(IntegerField):
    """A whole number of days; anything else gets the Russian message next to the field."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        value = (valuelist[0] or "").strip()
        if not value:
            self.data = None
            return
        try:
            self.data = int(value)
        except ValueError:
            self.data = None
            raise ValueError(DAYS_MESSAGE) from None


def _required(form, field) -> None:
    """An empty or unreadable number stops here, with one message."""
    if field.data is None:
        raise StopValidation("" if field.errors else DAYS_MESSAGE)


class ReminderRuleForm(BaseForm):
    on_due_day = BooleanField("Напоминать в день срока")
    days_before = DaysField(
        "За сколько дней до срока напомнить",
        validators=[_required, NumberRange(min=0, max=MAX_DAYS, message=DAYS_MESSAGE)],
        render_kw={"min": 0, "max": MAX_DAYS, "inputmode": "numeric"},
    )
    overdue_every = DaysField(
        "Напоминать о просроченном поручении раз в … дней",
        validators=[_required, NumberRange(min=0, max=MAX_DAYS, message=DAYS_MESSAGE)],
        render_kw={"min": 0, "max": MAX_DAYS, "inputmode": "numeric"},
    )
    email_digest = BooleanField("Присылать сводку на электронную почту")
    submit = SubmitField("Сохранить")
