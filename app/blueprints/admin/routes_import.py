"""CSV import routes (bulk provisioning)."""

from flask import render_template

from app.blueprints.admin import bp
from app.services.policy import permission_required


@bp.route("/import", methods=["GET", "POST"])
@permission_required("import.run")
def import_csv():
    return render_template("errors/error.html", code=501, title="Импорт", text="Импорт готовится.")
