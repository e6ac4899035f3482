"""The pilot report (§1 from the roadmap, §2/§3 rows, DOCX/XLSX), its package ZIP, and submissions to ФЦК."""

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.blueprints.htmx import render
from app.blueprints.listing import arg_id, paginate
from app.blueprints.reports import bp
from app.blueprints.reports.forms import (
    AcceptForm,
    ConfirmForm,
    PackageForm,
    ReportForm,
    ReturnForm,
    RowForm,
    SubmitForm,
    TitleForm,
)
from app.extensions import db
from app.forms import choices
from app.models.jobs import JobRun
from app.models.org import Region
from app.models.reports import (
    REPORT_SECTIONS,
    SUBMISSION_KINDS,
    SUBMISSION_STATUSES,
    PilotReport,
    ReportRow,
    Submission,
)
from app.models.roadmap import Roadmap
from app.services import artefacts, audit, files, jobs, reports
from app.services.policy import Scope, can, get_or_404, permission_required, scoped

STATUS_BADGES = {
    "not_submitted": "text-bg-light border",
    "submitted": "text-bg-info",
    "returned": "text-bg-warning",
    "accepted": "text-bg-success",
}


def _me():
    return current_user._get_current_object()


def submitted_link(kind: str, artefact_id: int | None) -> str | None:
    spec = reports.SUBMITTED.get(kind)
    if spec is None or artefact_id is None:
        return None
    return url_for(spec.endpoint, **{spec.id_arg: artefact_id})


@bp.context_processor
def _helpers():
    return {
        "artefact_link": artefacts.url,
        "submitted_link": submitted_link,
        "status_badge": lambda status: STATUS_BADGES.get(status, "text-bg-light border"),
        "SUBMISSION_STATUSES": SUBMISSION_STATUSES,
        "SUBMISSION_KINDS": SUBMISSION_KINDS,
    }


# ---- reports -------------------------------------------------------------------------------


@bp.route("/")
@permission_required("report.view")
def index():
    stmt = (
        scoped(select(PilotReport), PilotReport, current_user, "report.view")
        .options(selectinload(PilotReport.region), selectinload(PilotReport.roadmap))
        .order_by(PilotReport.created_at.desc(), PilotReport.id.desc())
    )
    return render("reports/index.html", "reports/_list.html", page=paginate(stmt))


