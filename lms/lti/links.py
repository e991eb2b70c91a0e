"""Where a resource-link launch lands: the course or module its deep link named (custom
parameters ``lms_course``, ``lms_module``; see lms.lti.deep_linking), else the catalogue.
Also the choices of the deep-linking picker: our catalogue's courses and modules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms.classes import queries

CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"


class UnknownTarget(LookupError):
    """The launch names a course or module this site does not have (any more)."""


@dataclass(frozen=True)
class Target:
    course_slug: str
    #: With a module: its first lesson (the module's own page is the course page's section).
    module_slug: str | None = None
    item_slug: str | None = None


def requested(claims: dict[str, Any]) -> tuple[str, str | None] | None:
    """``(lms_course, lms_module)`` of the launch's custom claim, or None without one."""
    custom = claims.get(CUSTOM)
    if not isinstance(custom, dict) or not str(custom.get("lms_course") or "").strip():
        return None
    module = str(custom.get("lms_module") or "").strip() or None
    return str(custom["lms_course"]).strip(), module


def catalogue(language: str) -> list[queries.CourseInfo]:
    """The available courses with their available modules, for the picker."""
    return list(queries.load_courses(queries.available_course_ids(), language).values())


def find(course_id: str, module_slug: str | None, language: str) -> tuple[
        queries.CourseInfo, queries.ModuleInfo | None]:
    """The available course (and module) named; UnknownTarget otherwise."""
    if not course_id.isdigit() or len(course_id) > 18:
        raise UnknownTarget(course_id)
    course = queries.load_courses([int(course_id)], language).get(int(course_id))
    if course is None:
        raise UnknownTarget(course_id)
    if module_slug is None:
        return course, None
    module = next((m for m in course.modules if m.module.slug == module_slug), None)
    if module is None:
        raise UnknownTarget(f"{course_id}/{module_slug}")
    return course, module


def launch_target(claims: dict[str, Any], language: str) -> Target | None:
    """Where the launch goes; None for the catalogue (a link made without our picker)."""
    wanted = requested(claims)
    if wanted is None:
        return None
    course, module = find(*wanted, language)
    if module is None:
        return Target(course.course.slug)
    first = module.items[0].item.slug if module.items else None
    return Target(course.course.slug, module.module.slug, first)
