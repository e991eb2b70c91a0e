"""admin log: lms_admin_action, who did what to which account and when

A new table only, so nothing to convert: the log starts empty.

Revision ID: 0014_admin_log
Revises: 0013_certificate_reissue
Create Date: 2026-12-05 00:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_admin_log'
down_revision = '0013_certificate_reissue'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_admin_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['lms_user.id'], name=op.f('fk_lms_admin_action_actor_id_lms_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['target_id'], ['lms_user.id'], name=op.f('fk_lms_admin_action_target_id_lms_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_admin_action'))
    )
    with op.batch_alter_table('lms_admin_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_admin_action_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_admin_action_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_admin_action_target_id'), ['target_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lms_admin_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_admin_action_target_id'))
        batch_op.drop_index(batch_op.f('ix_lms_admin_action_actor_id'))
        batch_op.drop_index(batch_op.f('ix_lms_admin_action_created_at'))

    op.drop_table('lms_admin_action')
