"""A realistic data set in a fresh database, inserted in bulk with SQLAlchemy Core.

2,000 learners in 50 classes of 40 (one teacher each), the shipped courses synced from
``courses/``, 100,000 lesson-progress rows, 20,000 submitted quiz attempts with their
question snapshots, enrolments that follow from the progress, and a few certificates.
Passwords are hashed once and the hash reused: scrypt is slow on purpose.
"""

from __future__ import annotations

import os
import random
import subprocess
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

LEARNERS = 2_000
CLASSES = 50
CLASS_SIZE = 40
COMPLETIONS = 100_000
ATTEMPTS = 20_000
PASSWORD = "bench-password"
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Seeded:
    """What the load phase needs to know about the data set."""

    database_url: str
    instance: str
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    learner: str = "learner0001"
    teacher: str = "teacher01"
    class_id: int = 0
    lesson_path: str = ""
    quiz_path: str = ""
    quiz_item_id: int = 0
    reflection_item_id: int = 0
    certificate_code: str = ""


def prepare_database(instance: Path, postgres: bool) -> str:
    """A fresh, empty database: SQLite in the instance folder, or PostgreSQL ``lms_bench``."""
    if not postgres:
        return "sqlite:///" + str(instance / "bench.sqlite3")
    import psycopg

    with psycopg.connect("dbname=postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS lms_bench")
        conn.execute("CREATE DATABASE lms_bench")
    return "postgresql+psycopg:///lms_bench"


