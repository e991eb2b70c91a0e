"""The class page shows the join link as a QR code; removing a student asks first."""

from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import unquote

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.auth.models import User
from lms.classes import services
from lms.classes.models import ClassMember
from lms.db import db, utcnow


def test_members_page_has_a_qr_code_of_the_join_link(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
) -> None:
    teacher = make_user("teacher")
    klass = services.create_class(teacher.id, "Classe 2A", None, now=utcnow())
    login(teacher)
    page = client.get(f"/teach/classes/{klass.id}/students/").text
    assert 'src="data:image/svg+xml' in page
    assert f"QR code of the join link http://localhost/join/{klass.join_code}" in page
    uri = page.split('src="data:image/svg+xml', 1)[1].split('"', 1)[0]
    svg = unquote(uri.split(",", 1)[1]) if "base64" not in uri.split(",", 1)[0] \
        else base64.b64decode(uri.split(",", 1)[1]).decode()
    assert svg.lstrip().startswith("<svg") or "<svg" in svg[:200]


def test_removing_a_student_asks_first(app: Flask, client: FlaskClient,
                                       make_user: Callable[..., User],
                                       login: Callable[[User], None]) -> None:
    teacher = make_user("teacher")
    student = make_user(display_name="Omar Haddad")
    klass = services.create_class(teacher.id, "Classe 2A", None, now=utcnow())
    services.join_class(student.id, klass.join_code, now=utcnow())
    login(teacher)
    url = f"/teach/classes/{klass.id}/students/{student.id}/remove"
    members = client.get(f"/teach/classes/{klass.id}/students/").text
    assert f'href="{url}"' in members  # a link to the question, not a one-click button
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Remove" in confirm.text and "Omar Haddad" in confirm.text

    def is_member() -> bool:
        return db.session.scalar(select(ClassMember.id).where(
            ClassMember.class_id == klass.id, ClassMember.user_id == student.id)) is not None

    assert is_member()
    done = client.post(url, data={}, follow_redirects=True)
    assert "The student was removed from the class" in done.text
    assert not is_member()
    assert client.get(url).status_code == 404


def test_the_student_list_scrolls_in_its_own_box_on_a_phone(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None],
) -> None:
    # Platform usernames (LTI: lti-69cde521dfbcb7e1) pushed a phone's page 77 px wider than
    # the screen: the table now scrolls sideways in its own keyboard-reachable region.
    teacher = make_user("teacher")
    student = make_user(username="lti-69cde521dfbcb7e19a8b7c6d5e4f3")
    klass = services.create_class(teacher.id, "Classe 2A", None, now=utcnow())
    services.join_class(student.id, klass.join_code, now=utcnow())
    login(teacher)
    page = client.get(f"/teach/classes/{klass.id}/students/").text
    region = page.split('<div class="table-scroll" role="region" '
                        'aria-labelledby="students-caption" tabindex="0">', 1)
    assert len(region) == 2, "the student table is not in a scrolling region"
    assert student.username in region[1].split("</table>", 1)[0]
