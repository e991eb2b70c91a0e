"""The teacher's button "Update the class list from <platform>" on an LTI class's page."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from lms.auth.models import Role
from lms.classes import services as classes
from lms.db import db, utcnow
from lms.forms import ActionForm
from lms.lti import roster
from lms.lti.models import LtiRegistration
from lms.security import role_required

log = logging.getLogger(__name__)


def roster_extras(class_id: int, teacher_id: int, students: list[Any]) -> dict[str, Any]:
    """The members page of a class whose platform offers its class list shows the button
    (lms.hooks.class_members_extras)."""
    context = roster.context_of(class_id)
    if context is None:
        return {}
    registration = db.session.get(LtiRegistration, context.registration_id)
    return {"lti_roster": {"platform": registration.name if registration else "",
                           "synced_at": context.roster_synced_at,
                           "form": ActionForm()}}


def _flash_result(result: roster.SyncResult) -> None:
    flash(gettext("The class list was updated from %(platform)s. Added: %(added)d. "
                  "Already in the class: %(present)d.", platform=result.platform,
                  added=result.added, present=result.present), "success")
    if result.skipped:
        flash(gettext("Entries of the platform's list that could not be used and were "
                      "skipped: %(count)d.", count=result.skipped), "info")
    if result.left:
        flash(gettext("No longer in the platform course, still in this class: %(names)s. "
                      "Remove them below if they should leave it.",
                      names=", ".join(result.left)), "info")


def register(bp: Blueprint) -> None:
    @bp.post("/teach/classes/<int:class_id>/class-list")
    @role_required(Role.TEACHER)
    def roster_sync(class_id: int) -> Response:
        if not ActionForm().validate_on_submit():
            abort(400)
        if classes.visible_class(class_id, viewer_id=current_user.id,
                                 is_admin=current_user.role == Role.ADMIN) is None:
            abort(404)
        back = redirect(url_for("lms.classes.members", class_id=class_id), code=303)
        context = roster.context_of(class_id)
        if context is None:  # the page shows no button then: a stale page, or a crafted post
            flash(gettext("This class has no class list to read from a platform."), "info")
            return back
        try:
            result = roster.sync_class(
                context, share_names=current_app.config["LMS_LTI_SHARE_NAMES"], now=utcnow())
        except roster.RosterError as error:
            log.warning("class list of class %s not read: %s", class_id, error)
            flash(gettext("The class list could not be read from the platform, so nothing "
                          "changed. Try again later; if it keeps failing, tell the site's "
                          "administrator."), "error")
        else:
            _flash_result(result)
        return back
