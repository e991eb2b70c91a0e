"""Every route in the URL map is checked against a declared matrix of roles.

A route without an entry in :data:`MATRIX` fails the test: adding a page means deciding,
here, who may open it. URLs are built with real ids (a synced course, teacher A's class with
student S, S's quiz attempt and certificate), so "another student" and "another class's
teacher" are refused by the real ownership checks, not by a 404 on a missing row.

Statuses: an int, or ``LOGIN`` for a redirect to the login page. GET routes are fetched;
POST-only routes are posted with an empty form (CSRF is off in the test app and covered by
test_csrf.py). After a POST that succeeds, the world is rebuilt, so one role's action (a
removed member, a logout) never changes what the next role sees.

Run with ``LMS_MATRIX_PRINT=1`` to print the observed table when adding routes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from flask import Flask, url_for
from security_world import ROLES, World, build_world, clear_database, login_client

LOGIN = "login"
Expected = int | str
Builder = Callable[[World], dict[str, Any]]


def expect(default: Expected, **roles: Expected) -> dict[str, Expected]:
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown
    return {role: roles.get(role, default) for role in ROLES}


#: Anyone, logged in or not, gets this status.
def everyone(status: Expected) -> dict[str, Expected]:
    return expect(status)


def logged_in(status: Expected, **roles: Expected) -> dict[str, Expected]:
    """Anonymous visitors are sent to the login page; everyone else gets ``status``."""
    return expect(status, anonymous=LOGIN, **roles)


def class_teacher(status: Expected, **roles: Expected) -> dict[str, Expected]:
    """Teacher A's class pages: A and admins; other teachers 404 (the class is not theirs);
    students and trainers 403; anonymous to the login page."""
    base = {"anonymous": LOGIN, "student": 403, "other_student": 403, "teacher": status,
            "other_teacher": 404, "trainer": 403, "admin": status}
    base.update(roles)
    return expect(0, **base)


def teachers(status: Expected, **roles: Expected) -> dict[str, Expected]:
    base = {"anonymous": LOGIN, "student": 403, "other_student": 403, "teacher": status,
            "other_teacher": status, "trainer": 403, "admin": status}
    base.update(roles)
    return expect(0, **base)


def owner_only(status: Expected, **roles: Expected) -> dict[str, Expected]:
    """Student S's own records: S only; everyone else 404 (revealing nothing)."""
    return logged_in(404, student=status, **roles)


def authors(status: Expected, **roles: Expected) -> dict[str, Expected]:
    """Authoring: trainers (here the draft's owner) and admins; teachers and students 403."""
    base = {"anonymous": LOGIN, "student": 403, "other_student": 403, "teacher": 403,
            "other_teacher": 403, "trainer": status, "admin": status}
    base.update(roles)
    return expect(0, **base)


def draft(w: World, **extra: Any) -> dict[str, Any]:
    return {"slug": w.draft_slug, **extra}


def lesson(w: World) -> dict[str, Any]:
    return {"course_slug": w.course_slug, "module_slug": w.module_slug,
            "item_slug": w.lesson_slug}


def quiz(w: World) -> dict[str, Any]:
    return {"course_slug": w.course_slug, "module_slug": w.module_slug,
            "item_slug": w.quiz_slug}


def klass(w: World, **extra: Any) -> dict[str, Any]:
    return {"class_id": w.class_id, **extra}


def reset_token(w: World) -> dict[str, Any]:
    from flask import current_app

    from lms.auth.services import make_reset_request

    reset = make_reset_request("olga@example.org", secret_key=current_app.config["SECRET_KEY"])
    assert reset is not None
    return {"token": reset.token}


