"""mail outbox: emails are queued in lms_mail_outbox and sent by `lms mail send`

Revision ID: 0011_mail_outbox
Revises: 0010_reset_codes
Create Date: 2026-12-04 23:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_mail_outbox'
down_revision = '0010_reset_codes'
branch_labels = None
depends_on = None


def upgrade():
    # A new table only: no batch mode needed on SQLite.
    op.create_table('lms_mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['lms_user.id'], name=op.f('fk_lms_mail_outbox_user_id_lms_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_mail_outbox'))
    )
    with op.batch_alter_table('lms_mail_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_lms_mail_outbox_status_next', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_mail_outbox_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lms_mail_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_mail_outbox_user_id'))
        batch_op.drop_index('ix_lms_mail_outbox_status_next')

    op.drop_table('lms_mail_outbox')
