"""``python -m benchmarks``: seed, measure, print the table, write results/latest.json."""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import inprocess, load, report, seed

log = logging.getLogger("benchmarks")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--postgres", action="store_true",
                        help="use the local PostgreSQL (database lms_bench, recreated)")
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each wrk run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    parser.add_argument("--output", default="latest.json", help="file name under results/")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if shutil.which("wrk") is None:
        print("wrk is missing: `apt-get install wrk` (make bench does it as root)",
              file=sys.stderr)
        return 2
    started = time.perf_counter()
    instance = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    results: dict[str, Any] = {"machine": report.machine(), "database": "postgresql"
                               if args.postgres else "sqlite", "seconds_per_run": args.seconds,
                               "cases": {}, "in_process": {}, "timings": {}, "notes": []}
    try:
        run(args, instance, results)
    except Exception:
        server_log = instance / "gunicorn.log"
        if server_log.exists():
            print("".join(server_log.read_text().splitlines(True)[-40:]), file=sys.stderr)
        print(f"failed; instance kept in {instance}", file=sys.stderr)
        raise
    if args.keep:
        print(f"instance kept in {instance}")
    else:
        shutil.rmtree(instance, ignore_errors=True)
    results["timings"]["total_s"] = round(time.perf_counter() - started, 1)
    results["targets"] = report.check_targets(results)
    path = report.write(results, args.output)
    print()
    print(report.table(results))
    print(f"\nwritten to {path}")
    return 0


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def run(args: argparse.Namespace, instance: Path, results: dict[str, Any]) -> None:
    seeded = seed.seed(instance, postgres=args.postgres, log=say)
    env = seed.environment(instance, seeded.database_url)
    results["counts"] = seeded.counts
    results["timings"].update({k: round(v, 3) for k, v in seeded.timings.items()})
    cold = seed.cold_start_seconds(env)
    results["timings"]["cold_start_median_s"] = round(statistics.median(cold), 3)
    results["timings"]["cold_start_runs_s"] = [round(t, 3) for t in cold]
    say(f"cold start: median {statistics.median(cold):.2f} s")

    from sqlalchemy import select

    from lms import create_app
    from lms.auth.models import User
    from lms.db import db

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        learners = list(db.session.scalars(
            select(User.id).where(User.role == "student").order_by(User.username)))
        from lms.courses.models import Course
        course_id = db.session.scalar(select(Course.id).order_by(Course.id).limit(1))
        pool = seed.open_attempts(seeded.quiz_item_id, learners[100:], per_user=2)
        form_user = learners[1]
        cookies = {uid: inprocess.session_cookie(app, uid)
                   for uid in {uid for uid, _, _ in pool} | {form_user}}
    results["in_process"]["certificate first render"] = inprocess.certificate_renders(
        app, learners[2:22], course_id)
    say("certificate renders: p50 "
        f"{results['in_process']['certificate first render']['p50_ms']} ms")
    code = inprocess.certificate_for(app, learners[0], course_id)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()

    log_path = instance / "gunicorn.log"
    with load.gunicorn(load.HELLO_APP, env, log_path) as base:
        load.warm(base + "/")
        results["cases"]["hello (floor)"] = _both(base + "/", args.seconds)
    with load.gunicorn(load.LMS_APP, env, log_path) as base:
        student = load.login(base, seeded.learner, seed.PASSWORD)
        teacher = load.login(base, seeded.teacher, seed.PASSWORD)
        status, page = load.fetch(base + seeded.quiz_path[: -len("quiz")],
                                  cookies[form_user][0])
        answers = load.quiz_answers(page, "/quiz")
        if status != 200 or len({k for k, _ in answers}) < seeded.counts["quiz_questions"]:
            raise RuntimeError(f"could not read the quiz form ({status}, {len(answers)} fields)")
        results["in_process"]["quiz submission (service only)"] = inprocess.quiz_submissions(
            app, pool[:100], seeded.quiz_item_id, answers)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        # (name, URL, session cookie, Accept-Encoding); see the README's Performance section.
        cases = [
            ("catalogue", base + "/courses/", "", ""),
            ("lesson page (logged in)", base + seeded.lesson_path, student, ""),
            ("lesson page (logged in, gzip/br)", base + seeded.lesson_path, student,
             "gzip, br"),
            ("teacher dashboard (40 students)", base + f"/teach/classes/{seeded.class_id}/",
             teacher, ""),
            ("reflections view (40 students)", base + f"/teach/classes/{seeded.class_id}/"
             f"reflections/{seeded.reflection_item_id}/", teacher, ""),
            ("class spreadsheet export (40 students)",
             base + f"/teach/classes/{seeded.class_id}/export.xlsx", teacher, ""),
            ("certificate re-download", base + f"/certificates/{code}.pdf", student, ""),
        ]
        for name, url, cookie, encoding in cases:
            status = load.warm(url, cookie, accept_encoding=encoding)
            if status != 200:
                raise RuntimeError(f"{name}: {url} answered {status}")
            _sanity(name, url, cookie, encoding)
            results["cases"][name] = _both(url, args.seconds, cookie, encoding)
            for key, run in results["cases"][name].items():
                if cookie and run["set_cookie"]:
                    raise RuntimeError(f"{name} ({key}): {run['set_cookie']} responses set a "
                                       "cookie; the session is re-signed on every request")
            say(f"{name}: {results['cases'][name]['c8']['rps']:,.0f} req/s at c=8")
        c1_pool, c8_pool = pool[100:1100], pool[1100:]
        quiz: dict[str, Any] = {}
        for key, connections, chunk in (("c1", 1, c1_pool), ("c8", 8, c8_pool)):
            posts = instance / f"posts-{key}.tsv"
            posts.write_text("".join(
                f"{cookies[uid][0]}\t{_body(cookies[uid][1], attempt_id, token, answers)}\n"
                for uid, attempt_id, token in chunk))
            quiz[key] = load.wrk(base + seeded.quiz_path, connections=connections,
                                 seconds=args.seconds, posts=posts, path=seeded.quiz_path)
            quiz[key]["fresh_attempts_available"] = len(chunk)
            if quiz[key]["requests"] > len(chunk):
                results["notes"].append(f"quiz {key}: more posts than fresh attempts; "
                                        "the excess re-posted submitted attempts")
            # Every post graded: a redirect to its result page, not back to the form (a
            # refused CSRF token or a changed quiz redirect too, with a message).
            if quiz[key]["to_result"] != quiz[key]["requests"]:
                raise RuntimeError(f"quiz posts did not all redirect to a result: {quiz[key]}")
        results["cases"]["quiz submission (10 questions)"] = quiz
        say(f"quiz: p50 {quiz['c1']['p50_ms']} ms at c=1")
    results["notes"].append(
        "every request sends one User-Agent, the log-in's too, so sessions are not re-signed "
        "(no Set-Cookie: checked); 'gzip/br' cases send Accept-Encoding: gzip, br (brotli "
        "is chosen), the others none")
    results["notes"].append(
        "quiz submission over HTTP: every POST is a different learner's own open attempt "
        "(CSRF on, sessions signed in-process with the app's key), graded, stored, progress "
        "updated; the response is the 302 to the result page (not followed)")