def environment(instance: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(LMS_INSTANCE_PATH=str(instance), LMS_DATABASE_URL=database_url,
               LMS_SECRET_KEY="bench-secret-key-not-for-production",
               LMS_COURSE_DIRS=str(REPO / "courses"),
               LMS_RATELIMIT_STORAGE_URI="memory://")  # see benchmarks.load.LMS_APP
    return env


def seed(instance: Path, *, postgres: bool = False, log: Any = print) -> Seeded:
    """Migrate, sync the courses (timed), and insert the data set."""
    database_url = prepare_database(instance, postgres)
    os.environ.update({k: v for k, v in environment(instance, database_url).items()
                       if k.startswith("LMS_")})
    from flask_migrate import upgrade

    from lms import create_app
    from lms.db import init_migrations

    app = create_app({"RATELIMIT_ENABLED": False})
    init_migrations(app)
    result = Seeded(database_url=database_url, instance=str(instance))
    with app.app_context():
        upgrade()
        log("synced courses" + _time_sync(app, result))
        _seed_rows(app, result, log)
    return result


def _time_sync(app: Any, result: Seeded) -> str:
    """Sync every course into the empty database, then again unchanged; both timed."""
    from lms.courses.sync import load_packages, sync_courses
    from lms.db import db, utcnow

    state = app.extensions["lms"]
    for label in ("sync_all_s", "resync_unchanged_s"):
        started = time.perf_counter()
        specs, problems = load_packages(state.course_dirs, question_types=state.question_types)
        if any(problem.is_error for problem in problems):
            raise SystemExit("the shipped courses have errors: " + str(problems[0]))
        sync_courses(specs, now=utcnow())
        result.timings[label] = time.perf_counter() - started
        db.session.expire_all()
    return f" in {result.timings['sync_all_s']:.2f} s (unchanged: " \
           f"{result.timings['resync_unchanged_s']:.2f} s)"


def _seed_rows(app: Any, result: Seeded, log: Any) -> None:
    from lms.auth.services import hash_password
    from lms.classes.models import Assignment, ClassMember, SchoolClass
    from lms.courses.models import Course, Item, Module
    from lms.db import db, utcnow
    from lms.progress.models import Enrollment, ItemCompletion
    from lms.quizzes.models import QuizAttempt

    rng = random.Random(20261124)
    now = utcnow()
    started = time.perf_counter()
    password_hash = hash_password(PASSWORD)  # once: scrypt costs ~50 ms per call
    courses = list(db.session.scalars(select(Course).order_by(Course.id)))
    items = list(db.session.execute(
        select(Item.id, Item.course_id, Item.kind, Item.quiz_settings, Item.slug, Module.slug)
        .join(Module).order_by(Item.course_id, Module.position, Item.position)).all())
    by_course: dict[int, list[Any]] = {c.id: [i for i in items if i[1] == c.id] for c in courses}

    conn = db.session.connection()
    users = [dict(username=f"teacher{n:02d}", display_name=f"Teacher {n}", role="teacher",
                  password_hash=password_hash, language="it", created_at=now)
             for n in range(1, CLASSES + 1)]
    users += [dict(username=f"learner{n:04d}", display_name=f"Learner {n}", role="student",
                   password_hash=password_hash, language=rng.choice(["it", "en"]),
                   created_at=now) for n in range(1, LEARNERS + 1)]
    from lms.auth.models import User

    conn.execute(insert(User), users)
    ids = dict(conn.execute(select(User.username, User.id)).all())
    learner_ids = [ids[f"learner{n:04d}"] for n in range(1, LEARNERS + 1)]

    classes = [dict(name=f"Class {n}", teacher_id=ids[f"teacher{n:02d}"],
                    course_id=courses[(n - 1) % len(courses)].id, join_code=f"B{n:07d}",
                    created_at=now) for n in range(1, CLASSES + 1)]
    conn.execute(insert(SchoolClass), classes)
    class_ids = list(conn.scalars(select(SchoolClass.id).order_by(SchoolClass.id)))
    conn.execute(insert(ClassMember), [
        dict(class_id=class_ids[i // CLASS_SIZE], user_id=uid, joined_at=now)
        for i, uid in enumerate(learner_ids[:CLASSES * CLASS_SIZE])])
    conn.execute(insert(Assignment), [
        dict(class_id=cid, course_id=classes[n]["course_id"], module_id=None,
             due_at=now + timedelta(days=14 - n % 30), created_at=now)
        for n, cid in enumerate(class_ids)])

    # Progress: each learner completed 50 of the 55 pages (100,000 rows in all).
    per_learner = COMPLETIONS // LEARNERS
    completions, enrollments = [], []
    for uid in learner_ids:
        done = rng.sample(items, per_learner)
        done_ids = {row[0] for row in done}
        for row in done:
            completions.append(dict(user_id=uid, item_id=row[0], course_id=row[1],
                                    completed_at=now - timedelta(minutes=rng.randint(1, 90_000))))
        for course in courses:
            course_items = by_course[course.id]
            finished = all(row[0] in done_ids for row in course_items)
            enrollments.append(dict(
                user_id=uid, course_id=course.id, started_at=now - timedelta(days=60),
                last_item_id=rng.choice(course_items)[0],
                last_visited_at=now - timedelta(minutes=rng.randint(1, 90_000)),
                completed_at=now - timedelta(days=1) if finished else None))
    conn.execute(insert(ItemCompletion), completions)
    conn.execute(insert(Enrollment), enrollments)

    # Quiz attempts: ten per learner over the quizzes, with real question snapshots.
    quizzes = [row for row in items if row[3] is not None]
    snapshots = {row[0]: _snapshot(row[0], seed=1) for row in quizzes}
    attempts, numbers = [], {}
    for uid in learner_ids:
        for _ in range(ATTEMPTS // LEARNERS):
            quiz = rng.choice(quizzes)
            number = numbers[(uid, quiz[0])] = numbers.get((uid, quiz[0]), 0) + 1
            attempts.append(_attempt_row(uid, quiz, snapshots[quiz[0]], number, rng, now))
    for start in range(0, len(attempts), 2_000):
        conn.execute(insert(QuizAttempt), attempts[start:start + 2_000])
    db.session.commit()
    result.counts.update(users=len(users), classes=len(classes),
                         class_members=CLASSES * CLASS_SIZE, item_completions=len(completions),
                         enrollments=len(enrollments), quiz_attempts=len(attempts))
    result.timings["seed_rows_s"] = time.perf_counter() - started
    log(f"inserted {sum(result.counts.values()):,} rows in {result.timings['seed_rows_s']:.1f} s")

    first = by_course[courses[0].id]
    lesson = next(row for row in first[1:] if row[2] == "lesson")
    # The course's last quiz that asks every attempt the same questions: a final drawn from
    # a pool asks each attempt others, so one posted answer body could not serve them all.
    final = next(row for row in reversed(first) if row[3] is not None and not row[3].get("draw"))
    course_slug = courses[0].slug
    result.lesson_path = f"/courses/{course_slug}/{lesson[5]}/{lesson[4]}/"
    result.quiz_path = f"/courses/{course_slug}/{final[5]}/{final[4]}/quiz"
    result.quiz_item_id = final[0]
    result.class_id = class_ids[0]
    from benchmarks.teaching import seed_reflections

    result.reflection_item_id = seed_reflections(class_ids[0], classes[0]["course_id"])
    result.counts["quiz_questions"] = len(snapshots[final[0]])
    result.counts["lessons_in_course"] = len(first)


def _snapshot(item_id: int, *, seed: int) -> tuple[str, str, list[dict[str, Any]]]:
    """The quiz's questions as an attempt stores them (language, content hash, questions)."""
    from lms.courses.models import Item, ItemText
    from lms.db import db
    from lms.questions.settings import QuizSettings
    from lms.quizzes.snapshot import public_questions

    item = db.session.get(Item, item_id)
    text = db.session.scalar(select(ItemText).where(ItemText.item_id == item_id)
                             .order_by(ItemText.language))
    settings = QuizSettings.from_dict(item.quiz_settings)
    questions = public_questions(text.questions or [], settings, random.Random(seed))
    return text.language, item.content_hash, questions


def _attempt_row(uid: int, quiz: Any, snapshot: Any, number: int, rng: random.Random,
                 now: Any) -> dict[str, Any]:
    language, content_hash, questions = snapshot
    score = rng.choice([40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0])
    results = {q["key"]: {"points": 1.0, "correct": True, "feedback_html": [], "answered": True}
               for q in questions}
    when = now - timedelta(minutes=rng.randint(1, 90_000))
    return dict(user_id=uid, item_id=quiz[0], course_id=quiz[1], number=number,
                language=language, seed=1, content_hash=content_hash, questions=questions,
                answers={}, results=results, score_percent=score,
                passed=score >= (quiz[3] or {}).get("pass_mark", 60),
                started_at=when - timedelta(minutes=5), submitted_at=when)


def open_attempts(item_id: int, user_ids: list[int], per_user: int) -> list[tuple[int, int, str]]:
    """Unsubmitted attempts ready to be posted: (user id, attempt id, form token) each.

    Each has its own row, so every POST grades and stores a new attempt (a repeated post of
    a submitted attempt only returns the stored result).
    """
    from sqlalchemy import func

    from lms.db import db
    from lms.quizzes.models import QuizAttempt
    from lms.quizzes.snapshot import form_token

    language, content_hash, questions = _snapshot(item_id, seed=7)
    last = dict(db.session.execute(
        select(QuizAttempt.user_id, func.max(QuizAttempt.number))
        .where(QuizAttempt.item_id == item_id).group_by(QuizAttempt.user_id)).all())
    course_id = db.session.scalar(
        select(QuizAttempt.course_id).where(QuizAttempt.item_id == item_id).limit(1))
    from lms.db import utcnow

    now = utcnow()
    rows = [dict(user_id=uid, item_id=item_id, course_id=course_id,
                 number=last.get(uid, 0) + k + 1, language=language, seed=7,
                 content_hash=content_hash, questions=questions, started_at=now)
            for k in range(per_user) for uid in user_ids]
    conn = db.session.connection()
    for start in range(0, len(rows), 2_000):
        conn.execute(insert(QuizAttempt), rows[start:start + 2_000])
    db.session.commit()
    found = db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.item_id == item_id, QuizAttempt.submitted_at.is_(None))
        .order_by(QuizAttempt.number, QuizAttempt.user_id))
    return [(a.user_id, a.id, form_token(a)) for a in found]


def cold_start_seconds(env: dict[str, str], runs: int = 5) -> list[float]:
    """Wall time of ``python -c "from lms import create_app; create_app()"``, ``runs`` times,
    with the byte code compiled (as pip leaves it)."""
    import sys

    # As on an installed server: pip compiles the byte code of a wheel when it installs it,
    # while this machine's environment says PYTHONDONTWRITEBYTECODE. A first, uncounted run
    # compiles it into a private folder.
    env = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(env["LMS_INSTANCE_PATH"]) / "pycache")
    subprocess.run([sys.executable, "-c", "from lms import create_app; create_app()"],
                   env=env, cwd=REPO, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from lms import create_app; create_app()"],
                       env=env, cwd=REPO, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times
