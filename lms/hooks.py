"""Where a feature plugs into a page or a rule of a feature below it, so that the lower one
never imports the higher one (see ARCHITECTURE.md). A feature adds its functions from its
registration's ``setup`` (:mod:`lms.features`); each list keeps one copy of a function.

These are internal: unlike :mod:`lms.signals` they may carry secrets (a typed password).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Response

#: After a wrong password, ``fallback(login, typed)`` may log the visitor in another way
#: (lms.resets: a teacher's one-time code). It returns ``(response, None)`` when it did,
#: ``(None, message)`` to explain a refusal, ``(None, None)`` when ``typed`` is not its kind.
login_fallbacks: list[Callable[[str, str], tuple[Response | None, str | None]]] = []

#: ``refuses(user_id, name)`` is True when the account may not take ``name`` (lms.classes:
#: a student may not take the name of a teacher of their classes).
name_refusals: list[Callable[[int, str], bool]] = []

#: Extra values for a class's members page: ``provide(class_id, teacher_id, students)``
#: returns a dict (lms.resets: ``may_reset`` and ``resets``; lms.lti: ``lti_roster``, the
#: platform course whose class list can be read).
class_members_extras: list[Callable[[int, int, list[Any]], dict[str, Any]]] = []

#: Extra values for a student's page in a class: ``provide(user_id)`` returns a dict
#: (lms.resets: ``resets``).
class_student_extras: list[Callable[[int], dict[str, Any]]] = []

#: Links under each certificate on *My certificates*: ``links(certificates)`` returns
#: ``{code: [(url, label), ...]}`` (lms.badges: "Download as Open Badge").
certificate_links: list[Callable[[list[Any]], dict[str, list[tuple[str, str]]]]] = []

#: Links on a certificate's public verification page: ``links(certificate)`` returns
#: ``[(url, label), ...]`` (lms.badges: the certificate as an Open Badge credential).
verification_links: list[Callable[[Any], list[tuple[str, str]]]] = []


#: ``find(course_slug)`` returns this server's folder of a course whose ``source_dir`` is not on
#: this server's disk, or None (lms.authoring: the published version, unpacked from the
#: database, when another app server published it).
course_folder_fallbacks: list[Callable[[str], Path | None]] = []


def course_folder_here(slug: str, source_dir: str) -> str:
    """The folder of course ``slug`` on this server: its ``source_dir`` when this server has
    it, else the first fallback's (a course published on another app server)."""
    if Path(source_dir).is_dir():
        return source_dir
    return next((str(found) for find in course_folder_fallbacks
                 if (found := find(slug)) is not None), source_dir)


#: ``prepare()`` runs before ``lms courses sync`` reads the course folders (lms.authoring:
#: brings this server's published folders up to date with the database).
before_course_sync: list[Callable[[], None]] = []


#: ``record(action, actor_id=…, target_id=…, detail=…)`` in the caller's transaction when an
#: operator or admin changes an account (password, role, (de)activation; ``actor_id`` None:
#: the command line). lms.admin writes its audit log.
account_changes: list[Callable[..., None]] = []

#: After sign-up or login, ``redirect(user_id, next_url)`` may answer instead of the usual
#: landing page (lms.classes: into the class of a join link that led to the login page).
after_sign_in: list[Callable[[int, str | None], Response | None]] = []

#: Extra values for the login and sign-up pages: ``provide(next_url)`` returns a dict
#: (lms.classes: ``pending``, the class a join link is about to join).
sign_in_extras: list[Callable[[str | None], dict[str, Any]]] = []

#: When a learner moves to a course's current release, ``passed(user_id, course_id)`` names
#: the items they already passed under its rules, which then count as complete (lms.quizzes:
#: quizzes whose best score meets the pass mark of that release, e.g. after it was lowered).
release_passes: list[Callable[[int, int], set[int]]] = []

#: ``origins()`` names more origins that may show this response in a frame, besides
#: ``LMS_FRAME_ANCESTORS`` (lms.lti: the registered platforms', on LTI pages and sessions).
frame_ancestors: list[Callable[[], list[str]]] = []


def add(hooks: list[Any], function: Any) -> None:
    """Add ``function`` once (several apps in one process register the same features)."""
    if function not in hooks:
        hooks.append(function)


def extras(hooks: list[Callable[..., dict[str, Any]]], *args: Any) -> dict[str, Any]:
    """The merged values of every provider in ``hooks``."""
    values: dict[str, Any] = {}
    for provide in hooks:
        values.update(provide(*args))
    return values
