"""A client's answers between steps: the session names a draft, Redis holds it (long free-text answers do not
fit a cookie). An empty draft (just opened) and a draft saved while Redis is unreachable stay in the session
itself, so a page view alone keeps nothing on the server."""

import json
import logging
import secrets
import time

from flask import current_app, session
from redis.exceptions import RedisError

from app.jobs import redis_connection

log = logging.getLogger(__name__)

SESSION_KEY = "survey_drafts"
TTL = 6 * 3600  # an unfinished questionnaire is forgotten after six hours


def _redis_key(draft_id: str) -> str:
    return f"{current_app.config.get('RATELIMIT_KEY_PREFIX', 'cxm')}:survey-draft:{draft_id}"


def new_state(src: str, started: float | None = None) -> dict:
    """An empty draft; `started` (the first page's time) gives the response its seconds spent."""
    started = time.time() if started is None else started
    return {"values": {}, "remote": False, "email": "", "src": src, "started": started, "reached": 1}


def load(key: str) -> dict | None:
    """The draft of `key` («link:<token>» or «kiosk:<token>») in this session, or None."""
    ref = session.get(SESSION_KEY, {}).get(key)
    if ref is None:
        return None
    if isinstance(ref, dict):  # an empty draft, or one kept while Redis was down
        return ref
    try:
        raw = redis_connection().get(_redis_key(ref))
    except RedisError:
        log.exception("survey draft unreachable")
        return None
    return json.loads(raw) if raw else None


def save(key: str, state: dict, *, in_session: bool = False) -> None:
    refs = dict(session.get(SESSION_KEY, {}))
    if in_session:
        refs[key] = state
        session[SESSION_KEY] = refs
        return
    ref = refs.get(key)
    draft_id = ref if isinstance(ref, str) else secrets.token_urlsafe(24)
    try:
        redis_connection().set(_redis_key(draft_id), json.dumps(state, ensure_ascii=False), ex=TTL)
        refs[key] = draft_id
    except RedisError:
        log.exception("survey draft kept in the session: Redis unreachable")
        refs[key] = state
    session[SESSION_KEY] = refs


def clear(key: str) -> None:
    refs = dict(session.get(SESSION_KEY, {}))
    ref = refs.pop(key, None)
    if isinstance(ref, str):
        try:
            redis_connection().delete(_redis_key(ref))
        except RedisError:
            log.exception("survey draft not deleted (it expires by itself)")
    session[SESSION_KEY] = refs
