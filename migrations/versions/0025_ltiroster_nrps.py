"""LTI roster sync (Names and Roles Provisioning 2.0): the platform course's memberships URL

Two nullable columns on lms_lti_context, nothing to convert (a context gets its URL at its
next launch). Batch mode, so SQLite rebuilds the table; reviewed by hand.

Revision ID: 0025_ltiroster_nrps
Revises: 0024_ltiroster
Create Date: 2026-12-05 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_ltiroster_nrps'
down_revision = '0024_ltiroster'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lms_lti_context', schema=None) as batch_op:
        batch_op.add_column(sa.Column('memberships_url', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('roster_synced_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('lms_lti_context', schema=None) as batch_op:
        batch_op.drop_column('roster_synced_at')
        batch_op.drop_column('memberships_url')
