"""handouts: lms_handout, rendered PDFs of a module (handout or answer key) per language

A new table only, so nothing to convert: handouts are rendered on first download.

Revision ID: 0018_teachexport_handouts
Revises: 0017_teachloop
Create Date: 2026-12-05 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_teachexport_handouts'
down_revision = '0017_teachloop'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_handout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['lms_module.id'], name=op.f('fk_lms_handout_module_id_lms_module'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_handout')),
    sa.UniqueConstraint('module_id', 'kind', 'language', 'version', name=op.f('uq_lms_handout_module_id_kind_language_version'))
    )
    with op.batch_alter_table('lms_handout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_handout_module_id'), ['module_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lms_handout', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_handout_module_id'))

    op.drop_table('lms_handout')
