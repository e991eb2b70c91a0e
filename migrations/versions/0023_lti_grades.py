"""LTI grade passback (#19, AGS 2.0): lms_lti_grade_link, lms_lti_score

New tables only, nothing to convert. Reviewed by hand: every name is under 63 characters
(PostgreSQL); the (status, next_attempt_at) index serves the sender's "what is due" query.

Revision ID: 0023_lti_grades
Revises: 0022_lti_links
Create Date: 2026-12-05 05:49:35.336326

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_lti_grades'
down_revision = '0022_lti_links'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_lti_grade_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('lineitem', sa.String(length=1000), nullable=False),
    sa.Column('scopes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('launched_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['lms_course.id'], name=op.f('fk_lms_lti_grade_link_course_id_lms_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['lms_module.id'], name=op.f('fk_lms_lti_grade_link_module_id_lms_module'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['lms_lti_registration.id'], name=op.f('fk_lms_lti_grade_link_registration_id_lms_lti_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['lms_user.id'], name=op.f('fk_lms_lti_grade_link_user_id_lms_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_lti_grade_link')),
    sa.UniqueConstraint('registration_id', 'user_id', 'lineitem', name=op.f('uq_lms_lti_grade_link_registration_id_user_id_lineitem'))
    )
    with op.batch_alter_table('lms_lti_grade_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_lti_grade_link_user_id'), ['user_id'], unique=False)

    op.create_table('lms_lti_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('score_given', sa.Double(), nullable=False),
    sa.Column('score_maximum', sa.Double(), nullable=False),
    sa.Column('activity_progress', sa.String(length=20), nullable=False),
    sa.Column('grading_progress', sa.String(length=20), nullable=False),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['link_id'], ['lms_lti_grade_link.id'], name=op.f('fk_lms_lti_score_link_id_lms_lti_grade_link'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_lti_score'))
    )
    with op.batch_alter_table('lms_lti_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_lti_score_link_id'), ['link_id'], unique=False)
        batch_op.create_index('ix_lms_lti_score_status_next', ['status', 'next_attempt_at'], unique=False)



def downgrade():
    with op.batch_alter_table('lms_lti_score', schema=None) as batch_op:
        batch_op.drop_index('ix_lms_lti_score_status_next')
        batch_op.drop_index(batch_op.f('ix_lms_lti_score_link_id'))

    op.drop_table('lms_lti_score')
    with op.batch_alter_table('lms_lti_grade_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_lti_grade_link_user_id'))

    op.drop_table('lms_lti_grade_link')
