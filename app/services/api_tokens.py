"""Personal API tokens: issue (shown once), authenticate by hash, revoke."""

import hashlib
import secrets

from sqlalchemy import select

from app.extensions import db
from app.models.api import ApiToken
from app.models.base import utcnow
from app.models.org import User
from app.services import audit

PREFIX = "cxm_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User, name: str, actor=None) -> tuple[ApiToken, str]:
    """Create a token; the plain value is returned once and never stored."""
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip() or "Токен", token_hash=_hash(plain), prefix=plain[:12])
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.create", user, actor=actor or user, after={"token": token.prefix, "name": token.name})
    return token, plain


def user_for(plain: str) -> User | None:
    """The active owner of a valid, unrevoked token."""
    if not plain or not plain.startswith(PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(plain)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token.user


def revoke(token: ApiToken, actor=None) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token.revoke", token.user, actor=actor, after={"token": token.prefix})
