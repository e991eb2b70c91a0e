"""drafts in the database: lms_draft and lms_draft_file, so every app server shares them

Drafts (their markdown files and uploaded images) lived in
``<instance>/authoring/drafts/<slug>/`` on one server. The upgrade creates the two tables and
imports the draft folders of the instance folder it runs with (the instance folder of the
app that runs the migration). Operators with more than one server run
``lms courses import-drafts`` on each other server that holds drafts; a draft folder is also
imported the first time a server reads it. The folders stay: they become each server's
working copy. Downgrade drops the tables (the folders of the server that ran it still hold
the drafts as they were when last read there).

Revision ID: 0015_storage_drafts
Revises: 0014_admin_log
Create Date: 2026-12-05 02:30:00

"""
import hashlib
import logging
import mimetypes
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_storage_drafts'
down_revision = '0014_admin_log'
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")


def upgrade():
    op.create_table('lms_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['lms_user.id'], name=op.f('fk_lms_draft_updated_by_id_lms_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_draft')),
    sa.UniqueConstraint('course_slug', name=op.f('uq_lms_draft_course_slug'))
    )
    op.create_table('lms_draft_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['draft_id'], ['lms_draft.id'], name=op.f('fk_lms_draft_file_draft_id_lms_draft'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['lms_user.id'], name=op.f('fk_lms_draft_file_updated_by_id_lms_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_draft_file')),
    sa.UniqueConstraint('draft_id', 'path', name=op.f('uq_lms_draft_file_draft_id_path'))
    )
    with op.batch_alter_table('lms_draft_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_draft_file_draft_id'), ['draft_id'], unique=False)
    _import_draft_folders()


def _drafts_folder():
    """The instance folder's drafts, when the migration runs inside the app (``lms db
    upgrade``); None under plain Alembic or offline (``--sql``)."""
    if op.get_context().as_sql:
        return None
    try:
        from flask import current_app
        folder = Path(current_app.instance_path) / "authoring" / "drafts"
    except RuntimeError:  # no app: nothing to import from here
        return None
    return folder if folder.is_dir() else None


def _files(root):
    # The same files a course package holds: no hidden files or folders, no symlinks.
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not path.is_symlink() \
                and not any(part.startswith(".") for part in rel.parts):
            yield rel.as_posix(), path.read_bytes()


def _import_draft_folders():
    # Plain table descriptions, not the app's models: this must work as the models change.
    folder = _drafts_folder()
    if folder is None:
        return
    draft = sa.table('lms_draft', sa.column('id', sa.Integer), sa.column('course_slug'),
                     sa.column('revision', sa.Integer), sa.column('updated_at'))
    draft_file = sa.table(
        'lms_draft_file', sa.column('draft_id', sa.Integer), sa.column('path'),
        sa.column('content_type'), sa.column('content_hash'),
        sa.column('content', sa.LargeBinary), sa.column('revision', sa.Integer),
        sa.column('updated_at'))
    bind = op.get_bind()
    now = datetime.now(timezone.utc)
    for root in sorted(folder.iterdir()):
        if root.name.startswith(".") or not (root / "course.md").is_file():
            continue
        bind.execute(draft.insert().values(course_slug=root.name, revision=1, updated_at=now))
        draft_id = bind.execute(sa.select(draft.c.id).where(
            draft.c.course_slug == root.name)).scalar_one()
        for rel, data in _files(root):
            kind = ("text/markdown; charset=utf-8" if rel.endswith(".md")
                    else mimetypes.guess_type(rel)[0] or "application/octet-stream")
            bind.execute(draft_file.insert().values(
                draft_id=draft_id, path=rel, content_type=kind,
                content_hash=hashlib.sha256(data).hexdigest(), content=data, revision=1,
                updated_at=now))
        # The folder is now the working copy of revision 1 (see lms.authoring.shared).
        (folder / f".{root.name}.revision").write_text("1")
        logger.info("draft %s imported from %s", root.name, root)


def downgrade():
    with op.batch_alter_table('lms_draft_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_draft_file_draft_id'))

    op.drop_table('lms_draft_file')
    op.drop_table('lms_draft')