#: endpoint -> (URL values, expected status per role)
MATRIX: dict[str, tuple[Builder, dict[str, Expected]]] = {
    # -- site ---------------------------------------------------------------------------------
    "lms.site.home": (lambda w: {}, everyone(302)),
    "lms.site.healthz": (lambda w: {}, everyone(200)),
    "lms.site.set_language": (lambda w: {}, everyone(400)),  # no language posted
    "lms.static": (lambda w: {"filename": "lms/style.css"}, everyone(200)),
    # -- accounts -----------------------------------------------------------------------------
    "lms.auth.login": (lambda w: {}, everyone(200)),
    "lms.auth.signup": (lambda w: {}, everyone(200)),
    "lms.auth.request_reset": (lambda w: {}, everyone(200)),
    "lms.auth.reset_password": (reset_token, everyone(200)),
    "lms.auth.logout": (lambda w: {}, everyone(302)),
    "lms.auth.account": (lambda w: {}, logged_in(200)),
    "lms.auth.change_password": (lambda w: {}, logged_in(200)),
    "lms.auth.change_email": (lambda w: {}, logged_in(200)),
    "lms.auth.confirm_email": (lambda w: {"token": "forged"}, everyone(400)),
    "lms.auth.request_confirmation": (lambda w: {}, logged_in(302)),
    # -- courses ------------------------------------------------------------------------------
    "lms.courses.catalogue": (lambda w: {}, everyone(200)),
    "lms.courses.course": (lambda w: {"course_slug": w.course_slug}, everyone(200)),
    "lms.courses.teacher_guide": (lambda w: {"course_slug": w.course_slug}, everyone(200)),
    "lms.courses.media": (lambda w: {"course_slug": w.course_slug,
                                     "filename": "01-basics/chain.svg"}, everyone(200)),
    "lms.courses.item": (lesson, everyone(200)),
    "lms.courses.complete": (lesson, logged_in(302)),
    "lms.courses.move_to_latest": (lambda w: {"course_slug": w.course_slug}, logged_in(302)),
    # -- quizzes ------------------------------------------------------------------------------
    "lms.quizzes.submit": (quiz, everyone(302)),  # GET goes back to the quiz form
    "lms.quizzes.attempt": (lambda w: {**quiz(w), "number": w.attempt_number},
                            owner_only(200)),
    # -- certificates -------------------------------------------------------------------------
    "lms.certificates.mine": (lambda w: {}, logged_in(200)),
    "lms.certificates.download": (lambda w: {"code": w.certificate_code}, owner_only(200)),
    "lms.certificates.verify_form": (lambda w: {}, everyone(200)),
    "lms.certificates.verify": (lambda w: {"code": w.certificate_code}, everyone(200)),
    "lms.certificates.revoke": (lambda w: {"code": w.certificate_code},
                                logged_in(403, admin=200)),
    "lms.certificates.admin_list": (lambda w: {}, logged_in(403, admin=200)),
    # -- open badges (lms.badges) -------------------------------------------------------------
    "lms.badges.badge": (lambda w: {"code": w.certificate_code}, owner_only(200)),
    "lms.badges.download_jwt": (lambda w: {"code": w.certificate_code}, owner_only(200)),
    "lms.badges.download_png": (lambda w: {"code": w.certificate_code}, owner_only(200)),
    # For people, a credential's id leads to the certificate's verification page.
    "lms.badges.credential": (lambda w: {"code": w.certificate_code}, everyone(302)),
    "lms.badges.credential_json": (lambda w: {"code": w.certificate_code}, everyone(200)),
    # Called by LTI platforms: public; a login or launch without valid parameters is refused.
    "lms.lti.jwks": (lambda w: {}, everyone(200)),
    "lms.lti.login": (lambda w: {}, everyone(400)),
    "lms.lti.launch": (lambda w: {}, everyone(400)),
    # A deep-linking request (lms.lti.deep_linking) is found by its random token: unknown -> 410.
    "lms.lti.deep_link": (lambda w: {"token": "unknown"}, everyone(410)),
    "lms.lti.admin_index": (lambda w: {}, logged_in(403, admin=200)),
    "lms.lti.admin_create": (lambda w: {}, logged_in(403, admin=200)),
    # Not a platform course's class: its teacher goes back to its page with a message.
    "lms.lti.roster_sync": (klass, class_teacher(303)),
    "lms.badges.issuer": (lambda w: {}, everyone(200)),
    "lms.badges.achievement": (lambda w: {"slug": w.course_slug}, everyone(200)),
    "lms.badges.achievement_image": (lambda w: {"slug": w.course_slug}, everyone(200)),
    "lms.badges.jwks": (lambda w: {}, everyone(200)),
    "lms.badges.public_key": (lambda w: {"thumbprint": "no-such-key"}, everyone(404)),
    "lms.badges.status_list": (lambda w: {"number": 0}, everyone(200)),
    "lms.badges.verify": (lambda w: {}, everyone(200)),
    # Nothing to claim (the course is not completed): back to "My certificates".
    "lms.certificates.claim": (lambda w: {"course_slug": w.course_slug}, logged_in(302)),
    "lms.certificates.reissue": (lambda w: {"code": w.certificate_code},
                                 owner_only(200, admin=200)),
    # -- classes: teachers --------------------------------------------------------------------
    "lms.classes.index": (lambda w: {}, teachers(200)),
    "lms.classes.create": (lambda w: {}, teachers(200)),
    "lms.classes.dashboard": (klass, class_teacher(200)),
    "lms.classes.members": (klass, class_teacher(200)),
    "lms.classes.accounts": (klass, class_teacher(200)),
    "lms.classes.assign": (klass, class_teacher(200)),
    "lms.classes.export_csv": (klass, class_teacher(200)),
    "lms.classes.export_xlsx": (klass, class_teacher(200)),
    "lms.classes.module_detail": (lambda w: klass(w, module_id=w.module_id),
                                  class_teacher(200)),
    "lms.classes.student_detail": (lambda w: klass(w, user_id=w.student_id),
                                   class_teacher(200)),
    "lms.classes.archive": (klass, class_teacher(302)),
    "lms.classes.regenerate_code": (klass, class_teacher(302)),
    "lms.classes.remove_member": (lambda w: klass(w, user_id=w.student_id),
                                  class_teacher(200)),  # the confirmation page
    "lms.classes.unassign": (lambda w: klass(w, assignment_id=w.assignment_id),
                             class_teacher(302)),
    # -- reflections: a class's teacher reads and comments ----------------------------------
    "lms.reflections.index": (klass, class_teacher(200)),
    "lms.reflections.board": (lambda w: klass(w, item_id=w.quiz_id), class_teacher(200)),
    # An empty comment is a form error.
    "lms.reflections.comment": (lambda w: klass(w, item_id=w.quiz_id), class_teacher(400)),
    # -- handouts (a module of the class's course, printed) -------------------------------------
    "lms.handouts.handout": (lambda w: klass(w, module_id=w.module_id), class_teacher(200)),
    "lms.handouts.answers": (lambda w: klass(w, module_id=w.module_id), class_teacher(200)),
    # -- password resets (one-time codes) ------------------------------------------------------
    # S was created by teacher A: A (from A's class) and admins may reset it.
    "lms.resets.teacher_reset": (lambda w: klass(w, user_id=w.student_id),
                                 class_teacher(200)),  # the confirmation page
    "lms.resets.teacher_code": (lambda w: klass(w, user_id=w.student_id),
                                class_teacher(200)),  # nothing to show: "already shown"
    "lms.resets.admin_reset": (lambda w: {"user_id": w.student_id}, logged_in(403, admin=200)),
    "lms.resets.admin_code": (lambda w: {"user_id": w.student_id}, logged_in(403, admin=200)),
    "lms.resets.admin_list": (lambda w: {}, logged_in(403, admin=200)),
    # -- administration ------------------------------------------------------------------------
    "lms.admin.create_user": (lambda w: {}, logged_in(403, admin=200)),
    "lms.admin.change_role": (lambda w: {"user_id": w.student_id}, logged_in(403, admin=200)),
    "lms.admin.toggle_active": (lambda w: {"user_id": w.student_id},
                                logged_in(403, admin=200)),  # the confirmation page
    "lms.admin.admin_log_page": (lambda w: {}, logged_in(403, admin=200)),
    "lms.admin.import_users": (lambda w: {}, logged_in(403, admin=200)),
    # Posted without the signed rows of a preview: refused, nothing made.
    "lms.admin.import_commit": (lambda w: {}, logged_in(403, admin=400)),
    # Only a session opened with a code has something to do there; others go to their account.
    "lms.resets.choose_password": (lambda w: {}, logged_in(302)),
    # -- classes: students --------------------------------------------------------------------
    "lms.classes.join": (lambda w: {}, logged_in(200)),
    "lms.classes.join_with_code": (lambda w: {"code": w.join_code}, logged_in(200)),
    # -- personal data ------------------------------------------------------------------------
    "lms.privacy.data": (lambda w: {}, logged_in(200)),
    "lms.privacy.delete_own": (lambda w: {}, logged_in(200)),
    # S was created by teacher A: A and admins may delete the account, nobody else.
    "lms.privacy.delete_other": (lambda w: {"user_id": w.student_id},
                                 class_teacher(200, other_teacher=404)),
    "lms.privacy.created_accounts": (lambda w: {}, teachers(200)),
    "lms.privacy.users": (lambda w: {}, logged_in(403, admin=200)),
    "lms.privacy.user_data": (lambda w: {"user_id": w.student_id},
                              logged_in(403, admin=200)),
    # -- authoring (trainers) ----------------------------------------------------------------
    "lms.authoring.index": (lambda w: {}, authors(200)),
    "lms.authoring.new_course": (lambda w: {}, authors(200)),
    "lms.authoring.import_course": (lambda w: {}, authors(200)),
    "lms.authoring.course": (draft, authors(200)),
    "lms.authoring.edit": (lambda w: draft(w, rel="course.md"), authors(200)),
    "lms.authoring.media": (lambda w: draft(w, rel="picture.svg"), authors(200)),
    "lms.authoring.versions": (draft, authors(200)),
    "lms.authoring.version_zip": (lambda w: draft(w, number=1), authors(200)),
    "lms.authoring.diff": (lambda w: draft(w, **{"from": 1, "to": 1}), authors(200)),
    "lms.authoring.export": (draft, authors(200)),
    "lms.authoring.add_module": (draft, authors(302)),
    "lms.authoring.add_item": (draft, authors(302)),
    "lms.authoring.move": (draft, authors(302)),
    "lms.authoring.translate": (draft, authors(400)),  # no language posted
    "lms.authoring.upload_image": (draft, authors(302)),
    "lms.authoring.delete": (lambda w: draft(w, rel="picture.svg"), authors(200)),  # confirm
    "lms.authoring.rename": (lambda w: draft(w, rel="01-introduction/01-first-lesson.md"),
                             authors(200)),
    "lms.authoring.preview": (lambda w: draft(w, rel="course.md"), authors(200)),
    "lms.authoring.publish": (draft, authors(302)),  # the owner publishes
    "lms.authoring.unpublish": (draft, authors(403, admin=302)),  # admins only
    "lms.authoring.add_coauthor": (draft, authors(403, admin=302)),
    "lms.authoring.remove_coauthor": (lambda w: draft(w, user_id=w.users["trainer"]),
                                      authors(403, admin=302)),
    "lms.authoring.guide": (lambda w: {}, authors(200)),
    # The synced course is authored as files: the page offers to take it over.
    "lms.authoring.edit_live": (lambda w: {"slug": w.course_slug}, authors(200)),
    "lms.authoring.take_over": (lambda w: {"slug": w.course_slug}, authors(302)),
    "lms.site.favicon": (lambda w: {}, everyone(301)),  # to the static icon
}

