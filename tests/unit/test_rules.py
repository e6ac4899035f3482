"""Pure rules: Russian formatting, search normalisation, scope coverage, password strength."""

from datetime import date, datetime

import pytest
from wtforms.validators import ValidationError

from app.forms import strong_password
from app.models.base import normalise
from app.services.policy import Visibility


def test_russian_dates_and_numbers(app):
    from app.ui import ru_date, ru_datetime, ru_number

    with app.test_request_context():
        assert ru_date(date(2026, 3, 5)) == "5 марта 2026"
        assert ru_datetime(datetime(2026, 3, 5, 9, 0)) == "5 марта 2026, 12:00"  # stored UTC, shown in Moscow
        assert ru_number(1234.5).replace("\xa0", " ") == "1 234,5"
        assert ru_date(None) == ""
        assert ru_date(datetime(2026, 3, 5, 22, 30)) == "6 марта 2026"  # 01:30 in Moscow: already the 6th


def test_normalise_folds_case_and_yo():
    assert normalise("  СЕМЁНОВ ") == "семенов"
    assert normalise(None) == ""


@pytest.mark.parametrize(
    ("vis", "region_id", "centre_id", "covered"),
    [
        (Visibility(everything=True), None, None, True),
        (Visibility(region_ids={1}, centre_ids={10, 11}), 1, None, True),
        (Visibility(region_ids={1}, centre_ids={10, 11}), 1, 10, True),
        (Visibility(region_ids={1}, centre_ids={10, 11}), 2, None, False),
        (Visibility(region_ids={1}, centre_ids={10, 11}), 2, 20, False),
        (Visibility(centre_ids={10}), 1, None, False),  # a centre role does not cover its region's own records
        (Visibility(), None, None, False),
    ],
)
def test_visibility_covers(vis, region_id, centre_id, covered):
    assert vis.covers(region_id, centre_id) is covered


class _Field:
    def __init__(self, data):
        self.data = data
        self.errors = []

    def gettext(self, text):
        return text

    def ngettext(self, singular, plural, n):
        return singular if n == 1 else plural


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("короткий1", "не короче 10"),
        ("толькобуквыбезцифр", "буквы и цифры"),
        ("1234567890", "буквы и цифры"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    with pytest.raises(ValidationError, match=message):
        strong_password(None, _Field(password))


def test_strong_password_passes():
    strong_password(None, _Field("Надёжный-пароль-2026"))
