"""Every model of the LMS, imported in one place so Alembic sees the whole schema."""

from lms.auth.models import User
from lms.courses.models import Course, CourseText, Item, ItemText, Module, ModuleText
from lms.progress.models import Enrollment, ItemCompletion

__all__ = [
    "Course", "CourseText", "Enrollment", "Item", "ItemCompletion", "ItemText", "Module",
    "ModuleText", "User",
]
