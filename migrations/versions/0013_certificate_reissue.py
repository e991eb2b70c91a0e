"""certificates: reissue after a name fix, claim again after a correctable revocation

The unique (user, course) constraint becomes a partial unique index over *current*
certificates (neither reissued nor revoked), so a learner can hold old, reissued or revoked
certificates of a course beside the one that counts.

Revision ID: 0013_certificate_reissue
Revises: 0012_user_active
Create Date: 2026-12-05 00:40:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0013_certificate_reissue'
down_revision = '0012_user_active'
branch_labels = None
depends_on = None

CURRENT = sa.text('reissued_at IS NULL AND revoked_at IS NULL')


def upgrade():
    with op.batch_alter_table('lms_certificate', schema=None) as batch_op:
        # server_default: existing revocations (e.g. "account deleted") stay final.
        batch_op.add_column(sa.Column('revoked_correctable', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('reissued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reissued_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('replaced_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_lms_certificate_reissued_by_id_lms_user'), 'lms_user',
            ['reissued_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(
            batch_op.f('fk_lms_certificate_replaced_by_id_lms_certificate'), 'lms_certificate',
            ['replaced_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_lms_certificate_replaced_by_id'),
                              ['replaced_by_id'], unique=False)
        batch_op.drop_constraint('uq_lms_certificate_user_id_course_id', type_='unique')
    op.create_index('uq_lms_certificate_current', 'lms_certificate', ['user_id', 'course_id'],
                    unique=True, sqlite_where=CURRENT, postgresql_where=CURRENT)


def downgrade():
    # Going back to "one certificate per learner and course" must drop the extra rows first:
    # keep the newest of each (user, course), the one the learner holds today.
    op.execute(sa.text(
        'DELETE FROM lms_certificate WHERE user_id IS NOT NULL AND id NOT IN ('
        'SELECT MAX(id) FROM lms_certificate WHERE user_id IS NOT NULL '
        'GROUP BY user_id, course_id)'))
    op.drop_index('uq_lms_certificate_current', table_name='lms_certificate')
    with op.batch_alter_table('lms_certificate', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_lms_certificate_user_id_course_id',
                                          ['user_id', 'course_id'])
        batch_op.drop_index(batch_op.f('ix_lms_certificate_replaced_by_id'))
        batch_op.drop_constraint(batch_op.f('fk_lms_certificate_replaced_by_id_lms_certificate'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_lms_certificate_reissued_by_id_lms_user'),
                                 type_='foreignkey')
        batch_op.drop_column('replaced_by_id')
        batch_op.drop_column('reissued_by_id')
        batch_op.drop_column('reissued_at')
        batch_op.drop_column('revoked_correctable')
