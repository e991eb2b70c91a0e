"""privacy: lms_user.deleted_at for anonymised (deleted) accounts

Revision ID: 0007_privacy
Revises: 0006_authoring
Create Date: 2026-11-25 15:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_privacy'
down_revision = '0006_authoring'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lms_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('lms_user', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
