"""users: lms_user.active, so that an administrator can deactivate an account

Revision ID: 0012_user_active
Revises: 0011_mail_outbox
Create Date: 2026-12-04 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_user_active'
down_revision = '0011_mail_outbox'
branch_labels = None
depends_on = None


def upgrade():
    # server_default: every existing account stays active; NOT NULL needs a value for them.
    with op.batch_alter_table('lms_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('lms_user', schema=None) as batch_op:
        batch_op.drop_column('active')
