"""awaiting_review on lms_course_text and lms_item_text: translations not reviewed yet

Set at sync time from the file's front matter (review: awaiting, no reviewed_by), so pages
never parse front matter per request. Existing rows are reviewed (false) until the next sync.

Revision ID: 0020_coursept_awaiting_review
Revises: 0019_liveedit_takeover
Create Date: 2026-12-05 03:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_coursept_awaiting_review'
down_revision = '0019_liveedit_takeover'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lms_course_text', schema=None) as batch_op:
        batch_op.add_column(sa.Column('awaiting_review', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('lms_item_text', schema=None) as batch_op:
        batch_op.add_column(sa.Column('awaiting_review', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('lms_item_text', schema=None) as batch_op:
        batch_op.drop_column('awaiting_review')
    with op.batch_alter_table('lms_course_text', schema=None) as batch_op:
        batch_op.drop_column('awaiting_review')