#: The app's own static route (standalone site) is not an LMS page.
SKIPPED = {"static"}


def observe(client: Any, method: str, url: str) -> Expected:
    with client.open(url, method=method) as response:
        status = response.status_code
        location = response.headers.get("Location", "")
    if status in (301, 302, 303) and "/account/login" in location:
        return LOGIN
    assert status < 500, f"{method} {url} gave {status}"
    return status


def _rules(app: Flask) -> list[Any]:
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint not in SKIPPED),
                  key=lambda rule: rule.endpoint)


def test_every_route_has_an_entry(app: Flask) -> None:
    missing = sorted({rule.endpoint for rule in _rules(app)} - set(MATRIX))
    assert not missing, (
        "routes without an entry in tests/test_authorization_matrix.py MATRIX (decide who may "
        "open them): " + ", ".join(missing))
    stale = sorted(set(MATRIX) - {rule.endpoint for rule in _rules(app)})
    assert not stale, f"MATRIX entries for routes that no longer exist: {stale}"


def test_authorization_matrix(app: Flask) -> None:
    world = build_world(app)
    clients = {role: login_client(app, role) for role in ROLES}
    mismatches: list[str] = []
    observed: dict[str, dict[str, Expected]] = {}
    for rule in _rules(app):
        if rule.endpoint not in MATRIX:
            continue  # reported by test_every_route_has_an_entry
        values, expected = MATRIX[rule.endpoint]
        method = "GET" if "GET" in rule.methods else "POST"
        seen = observed.setdefault(rule.endpoint, {})
        for role in ROLES:
            with app.test_request_context():
                url = url_for(rule.endpoint, **values(world))
            status = observe(clients[role], method, url)
            seen[role] = status
            if status != expected[role]:
                mismatches.append(f"{rule.endpoint} as {role}: {method} {url} gave {status}, "
                                  f"expected {expected[role]}")
            if method == "POST" and status not in (400, 403, 404, 405, LOGIN):
                # Something changed: start again from a fresh world for the next role.
                clear_database()
                world = build_world(app)
                clients = {r: login_client(app, r) for r in ROLES}
    if os.environ.get("LMS_MATRIX_PRINT"):
        for endpoint, row in observed.items():
            print(endpoint, row)
    assert not mismatches, "\n".join(mismatches)


