"""task index by centre and deadline: a centre's task list, nearest deadline first

Revision ID: 5b8e2f4c1a93
Revises: e19bd23dd7d6
Create Date: 2026-11-29 09:13:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e2f4c1a93'
down_revision = 'e19bd23dd7d6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_centre_due', ['centre_id', 'due_on', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_centre_due')