def _both(url: str, seconds: float, cookie: str = "", encoding: str = "") -> dict[str, Any]:
    return {key: load.wrk(url, connections=c, seconds=seconds, cookie=cookie,
                          accept_encoding=encoding)
            for key, c in (("c1", 1), ("c8", 8))}


def _sanity(name: str, url: str, cookie: str, encoding: str) -> None:
    """What a case claims is what wrk will get: a logged-in session that is not re-signed
    (no Set-Cookie: wrk sends the User-Agent the session was opened with), and a compressed
    body when the case asks for one."""
    headers = load.response_headers(url, cookie, encoding)
    if cookie and "set-cookie" in headers:
        raise RuntimeError(f"{name}: the response sets a cookie: the session is re-signed "
                           "on every request (a User-Agent other than the log-in's?)")
    if encoding and headers.get("content-encoding") not in ("br", "gzip"):
        raise RuntimeError(f"{name}: asked for {encoding!r}, got "
                           f"{headers.get('content-encoding')!r}")


def _body(csrf: str, attempt_id: int, token: str, answers: list[tuple[str, str]]) -> str:
    from urllib.parse import urlencode

    return urlencode([("csrf_token", csrf), ("attempt", str(attempt_id)), ("token", token),
                      *answers])


if __name__ == "__main__":
    sys.exit(main())
