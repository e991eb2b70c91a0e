"""badges: lms_badge_key, the signing keys of Open Badges credentials

A new table only: the first key is made on first use (or by `lms badges rotate-key`).
Credentials themselves are not stored; they are made from the certificates on demand.

Revision ID: 0016_badges
Revises: 0015_storage_drafts
Create Date: 2026-12-05 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_badges'
down_revision = '0015_storage_drafts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_badge_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thumbprint', sa.String(length=64), nullable=False),
    sa.Column('algorithm', sa.String(length=10), nullable=False),
    sa.Column('public_jwk', sa.Text(), nullable=False),
    sa.Column('private_pem', sa.LargeBinary(), nullable=False),
    sa.Column('signing', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_badge_key')),
    sa.UniqueConstraint('thumbprint', name=op.f('uq_lms_badge_key_thumbprint'))
    )
    with op.batch_alter_table('lms_badge_key', schema=None) as batch_op:
        batch_op.create_index('uq_lms_badge_key_signing', ['signing'], unique=True,
                              sqlite_where=sa.text('signing'),
                              postgresql_where=sa.text('signing'))


def downgrade():
    with op.batch_alter_table('lms_badge_key', schema=None) as batch_op:
        batch_op.drop_index('uq_lms_badge_key_signing', sqlite_where=sa.text('signing'),
                            postgresql_where=sa.text('signing'))

    op.drop_table('lms_badge_key')