def _roadmap_choices() -> list:
    stmt = scoped(select(Roadmap), Roadmap, current_user, "report.manage").order_by(Roadmap.id.desc())
    return choices(
        [(0, "— выберите —")] + [(r.id, artefacts.title("roadmap", r.id)) for r in db.session.scalars(stmt.limit(500))]
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required("report.manage")
def new():
    form = ReportForm()
    form.roadmap_id.choices = _roadmap_choices()
    if request.method == "GET":
        form.title.data = reports.DEFAULT_TITLE
        form.roadmap_id.data = request.args.get("roadmap", 0, type=int)
    if form.validate_on_submit():
        roadmap = db.session.get(Roadmap, form.roadmap_id.data)
        if roadmap is None or not can(current_user, "report.manage", roadmap):
            form.roadmap_id.errors.append("Выберите дорожную карту из списка.")
        else:
            report = reports.create(roadmap, form.title.data, _me())
            db.session.commit()
            flash("Отчёт создан: раздел 1 заполнен по дорожной карте.", "success")
            return redirect(url_for("reports.report", report_id=report.id), 303)
    status = 400 if form.errors else 200
    return render_template("reports/new.html", form=form), status


def _report_context(report: PilotReport, **forms) -> dict:
    manage = can(current_user, "report.manage", report)
    runs = reports.package_runs(report)
    context = {
        "report": report,
        "manage": manage,
        "may_package": manage or can(current_user, "report.review", report),
        "execution": reports.section_one(report),
        "attachments": reports.attachments(report),
        "sections": REPORT_SECTIONS,
        "row_forms": {section: RowForm(formdata=None, prefix=section) for section in REPORT_SECTIONS},
        "title_form": TitleForm(formdata=None, obj=report),
        "run": runs[0] if runs else None,
        "history": audit.history(report),
    }
    context.update(forms)
    return context


@bp.route("/<int:report_id>")
@permission_required("report.view")
def report(report_id: int):
    report = get_or_404(PilotReport, report_id, "report.view")
    return render_template("reports/report.html", **_report_context(report))


@bp.route("/<int:report_id>/title", methods=["POST"])
@permission_required("report.manage")
def rename(report_id: int):
    report = get_or_404(PilotReport, report_id, "report.manage")
    form = TitleForm()
    if not form.validate_on_submit():
        return render_template("reports/report.html", **_report_context(report, title_form=form)), 400
    reports.rename(report, form.title.data, _me())
    db.session.commit()
    flash("Название сохранено.", "success")
    return redirect(url_for("reports.report", report_id=report.id), 303)


@bp.route("/<int:report_id>/rows/<section>", methods=["POST"])
@permission_required("report.manage")
def row_add(report_id: int, section: str):
    report = get_or_404(PilotReport, report_id, "report.manage")
    if section not in REPORT_SECTIONS:
        abort(404)
    form = RowForm(prefix=section)
    if form.validate_on_submit():
        try:
            reports.add_row(report, section, form.text.data, _me())
        except reports.ReportError as error:
            db.session.rollback()
            form.text.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Строка добавлена в раздел «{REPORT_SECTIONS[section]}».", "success")
            return redirect(url_for("reports.report", report_id=report.id, _anchor=f"section-{section}"), 303)
    forms = {name: RowForm(formdata=None, prefix=name) for name in REPORT_SECTIONS} | {section: form}
    return render_template("reports/report.html", **_report_context(report, row_forms=forms)), 400


def _row_or_404(report: PilotReport, row_id: int) -> ReportRow:
    row = db.session.get(ReportRow, row_id)
    if row is None or row.report_id != report.id:
        abort(404)
    return row


@bp.route("/<int:report_id>/rows/<int:row_id>/edit", methods=["GET", "POST"])
@permission_required("report.manage")
def row_edit(report_id: int, row_id: int):
    report = get_or_404(PilotReport, report_id, "report.manage")
    row = _row_or_404(report, row_id)
    form = RowForm(obj=row)
    if form.validate_on_submit():
        try:
            reports.edit_row(row, form.text.data, _me())
        except reports.ReportError as error:
            db.session.rollback()
            form.text.errors.append(str(error))
        else:
            db.session.commit()
            flash("Строка сохранена.", "success")
            return redirect(url_for("reports.report", report_id=report.id, _anchor=f"section-{row.section}"), 303)
    status = 400 if form.errors else 200
    return render_template("reports/row_form.html", report=report, row=row, form=form, sections=REPORT_SECTIONS), status


@bp.route("/<int:report_id>/rows/<int:row_id>/delete", methods=["GET", "POST"])
@permission_required("report.manage")
def row_delete(report_id: int, row_id: int):
    """GET asks to confirm; POST deletes."""
    report = get_or_404(PilotReport, report_id, "report.manage")
    row = _row_or_404(report, row_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        section = row.section
        reports.remove_row(row, _me())
        db.session.commit()
        flash("Строка удалена; нумерация обновлена.", "success")
        return redirect(url_for("reports.report", report_id=report.id, _anchor=f"section-{section}"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "reports/row_delete.html", report=report, row=row, form=form, sections=REPORT_SECTIONS
    ), status


def _download(data: bytes, mimetype: str, name: str):
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
    response.cache_control.private = True
    return response


@bp.route("/<int:report_id>/report.docx")
@permission_required("report.view")
def docx(report_id: int):
    report = get_or_404(PilotReport, report_id, "report.view")
    return _download(reports.report_docx(report), reports.DOCX_TYPE, reports.download_name(report, "docx"))


@bp.route("/<int:report_id>/report.xlsx")
@permission_required("report.view")
def xlsx(report_id: int):
    report = get_or_404(PilotReport, report_id, "report.view")
    return _download(reports.report_xlsx(report), reports.XLSX_TYPE, reports.download_name(report, "xlsx"))


# ---- the package ---------------------------------------------------------------------------


def _may_package(report: PilotReport) -> bool:
    return can(current_user, "report.manage", report) or can(current_user, "report.review", report)


@bp.route("/<int:report_id>/package", methods=["POST"])
@permission_required("report.view")
def package(report_id: int):
    report = get_or_404(PilotReport, report_id, "report.view")
    if not _may_package(report):
        abort(404)
    if not PackageForm().validate_on_submit():
        abort(400)
    jobs.start(
        "report_package",
        user=_me(),
        params={"report_id": report.id},
        region_id=report.region_id,
        centre_id=report.centre_id,
    )
    db.session.commit()
    flash("Пакет собирается: ход сборки — ниже, ссылка на ZIP появится, когда он будет готов.", "info")
    return redirect(url_for("reports.report", report_id=report.id, _anchor="package"), 303)


def _run_or_404(report: PilotReport, run_id: int) -> JobRun:
    run = db.session.get(JobRun, run_id)
    if run is None or not reports.belongs(run, report):
        abort(404)
    return run


@bp.route("/<int:report_id>/package/<int:run_id>")
@permission_required("report.view")
def package_run(report_id: int, run_id: int):
    """The progress box (polled by htmx), or a page with it."""
    report = get_or_404(PilotReport, report_id, "report.view")
    run = _run_or_404(report, run_id)
    return render("reports/package.html", "reports/_package.html", report=report, run=run)


@bp.route("/<int:report_id>/package/<int:run_id>.zip")
@permission_required("report.view")
def package_download(report_id: int, run_id: int):
    report = get_or_404(PilotReport, report_id, "report.view")
    run = _run_or_404(report, run_id)
    result = run.result or {}
    if run.status != "finished" or not result.get("key"):
        abort(404)
    try:
        stream = files.storage().open(result["key"])
    except (FileNotFoundError, ValueError):
        abort(404)
    response = send_file(
        stream, mimetype="application/zip", as_attachment=True, download_name=result.get("filename") or "package.zip"
    )
    response.cache_control.private = True
    return response


# ---- submissions to ФЦК --------------------------------------------------------------------


def _managed_regions() -> list[Region]:
    return list(db.session.scalars(scoped(select(Region), Region, current_user, "report.manage").order_by(Region.name)))


def _submit_forms(region: Region, kinds: dict, posted: tuple[str, SubmitForm] | None = None) -> dict:
    forms = {}
    for kind in SUBMISSION_KINDS:
        form = posted[1] if posted and posted[0] == kind else SubmitForm(formdata=None, prefix=kind)
        options = reports.candidates(kind, region.id, current_user)
        form.artefact_id.choices = choices([(0, "— выберите —")] + options)
        submission = kinds.get(kind)
        if not form.artefact_id.data and submission is not None and submission.artefact_id in dict(options):
            form.artefact_id.data = submission.artefact_id
        forms[kind] = form
    return forms


def _submissions_page(region: Region | None, regions: list[Region], posted=None, status: int = 200):
    context = {"region": region, "regions": regions}
    if region is not None:
        kinds = reports.region_submissions(region.id)
        context.update(
            kinds=kinds,
            records={k: reports.submitted_record(s) if s else None for k, s in kinds.items()},
            requests={k: reports.last_request(s) for k, s in kinds.items()},
            forms=_submit_forms(region, kinds, posted),
            open_statuses=reports.OPEN_FOR_SUBMISSION,
            submitted_title=reports.submitted_title,
        )
    return render_template("reports/submissions.html", **context), status


@bp.route("/submissions")
@permission_required("report.manage")
def submissions():
    regions = _managed_regions()
    region_id = arg_id("region")
    if region_id is None and len(regions) == 1:
        region_id = regions[0].id
    region = None
    if region_id is not None:
        region = next((r for r in regions if r.id == region_id), None)
        if region is None:
            abort(404)
    return _submissions_page(region, regions)


@bp.route("/submissions/<int:region_id>/<kind>", methods=["POST"])
@permission_required("report.manage")
def submit(region_id: int, kind: str):
    region = db.session.get(Region, region_id)
    if region is None or kind not in SUBMISSION_KINDS or not can(current_user, "report.manage", Scope(region.id)):
        abort(404)
    form = SubmitForm(prefix=kind)
    form.artefact_id.choices = choices([(0, "—")] + reports.candidates(kind, region.id, current_user))
    if form.validate_on_submit():
        try:
            submission = reports.submit(region, kind, form.artefact_id.data, form.comment.data, _me())
            db.session.commit()
        except reports.ReportError as error:
            db.session.rollback()
            _show_error(form, error)
        except IntegrityError:  # someone created the region's submission of this kind at the same moment
            db.session.rollback()
            form.artefact_id.errors.append("Материалы только что представил другой сотрудник: обновите страницу.")
        else:
            flash(f"{SUBMISSION_KINDS[kind]}: представлено в ФЦК.", "success")
            return redirect(url_for("reports.submission", submission_id=submission.id), 303)
    return _submissions_page(region, _managed_regions(), posted=(kind, form), status=400)


@bp.route("/federal")
@permission_required("report.review")
def federal():
    page = paginate(reports.review_regions(current_user))
    table = reports.overview([r.id for r in page.items])
    return render(
        "reports/federal.html",
        "reports/_federal.html",
        page=page,
        table=table,
        counts=reports.status_counts(current_user),
    )


def _submission_or_404(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or not (
        can(current_user, "report.review", submission) or can(current_user, "report.manage", submission)
    ):
        abort(404)
    return submission


def _submission_page(submission: Submission, status: int = 200, **forms):
    review = can(current_user, "report.review", submission) and submission.status == "submitted"
    resubmit = can(current_user, "report.manage", submission) and submission.status in reports.OPEN_FOR_SUBMISSION
    resubmit_form = None
    if resubmit:
        kinds = {submission.kind: submission}
        resubmit_form = _submit_forms(submission.region, kinds)[submission.kind]
    context = {
        "submission": submission,
        "record": reports.submitted_record(submission),
        "submitted_title": reports.submitted_title,
        "request_event": reports.last_request(submission),
        "review": review,
        "return_form": ReturnForm(formdata=None, prefix="return"),
        "accept_form": AcceptForm(formdata=None, prefix="accept"),
        "resubmit_form": resubmit_form,
        "history": audit.history(submission),
    }
    context.update(forms)
    return render_template("reports/submission.html", **context), status


@bp.route("/submission/<int:submission_id>")
@permission_required("report.view")
def submission(submission_id: int):
    """A region's submission of one kind with its exchange; reviewers return or accept it here."""
    return _submission_page(_submission_or_404(submission_id))


def _show_error(form, error: reports.ReportError) -> None:
    """Next to the field it is about; about the submission's state, as a message (the form may be gone)."""
    if error.field and hasattr(form, error.field):
        getattr(form, error.field).errors.append(str(error))
    else:
        flash(str(error), "danger")


def _reviewed_or_404(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or not can(current_user, "report.review", submission):
        abort(404)
    return submission


@bp.route("/submission/<int:submission_id>/<any(return, accept):action>", methods=["POST"])
@permission_required("report.review")
def submission_review(submission_id: int, action: str):
    """«Вернуть за данными» (a comment required) or «Принять»."""
    submission = _reviewed_or_404(submission_id)
    form = ReturnForm(prefix="return") if action == "return" else AcceptForm(prefix="accept")
    if form.validate_on_submit():
        try:
            reports.review(submission, action, form.comment.data, _me())
            db.session.commit()
        except reports.ReportError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            done = "возвращены региону с запросом недостающих данных" if action == "return" else "приняты"
            flash(f"Материалы {done}.", "success")
            return redirect(url_for("reports.submission", submission_id=submission.id), 303)
    return _submission_page(submission, 400, **{f"{action}_form": form})
