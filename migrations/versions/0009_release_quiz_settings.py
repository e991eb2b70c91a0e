"""release quiz settings: a learner pinned to a release is graded by that release's settings

Existing release items take their item's current settings (the only ones known), so no quiz
of any release is left without settings.

Revision ID: 0009_release_quiz_settings
Revises: 0008_course_releases
Create Date: 2026-11-25 17:12:38.591882

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_release_quiz_settings'
down_revision = '0008_course_releases'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lms_release_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiz_settings', sa.JSON(), nullable=True))

    # Data: the settings each item has now (JSON to JSON, so no cast on PostgreSQL).
    op.execute("UPDATE lms_release_item SET quiz_settings = (SELECT quiz_settings "
               "FROM lms_item WHERE lms_item.id = lms_release_item.item_id)")


def downgrade():
    with op.batch_alter_table('lms_release_item', schema=None) as batch_op:
        batch_op.drop_column('quiz_settings')