#: The roles each test account holds (admins hold every role); every visitor holds
#: lms.features.VISITOR, every signed-in account lms.features.ACCOUNT too.
HOLDS = {"anonymous": {"visitor"}, "student": {"student"}, "other_student": {"student"},
         "teacher": {"teacher"}, "other_teacher": {"teacher"}, "trainer": {"trainer"},
         "admin": {"student", "teacher", "trainer", "admin"}}
for _who, _holds in HOLDS.items():
    _holds |= {"visitor"} if _who == "anonymous" else {"visitor", "account"}

#: Features every one of whose pages has an access row.
COVERED = ("admin", "classes", "auth", "authoring", "learning")


def test_the_features_access_rows_agree_with_the_matrix(app: Flask) -> None:
    """A feature's ``access`` rows (lms.features) name who may open its pages: visitors are
    sent to log in, accounts without the role get 403, the others do not."""
    assert set(HOLDS) == set(ROLES)
    rows = {endpoint: roles for feature in app.extensions["lms"].features
            for endpoint, roles in feature.access.items()}
    assert len(rows) >= 25
    wrong = []
    for endpoint, roles in rows.items():
        assert endpoint in MATRIX, f"{endpoint} (an access row) has no matrix entry"
        expected = MATRIX[endpoint][1]
        for who, holds in HOLDS.items():
            allowed = bool(holds & set(roles))
            refused = LOGIN if who == "anonymous" else 403
            if (expected[who] not in (403, LOGIN)) if allowed else expected[who] == refused:
                continue
            wrong.append(f"{endpoint} as {who}: the matrix says {expected[who]}, the access "
                         f"row {roles}")
    assert not wrong, "\n".join(wrong)


def test_every_page_of_the_covered_features_has_an_access_row(app: Flask) -> None:
    features = {feature.name: feature for feature in app.extensions["lms"].features}
    missing = []
    for name in COVERED:
        blueprints = {blueprint.name for blueprint in features[name].blueprints}
        missing += [rule.endpoint for rule in app.url_map.iter_rules()
                    if rule.endpoint.count(".") == 2
                    and rule.endpoint.split(".")[1] in blueprints
                    and rule.endpoint not in features[name].access]
    assert not missing, sorted(missing)
