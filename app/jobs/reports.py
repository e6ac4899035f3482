"""The pilot report's package for ФЦК, built in the background with a progress box."""

from app.extensions import db
from app.jobs import report_progress, tracked_job
from app.models.reports import PilotReport
from app.services import reports


@tracked_job
def build_package(run, report_id: int):
    """ZIP the report and what it cites; a second run writes the same key again (safe to repeat)."""
    report = db.session.get(PilotReport, report_id)
    if report is None:
        raise LookupError(f"Отчёт № {report_id} не найден: возможно, он удалён.")
    return reports.build_package(report, run, lambda percent, message: report_progress(run, percent, message))
