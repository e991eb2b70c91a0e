"""teachers' loop: reflection comments, weekly digests, the digest opt-out

- lms_reflection_comment: a teacher's private comment on one reflection answer;
- lms_digest_sent: which weekly digests were queued (one per person and ISO week);
- lms_user.email_confirmed_at (NULL for every existing account: their addresses were never
  proved by a confirmation link) and lms_user.digest_opt_out (false: nobody opted out yet).

Revision ID: 0017_teachloop
Revises: 0016_badges
Create Date: 2026-12-05 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_teachloop'
down_revision = '0016_badges'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_reflection_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=64), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['lms_quiz_attempt.id'], name=op.f('fk_lms_reflection_comment_attempt_id_lms_quiz_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['lms_user.id'], name=op.f('fk_lms_reflection_comment_student_id_lms_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['teacher_id'], ['lms_user.id'], name=op.f('fk_lms_reflection_comment_teacher_id_lms_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_reflection_comment'))
    )
    with op.batch_alter_table('lms_reflection_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_reflection_comment_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_reflection_comment_student_id'), ['student_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_reflection_comment_teacher_id'), ['teacher_id'], unique=False)

    op.create_table('lms_digest_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['lms_user.id'], name=op.f('fk_lms_digest_sent_user_id_lms_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_digest_sent')),
    sa.UniqueConstraint('user_id', 'week', name=op.f('uq_lms_digest_sent_user_id_week'))
    )
    with op.batch_alter_table('lms_digest_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_digest_sent_user_id'), ['user_id'], unique=False)

    # Plain ALTER TABLE, not batch mode: a SQL-expression default (sa.false()) would make
    # batch mode copy lms_user on SQLite, and dropping the original fires every ON DELETE
    # rule pointing at accounts (certificates would lose their holder). server_default:
    # nobody has opted out yet.
    op.add_column('lms_user', sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('lms_user', sa.Column('digest_opt_out', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    # Not in batch mode either (see upgrade): SQLite 3.35+ drops a plain column in place.
    op.drop_column('lms_user', 'digest_opt_out')
    op.drop_column('lms_user', 'email_confirmed_at')

    with op.batch_alter_table('lms_digest_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_digest_sent_user_id'))
    op.drop_table('lms_digest_sent')

    with op.batch_alter_table('lms_reflection_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_reflection_comment_teacher_id'))
        batch_op.drop_index(batch_op.f('ix_lms_reflection_comment_student_id'))
        batch_op.drop_index(batch_op.f('ix_lms_reflection_comment_attempt_id'))
    op.drop_table('lms_reflection_comment')
