"""Measurements taken inside one process, where HTTP would hide or distort the figure."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select


def session_cookie(app: Any, user_id: int) -> tuple[str, str]:
    """A signed session for ``user_id`` and its CSRF token, as the login form would set them.

    Used for the quiz posts: each learner posts their own attempt, and logging 2,000 people
    in over HTTP would spend minutes in scrypt, measuring nothing of interest here.
    """
    from flask import session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf

    from benchmarks.load import USER_AGENT
    from lms.auth.models import User
    from lms.db import db

    # The address and browser wrk's posts come from: the session is not re-signed. A fresh
    # app context each time: Flask-WTF keeps the signed token in ``g``, which lives in the app
    # context, so under a shared one every session but the first got no CSRF secret of its
    # own and every post but the first failed its CSRF check (a 302 back to the form).
    with app.app_context(), app.test_request_context(
            "/", environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"User-Agent": USER_AGENT}):
        login_user(db.session.get(User, user_id))
        token = generate_csrf()
        serializer = app.session_interface.get_signing_serializer(app)
        value = serializer.dumps(dict(session))
    return f"{app.config['SESSION_COOKIE_NAME']}={value}", token


def _summary(times: Sequence[float]) -> dict[str, Any]:
    ordered = sorted(times)
    return {"n": len(times), "p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
            "first_ms": round(times[0] * 1000, 2)}


def certificate_renders(app: Any, user_ids: Sequence[int], course_id: int) -> dict[str, Any]:
    """Render the PDF of ``len(user_ids)`` fresh certificates (no PDF stored yet), one by one:
    what the first download of a certificate costs (context, HTML, QR code, WeasyPrint, store).
    The first render in this process is reported on its own (fonts and imports warm up)."""
    from lms.certificates.codes import new_code
    from lms.certificates.models import Certificate
    from lms.certificates.services import render_pdf
    from lms.courses.models import Course
    from lms.db import db, utcnow

    with app.app_context():
        course = db.session.get(Course, course_id)
        now = utcnow()
        conn = db.session.connection()
        conn.execute(insert(Certificate), [dict(
            code=new_code(), user_id=uid, course_id=course.id, course_slug=course.slug,
            printed_name=f"Learner {uid} Müller-Ferreira", course_title=course.slug,
            course_version=course.version, language="it", completed_at=now, issued_at=now)
            for uid in user_ids])
        db.session.commit()
        ids = list(db.session.scalars(select(Certificate.id).where(
            Certificate.user_id.in_(user_ids), Certificate.course_id == course_id)))
        times = []
        for certificate_id in ids:
            started = time.perf_counter()
            if not render_pdf(certificate_id, now=now):
                raise RuntimeError("a certificate failed to render; see the log")
            times.append(time.perf_counter() - started)
        return _summary(times)


def certificate_for(app: Any, user_id: int, course_id: int) -> str:
    """Issue (and render) one certificate for the re-download case; its code."""
    from lms.certificates.services import issue_certificate, render_pdf
    from lms.db import utcnow

    with app.app_context():
        now = utcnow()
        certificate = issue_certificate(user_id, course_id, completed_at=now, now=now)
        render_pdf(certificate.id, now=now)  # issuing does not render: the first download does
        return certificate.code


def quiz_submissions(app: Any, attempts: Sequence[tuple[int, int, str]], item_id: int,
                     answers: list[tuple[str, str]]) -> dict[str, Any]:
    """``submit_attempt`` called directly on fresh open attempts: grading and storing only."""
    from lms.db import utcnow
    from lms.quizzes.services import submit_attempt

    raw: dict[str, list[str]] = {}
    for key, value in answers:
        raw.setdefault(key, []).append(value)
    times = []
    with app.app_context():
        for user_id, attempt_id, token in attempts:
            started = time.perf_counter()
            result = submit_attempt(attempt_id, user_id, raw, submission_token=token,
                                    now=utcnow(), item_id=item_id)
            times.append(time.perf_counter() - started)
            if not result.newly_submitted:
                raise RuntimeError("an attempt was already submitted: the pool is reused")
    return _summary(times)
