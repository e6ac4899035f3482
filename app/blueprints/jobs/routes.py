from flask import redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.blueprints.htmx import render
from app.blueprints.jobs import bp
from app.blueprints.listing import paginate
from app.extensions import db
from app.models.jobs import JobRun
from app.services import jobs
from app.services.policy import get_or_404, permission_required, scoped


@bp.route("/")
@permission_required("job.view")
def index():
    stmt = scoped(select(JobRun), JobRun, current_user, "job.view").order_by(JobRun.id.desc())
    page = paginate(stmt, per_page=25)
    return render_template("jobs/index.html", page=page)


@bp.route("/demo", methods=["POST"])
@permission_required("job.run")
def start_demo():
    run = jobs.start(
        "demo",
        user=current_user,
        params={"steps": 10, "delay": 0.3},
        region_id=current_user.region_id,
        centre_id=current_user.centre_id,
    )
    db.session.commit()
    return redirect(url_for("jobs.show", run_id=run.id), 303)


@bp.route("/<int:run_id>")
@permission_required("job.view")
def show(run_id: int):
    run = get_or_404(JobRun, run_id, "job.view")
    return render("jobs/show.html", "jobs/_box.html", run=run)
