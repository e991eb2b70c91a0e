"""LTI learners waiting for their platform course's class: lms_lti_waiting_learner

A learner who launches from a platform course before any of its instructors has no class to
join yet; the row remembers them, and the instructor's first launch enrols them at once.
New table only, nothing to convert. Reviewed by hand: every name is at most 63 characters
(PostgreSQL).

Revision ID: 0024_ltiroster
Revises: 0023_lti_grades
Create Date: 2026-12-05 09:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_ltiroster'
down_revision = '0023_lti_grades'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_lti_waiting_learner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('launched_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['lms_lti_registration.id'],
                            name=op.f('fk_lms_lti_waiting_learner_registration_id_lms_lti_registration'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['lms_user.id'],
                            name=op.f('fk_lms_lti_waiting_learner_user_id_lms_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_lti_waiting_learner')),
    sa.UniqueConstraint('registration_id', 'context_id', 'user_id',
                        name=op.f('uq_lms_lti_waiting_learner_registration_id_context_id_user_id'))
    )
    with op.batch_alter_table('lms_lti_waiting_learner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_lti_waiting_learner_user_id'), ['user_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('lms_lti_waiting_learner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_lti_waiting_learner_user_id'))
    op.drop_table('lms_lti_waiting_learner')
