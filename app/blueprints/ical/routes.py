import hashlib

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.blueprints.ical import bp
from app.extensions import db, limiter
from app.services import ical

# Per feed address, not per client address: Outlook clients behind one office NAT, or Google's
# fetchers, share addresses. Calendars poll hourly at most; tokens are 256-bit, so guessing is futile.
FEED_RATE_LIMIT = "60 per hour"


def _me():
    return current_user._get_current_object()


def _page(new_url: str | None = None):
    """The calendar page; a link just created is shown in full once."""
    me = _me()
    token = ical.active_token(me)
    return render_template(
        "ical/index.html",
        token=token,
        masked_url=ical.masked_feed_url(token) if token else None,
        new_url=new_url,
        meetings_count=len(ical.feed_meetings(me)),
        tasks_count=len(ical.feed_tasks(me)),
    )


@bp.route("/")
@login_required
def index():
    return _page()


@bp.route("/link", methods=["POST"])
@login_required
def create_link():
    _, plain = ical.issue(_me(), actor=_me())
    db.session.commit()
    return _page(new_url=ical.feed_url(plain))


@bp.route("/link/revoke", methods=["POST"])
@login_required
def revoke_link():
    if ical.revoke(_me(), actor=_me()):
        db.session.commit()
        flash("Ссылка отключена: календари, подписанные на неё, больше не обновляются.", "success")
    else:
        flash("Действующей ссылки не было.", "info")
    return redirect(url_for("ical.index"), 303)


def _feed_key() -> str:
    """Rate-limit key of one feed address (hashed: the secret itself never goes to Redis)."""
    token = (request.view_args or {}).get("token", "")
    return "ical-feed:" + hashlib.sha256(token.encode()).hexdigest()[:32]


@bp.route("/feed/<token>.ics")
@limiter.limit(lambda: current_app.config.get("ICAL_FEED_RATE_LIMIT", FEED_RATE_LIMIT), key_func=_feed_key)
def feed(token: str):
    """The personal feed: public, the token in the address is the secret."""
    user = ical.user_for(token)
    if user is None:
        abort(404)
    body = ical.feed(user)
    db.session.commit()  # last_used_at
    response = make_response(body)
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = 'inline; filename="cxm.ics"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.add_etag()
    return response.make_conditional(request)
