"""The LMS command groups (``lms courses …``, ``lms users …``), added to an app's CLI by the
extension; the ``lms`` command itself is :func:`lms.main.main`."""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.features import Feature

log = logging.getLogger(__name__)

DEMO_ACCOUNTS = (
    ("admin", "Ada Admin", "admin"),
    ("trainer", "Tomás Trainer", "trainer"),
    ("teacher", "Teresa Teacher", "teacher"),
    ("student", "Samir Student", "student"),
)
DEMO_PASSWORD = "demo-password"


courses_group = click.Group("courses", help="Check and load course packages.")
users_group = click.Group("users", help="Manage accounts.")


@courses_group.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@with_appcontext
def check_command(paths: tuple[Path, ...]) -> None:
    """Validate course packages; every problem is printed as path:line: message.

    A problem of a whole file, or of one that is missing, is printed as path: message.
    """
    from lms.courses.package import check_courses
    from lms.plugins import authored_course_dirs, entry_point_course_dirs

    targets = list(paths) or [*current_app.extensions["lms"].course_dirs,
                              *entry_point_course_dirs(),
                              *authored_course_dirs(current_app.instance_path)]
    problems = check_courses(targets)
    for problem in problems:
        click.echo(str(problem))
    errors = sum(1 for problem in problems if problem.is_error)
    warnings = len(problems) - errors
    if errors:
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
        sys.exit(1)
    click.echo(f"no errors, {warnings} warning(s)", err=True)


@courses_group.command("sync")
@click.option("--rerender", is_flag=True,
              help="Render unchanged files again too (after upgrading the LMS).")
@click.option("--withdraw-missing", is_flag=True,
              help="Withdraw live courses that no course folder holds any more.")
@with_appcontext
def sync_command(rerender: bool, withdraw_missing: bool) -> None:
    """Load every course package into the database, all or nothing.

    A live course found in no folder stays live unless --withdraw-missing is given: a
    mistyped LMS_COURSE_DIRS or LMS_INSTANCE_PATH must not take every course off the site.
    """
    from lms import hooks
    from lms.authoring.live import taken_over_slugs
    from lms.courses.package import find_course_dirs, load_course
    from lms.courses.sync import SyncReport, sync_courses, unchanged_packages
    from lms.db import utcnow
    from lms.plugins import authored_course_dirs, entry_point_course_dirs

    state = current_app.extensions["lms"]
    folder_problems = [f"{folder}: {problem} (LMS_COURSE_DIRS)"
                       for folder in state.course_dirs
                       if (problem := _course_folder_problem(folder))]
    if folder_problems:
        for message in folder_problems:
            click.echo(message, err=True)
        click.echo(f"{len(folder_problems)} error(s): nothing was synced", err=True)
        sys.exit(1)
    for prepare in hooks.before_course_sync:
        prepare()
    roots = find_course_dirs([*state.course_dirs, *entry_point_course_dirs()])
    # A course taken over in the browser is published from there: its files no longer win.
    taken_over = taken_over_slugs()
    skipped = sorted(root.name for root in roots if root.name in taken_over)
    roots = [root for root in roots if root.name not in taken_over]
    roots += find_course_dirs(authored_course_dirs(current_app.instance_path))
    unchanged = {} if rerender else unchanged_packages(roots)
    roots = [root for root in roots if root not in unchanged]
    specs, problems = [], []
    with click.progressbar(roots, label="Reading courses", file=sys.stderr,
                           item_show_func=lambda root: root.name if root else "") as bar:
        for root in bar:
            spec, found = load_course(root, question_types=state.question_types)
            problems.extend(found)
            if spec is not None:
                specs.append(spec)
    errors = [problem for problem in sorted(problems) if problem.is_error]
    if errors:
        for problem in errors:
            click.echo(str(problem), err=True)
        click.echo(f"{len(errors)} error(s): nothing was synced", err=True)
        sys.exit(1)
    # Not yet published from the browser: the course stays as it is (never withdrawn).
    kept = [slug for slug in skipped
            if slug not in {spec.slug for spec in specs} | set(unchanged.values())]
    report: SyncReport = sync_courses(specs, now=utcnow(),
                                      unchanged=[*unchanged.values(), *kept],
                                      rerender=rerender, withdraw_missing=withdraw_missing)
    for label, slugs in (("added", report.added), ("updated", report.updated),
                         ("unchanged", report.unchanged), ("withdrawn", report.withdrawn),
                         ("not found, left live (use --withdraw-missing to withdraw)",
                          report.missing)):
        if slugs:
            click.echo(f"{label}: {', '.join(slugs)}")
    if skipped:
        click.echo(f"files skipped, taken over in the browser: {', '.join(skipped)}")
    click.echo(f"{report.items_written} page(s) written")


