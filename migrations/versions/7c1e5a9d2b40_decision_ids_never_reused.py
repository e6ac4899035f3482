"""decision ids never reused on SQLite

Revision ID: 7c1e5a9d2b40
Revises: 021f4a417620
Create Date: 2026-11-29 05:10:00

A deleted decision's id must not come back: tasks point to their decision by id. PostgreSQL
sequences never reuse ids; SQLite does unless the table is AUTOINCREMENT, which needs a rebuild.
"""

from alembic import op

revision = "7c1e5a9d2b40"
down_revision = "021f4a417620"
branch_labels = None
depends_on = None


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("decision", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
        pass


def upgrade():
    _rebuild(True)


def downgrade():
    _rebuild(False)
