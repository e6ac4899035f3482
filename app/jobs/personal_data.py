"""Periodic anonymisation of client personal data past the retention period."""

from app.extensions import db
from app.jobs import _app
from app.services import personal_data


def anonymise_expired_client_data() -> int:
    """Cron entry point; commits its own work; idempotent (anonymised rows are skipped)."""
    with _app().app_context():
        try:
            count = personal_data.anonymise_expired()
            db.session.commit()
            return count
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
