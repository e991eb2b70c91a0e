"""LTI 1.3 tool (#19): lms_lti_registration, lms_lti_key, lms_lti_login_state, lms_lti_identity

New tables only, nothing to convert. Reviewed by hand: names follow the naming convention
(all under 63 characters for PostgreSQL); the tool's key is made on first use, not here.

Revision ID: 0021_lti_tool
Revises: 0020_coursept_awaiting_review
Create Date: 2026-12-05 03:45:41.873944

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_lti_tool'
down_revision = '0020_coursept_awaiting_review'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_lti_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('public_pem', sa.Text(), nullable=False),
    sa.Column('private_pem', sa.LargeBinary(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_lti_key')),
    sa.UniqueConstraint('kid', name=op.f('uq_lms_lti_key_kid'))
    )
    op.create_table('lms_lti_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('deployment_ids', sa.Text(), nullable=False),
    sa.Column('auth_login_url', sa.String(length=1000), nullable=False),
    sa.Column('auth_token_url', sa.String(length=1000), nullable=False),
    sa.Column('key_set_url', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_lti_registration')),
    sa.UniqueConstraint('issuer', 'client_id', name=op.f('uq_lms_lti_registration_issuer_client_id'))
    )
    op.create_table('lms_lti_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['lms_lti_registration.id'], name=op.f('fk_lms_lti_identity_registration_id_lms_lti_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['lms_user.id'], name=op.f('fk_lms_lti_identity_user_id_lms_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_lti_identity')),
    sa.UniqueConstraint('registration_id', 'subject', name=op.f('uq_lms_lti_identity_registration_id_subject'))
    )
    op.create_table('lms_lti_login_state',
    sa.Column('state', sa.String(length=100), nullable=False),
    sa.Column('nonce', sa.String(length=100), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['lms_lti_registration.id'], name=op.f('fk_lms_lti_login_state_registration_id_lms_lti_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('state', name=op.f('pk_lms_lti_login_state'))
    )


def downgrade():
    op.drop_table('lms_lti_login_state')
    op.drop_table('lms_lti_identity')
    op.drop_table('lms_lti_registration')
    op.drop_table('lms_lti_key')
