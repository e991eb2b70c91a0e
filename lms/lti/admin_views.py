"""The admin's pages: the platforms that may launch the tool, and the tool's own addresses
to paste into a platform."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from lms.auth.models import Role
from lms.lti import score_report, services
from lms.lti.forms import RegistrationForm
from lms.security import role_required

admin_required = role_required(Role.ADMIN)


def tool_urls() -> dict[str, str]:
    """What a platform's administrator pastes (Moodle's field names in the template)."""
    launch = url_for("lms.lti.launch", _external=True)
    return {"launch": launch, "login": url_for("lms.lti.login", _external=True),
            "jwks": url_for("lms.lti.jwks", _external=True), "redirect": launch,
            "deep_linking": launch}


def register(bp: Blueprint) -> None:
    @bp.get("/admin/lti/")
    @admin_required
    def admin_index() -> str:
        return render_template("lms/lti/admin_index.html", urls=tool_urls(),
                               registrations=services.list_registrations(),
                               score_counts=score_report.counts(),
                               score_lines=score_report.latest(score_report.SHOWN))

    @bp.route("/admin/lti/new", methods=["GET", "POST"])
    @admin_required
    def admin_create() -> str | Response:
        form = RegistrationForm()
        if form.validate_on_submit():
            try:
                services.create_registration(
                    name=form.name.data, issuer=form.issuer.data, client_id=form.client_id.data,
                    deployment_ids=form.deployment_ids.data.splitlines(),
                    auth_login_url=form.auth_login_url.data,
                    auth_token_url=form.auth_token_url.data, key_set_url=form.key_set_url.data)
            except services.RegistrationExists:
                form.client_id.errors = [gettext(
                    "This platform already has a registration with this client ID.")]
            else:
                flash(gettext("The platform %(name)s can now launch this site.",
                              name=form.name.data), "success")
                return redirect(url_for("lms.lti.admin_index"), code=303)
        return render_template("lms/lti/admin_create.html", form=form, urls=tool_urls())
