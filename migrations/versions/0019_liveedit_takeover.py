"""course takeover: lms_course_takeover, courses authored as files that the browser now owns

A new table only, so nothing to convert: no course is taken over yet.

Revision ID: 0019_liveedit_takeover
Revises: 0018_teachexport_handouts
Create Date: 2026-12-05 02:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_liveedit_takeover'
down_revision = '0018_teachexport_handouts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_course_takeover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('source_dir', sa.String(length=1000), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['lms_user.id'], name=op.f('fk_lms_course_takeover_user_id_lms_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_course_takeover')),
    sa.UniqueConstraint('course_slug', name=op.f('uq_lms_course_takeover_course_slug'))
    )


def downgrade():
    op.drop_table('lms_course_takeover')
