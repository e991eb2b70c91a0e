"""The models of the features not yet registered through lms.features (whose ``models``
the extension imports), imported in one place so Alembic sees the whole schema."""

from lms.admin.models import AdminAction
from lms.auth.models import User
from lms.authoring.models import CourseAuthor, CourseTakeover, CourseVersion
from lms.certificates.models import Certificate, CertificatePreference
from lms.classes.models import Assignment, ClassMember, SchoolClass
from lms.courses.models import (
    Course,
    CourseRelease,
    CourseText,
    Item,
    ItemText,
    Module,
    ModuleText,
    ReleaseItem,
)
from lms.mail.models import OutboxMail
from lms.progress.models import Enrollment, ItemCompletion
from lms.quizzes.models import QuizAttempt

__all__ = [
    "AdminAction",
    "Assignment", "Certificate", "CertificatePreference", "CourseAuthor",
    "CourseTakeover", "CourseVersion",
    "ClassMember", "Course", "CourseRelease", "CourseText", "Enrollment", "Item", "ItemCompletion",
    "ItemText", "Module", "ModuleText", "OutboxMail", "QuizAttempt",
    "ReleaseItem",
    "SchoolClass", "User",
]
