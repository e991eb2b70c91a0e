"""reset codes: lms_password_reset, a teacher's or admin's reset with its one-time code

One row per reset, kept as the record (who, whom, when); the code is stored only as a hash.
A new table only, so nothing to convert: existing accounts simply have no reset yet.

Revision ID: 0010_reset_codes
Revises: 0009_release_quiz_settings
Create Date: 2026-12-04 23:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_reset_codes'
down_revision = '0009_release_quiz_settings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_password_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reset_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('code_hash', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['lms_user.id'], name=op.f('fk_lms_password_reset_user_id_lms_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reset_by_id'], ['lms_user.id'], name=op.f('fk_lms_password_reset_reset_by_id_lms_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_password_reset'))
    )
    with op.batch_alter_table('lms_password_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_password_reset_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_password_reset_reset_by_id'), ['reset_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lms_password_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_password_reset_reset_by_id'))
        batch_op.drop_index(batch_op.f('ix_lms_password_reset_user_id'))

    op.drop_table('lms_password_reset')
