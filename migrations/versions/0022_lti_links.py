"""LTI links (#19): lms_class_teacher (co-teachers), lms_lti_context (platform course ->
class), lms_lti_deep_link (a deep-linking request waiting for the instructor's choice)

New tables only, nothing to convert. Reviewed by hand: names follow the naming convention
(all under 63 characters for PostgreSQL).

Revision ID: 0022_lti_links
Revises: 0021_lti_tool
Create Date: 2026-12-05 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_lti_links'
down_revision = '0021_lti_tool'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_class_teacher',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['lms_class.id'],
                            name=op.f('fk_lms_class_teacher_class_id_lms_class'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['lms_user.id'],
                            name=op.f('fk_lms_class_teacher_user_id_lms_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_class_teacher')),
    sa.UniqueConstraint('class_id', 'user_id', name=op.f('uq_lms_class_teacher_class_id_user_id'))
    )
    with op.batch_alter_table('lms_class_teacher', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_class_teacher_user_id'), ['user_id'],
                              unique=False)

    op.create_table('lms_lti_context',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.String(length=255), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['lms_class.id'],
                            name=op.f('fk_lms_lti_context_class_id_lms_class'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['lms_lti_registration.id'],
                            name=op.f('fk_lms_lti_context_registration_id_lms_lti_registration'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_lti_context')),
    sa.UniqueConstraint('registration_id', 'context_id',
                        name=op.f('uq_lms_lti_context_registration_id_context_id'))
    )
    with op.batch_alter_table('lms_lti_context', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_lti_context_class_id'), ['class_id'],
                              unique=False)

    op.create_table('lms_lti_deep_link',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.String(length=255), nullable=False),
    sa.Column('return_url', sa.String(length=1000), nullable=False),
    sa.Column('data', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['class_id'], ['lms_class.id'],
                            name=op.f('fk_lms_lti_deep_link_class_id_lms_class'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['lms_lti_registration.id'],
                            name=op.f('fk_lms_lti_deep_link_registration_id_lms_lti_registration'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['lms_user.id'],
                            name=op.f('fk_lms_lti_deep_link_user_id_lms_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_lms_lti_deep_link'))
    )


def downgrade():
    op.drop_table('lms_lti_deep_link')
    with op.batch_alter_table('lms_lti_context', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_lti_context_class_id'))
    op.drop_table('lms_lti_context')
    with op.batch_alter_table('lms_class_teacher', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_class_teacher_user_id'))
    op.drop_table('lms_class_teacher')