def _course_folder_problem(folder: Path) -> str | None:
    """Why a configured course folder cannot be synced, or None when it holds a course."""
    from lms.courses.package import find_course_dirs

    if not folder.is_dir():
        return "no such folder"
    if not find_course_dirs([folder]):
        return "holds no course package (no course.md in it or in its subfolders)"
    return None


@courses_group.command("move-learners")
@click.argument("slug")
@with_appcontext
def move_learners_command(slug: str) -> None:
    """Move every learner in progress on SLUG to its latest version (keeps their progress)."""
    from lms.courses.services import get_course
    from lms.db import utcnow
    from lms.progress.services import move_all_to_current_release

    course = get_course(slug)
    if course is None:
        raise click.ClickException(f"no course {slug!r}")
    moved = move_all_to_current_release(course.id, now=utcnow())
    click.echo(f"{moved} learner(s) now follow version {course.version} "
               f"(release {course.current_release}) of {slug}")


@courses_group.command("import-gift")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "target", required=True, type=click.Path(path_type=Path),
              help="The .quiz.md file to write.")
@click.option("--title", default=None, help="The quiz title (default: from the file name).")
def import_gift_command(source: Path, target: Path, title: str | None) -> None:
    """Convert a Moodle GIFT question bank into a markdown quiz."""
    from lms.questions.gift import gift_to_markdown

    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        click.echo(f"{source}: file is not valid UTF-8 text", err=True)
        sys.exit(1)
    if target.is_dir():
        target = target / (source.stem + ".quiz.md")
    result = gift_to_markdown(text, title=title or source.stem.replace("-", " "))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(result.markdown, encoding="utf-8")
    for note in result.notes:
        click.echo(f"{source}:{note.line}: {note.message}", err=True)
    # Counted in questions, not messages: one question may lose several things.
    click.echo(f"wrote {target}: {result.converted} question(s) converted, "
               f"{result.changed} of them with changes listed above, "
               f"{result.not_converted} not converted")


@users_group.command("create")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="The name shown to others.")
@click.option("--role", type=click.Choice(["student", "teacher", "trainer", "admin"]),
              default="student", show_default=True)
@click.option("--email", default=None)
@click.password_option()
@with_appcontext
def create_user_command(username: str, display_name: str, role: str, email: str | None,
                        password: str) -> None:
    """Create an account."""
    from lms.auth.services import AccountError, create_user

    if len(password) < 8:
        raise click.BadParameter("use at least 8 characters", param_hint="--password")
    try:
        create_user(username=username, password=password, display_name=display_name,
                    email=email, role=role)
    except AccountError as error:
        raise click.ClickException(f"cannot create {username!r}: {error}") from error
    click.echo(f"created {role} {username}")


@users_group.command("demo")
@with_appcontext
def demo_users_command() -> None:
    """Create one demo account per role on a fresh database and print the credentials."""
    from sqlalchemy import func, select

    from lms.auth.models import User
    from lms.auth.services import create_user
    from lms.db import db

    if current_app.config["LMS_ENV"] == "production":
        click.echo("refusing to create demo accounts with a published password in production "
                   "(LMS_ENV=production); use 'lms users create'", err=True)
        sys.exit(1)
    if db.session.scalar(select(func.count(User.id))):
        click.echo("accounts exist already; no demo accounts created")
        return
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for username, name, role in DEMO_ACCOUNTS:
        create_user(username=username, password=DEMO_PASSWORD, display_name=name, role=role)
        click.echo(f"  {role:8} {username}")


#: The LMS's own ``courses`` and ``users`` commands; features add theirs to the same groups
#: (lms.extension merges groups of one name).
feature = Feature(name="commands", commands=(courses_group, users_group))


def __getattr__(name: str) -> Any:
    # ``lms.cli:main`` was the console script before lms.main (an older install's ``lms``
    # script still names it); imported on demand, since lms.main builds on this module.
    if name == "main":
        return importlib.import_module("lms.main").main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
