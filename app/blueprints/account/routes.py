from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user

from app.blueprints.account import bp
from app.blueprints.account.forms import ChangePasswordForm, ConsentForm, TokenForm
from app.extensions import db
from app.models.api import ApiToken
from app.models.org import Consent
from app.services import api_tokens, auth, consents


def _me():
    return current_user._get_current_object()


def _profile(new_token: str | None = None):
    """The profile page; a token just issued is shown once."""
    tokens = db.session.query(ApiToken).filter_by(user_id=current_user.id).order_by(ApiToken.id.desc()).all()
    return render_template(
        "account/profile.html",
        tokens=tokens,
        token_form=TokenForm(formdata=None),
        consent_form=ConsentForm(formdata=None),
        consents=consents.active_for_user(current_user),
        new_token=new_token,
    )


@bp.route("/")
@login_required
def profile():
    return _profile()


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("Текущий пароль введён неверно.")
        else:
            auth.set_password(_me(), form.password.data)
            db.session.commit()
            login_user(_me())  # this session continues; every other one ends with the old password
            flash("Пароль изменён. На других устройствах войдите заново.", "success")
            return redirect(url_for("account.profile"), 303)
    return render_template("account/password.html", form=form)


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        for error in form.name.errors:
            flash(error, "danger")
        return redirect(url_for("account.profile"), 303)
    token, plain = api_tokens.issue(_me(), form.name.data)
    db.session.commit()
    return _profile(new_token=plain)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    api_tokens.revoke(token, actor=_me())
    db.session.commit()
    flash("Токен отозван.", "success")
    return redirect(url_for("account.profile"), 303)


@bp.route("/consents", methods=["POST"])
@login_required
def give_consent():
    form = ConsentForm()
    if form.validate_on_submit():
        consents.give_for_user(_me(), form.purpose.data)
        db.session.commit()
        flash("Согласие записано.", "success")
    else:
        flash("Выберите согласие из списка.", "danger")
    return redirect(url_for("account.profile"), 303)


@bp.route("/consents/<int:consent_id>/withdraw", methods=["POST"])
@login_required
def withdraw_consent(consent_id: int):
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.user_id != current_user.id:
        abort(404)
    consents.withdraw(consent, _me())
    db.session.commit()
    flash("Согласие отозвано.", "success")
    return redirect(url_for("account.profile"), 303)
