"""Periodic anonymisation of client personal data past the retention period."""

from app.jobs import _app
from app.services import personal_data


def anonymise_expired_client_data() -> int:
    """Cron entry point; idempotent (anonymised rows are skipped)."""
    with _app().app_context():
        return personal_data.anonymise_expired()
