"""Certificate pages: the learner's list and downloads, public verification, revocation,
the admin's list of issued certificates."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms.fields import SelectChoice

from lms import hooks
from lms.certificates import claims, listing, services
from lms.certificates.codes import normalise_code
from lms.certificates.forms import (
    CertificateSearchForm,
    PrintedNameForm,
    RevokeForm,
    VerifyForm,
)
from lms.courses.models import Course
from lms.db import db, utcnow
from lms.forms import language_choices
from lms.i18n import page_language, supported_languages
from lms.security import role_required
from lms.urls import safe_next

bp = Blueprint("certificates", __name__)


@bp.route("/certificates/", methods=["GET", "POST"])
@login_required
def mine() -> str | Response:
    """The learner's certificates, and the name to print on the next ones."""
    preference = services.get_preference(current_user.id)
    form = PrintedNameForm(data={"printed_name": preference.printed_name,
                                 "language": preference.language})
    form.language.choices = language_choices(tuple(supported_languages()))
    if form.validate_on_submit():
        try:
            services.set_preference(current_user.id, form.printed_name.data,
                                    form.language.data, now=utcnow())
        except services.CertificateError as error:
            form.printed_name.errors.append(str(error))
        else:
            flash(gettext("Saved. Your next certificates will carry this name."), "success")
            return redirect(url_for(".mine"))
    certificates = services.certificates_of(current_user.id)
    reissuable = {c.code for c in certificates
                  if c.is_valid and claims.self_reissues_left(c) > 0}
    # Links other features add under a certificate (lms.badges: the Open Badge download).
    extra_links: dict[str, list[tuple[str, str]]] = {}
    for provide in hooks.certificate_links:
        for code, links in provide(certificates).items():
            extra_links.setdefault(code, []).extend(links)
    return render_template("lms/certificates/mine.html", form=form, preference=preference,
                           certificates=certificates, reissuable=reissuable,
                           extra_links=extra_links,
                           claimable=claims.claimable_courses(current_user.id,
                                                                 page_language()))


def on_course_completed(sender: Any, *, user_id: int, course_id: int, **extra: Any) -> None:
    """Receiver of :data:`lms.signals.course_completed`: in the learner's request (a quiz or
    a lesson, whichever finished the course), say the certificate is ready to claim.

    Nothing is issued or rendered here: the learner first confirms the printed name.
    """
    if "lms" not in getattr(sender, "extensions", {}) or not has_request_context():
        return
    course = db.session.get(Course, course_id)
    if course is None or not course.certificate_enabled:
        return
    link = url_for("lms.certificates.claim", course_slug=course.slug)
    flash(Markup('{} <a href="{}">{}</a>').format(
        gettext("Your certificate is ready."), link,
        gettext("Confirm the name to print and get it")), "success")


@bp.get("/certificates/<code>.pdf")
@login_required
def download(code: str) -> Response | tuple[str, int]:
    """The stored PDF, only for its owner: anyone else gets 404, revealing nothing.
    A revoked certificate's PDF is gone (410), with a link to its verification page."""
    found = services.download_for(code, current_user.id, now=utcnow())
    if found is None:
        abort(404)
    if found.pdf is None:
        return render_template("lms/certificates/revoked.html", code=found.code), 410
    response = current_app.response_class(found.pdf, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=found.filename)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/verify/")
def verify_form() -> str | Response | tuple[str, int]:
    """A box to type a code; a well-formed code goes to its verification page."""
    form = VerifyForm(request.args)
    if "code" not in request.args:
        return render_template("lms/certificates/verify.html", form=form, certificate=None)
    canonical = normalise_code(form.code.data or "")
    if canonical is not None:
        return redirect(url_for(".verify", code=canonical))
    form.validate()
    form.code.errors = [gettext("This is not a certificate code. Codes have 12 letters and "
                                "digits, like K7QM-3XF9-T2HD.")]
    return render_template("lms/certificates/verify.html", form=form, certificate=None,
                           not_found=True), 404


@bp.get("/verify/<code>")
def verify(code: str) -> str | Response | tuple[str, int]:
    """Public: is this certificate genuine? Name, course, date and status, nothing more."""
    canonical = normalise_code(code)
    if canonical is not None and canonical != code:
        return redirect(url_for(".verify", code=canonical), code=301)
    certificate = services.find_certificate(code) if canonical else None
    if certificate is None:
        form = VerifyForm(data={"code": code[:64]})
        return render_template("lms/certificates/verify.html", form=form, certificate=None,
                               not_found=True), 404
    is_admin = current_user.is_authenticated and current_user.has_role("admin")
    latest, history = claims.history(certificate)
    extra_links = [link for provide in hooks.verification_links for link in provide(certificate)]
    return render_template("lms/certificates/verify.html", form=VerifyForm(formdata=None),
                           certificate=certificate, latest=latest, history=history,
                           can_revoke=is_admin, extra_links=extra_links)


@bp.route("/certificates/<code>/revoke", methods=["GET", "POST"])
@role_required("admin")
def revoke(code: str) -> str | Response:
    """Admins revoke a certificate with a reason that the verification page shows."""
    certificate = services.find_certificate(code)
    if certificate is None:
        abort(404)
    form = RevokeForm(data={"reason": certificate.revoked_reason or "",
                            "correctable": certificate.revoked_correctable})
    if form.validate_on_submit():
        try:
            services.revoke_certificate(certificate.code, form.reason.data,
                                        by_user_id=current_user.id, now=utcnow(),
                                        correctable=form.correctable.data)
        except services.CertificateError as error:
            form.reason.errors.append(str(error))
        else:
            flash(gettext("Certificate %(code)s is revoked.", code=certificate.code), "success")
            # From the admin's list, back to that list (same page and filters).
            return redirect(safe_next(request.args.get("next"),
                                      url_for(".verify", code=certificate.code)))
    return render_template("lms/certificates/revoke.html", form=form, certificate=certificate)


@bp.get("/admin/certificates/")
@role_required("admin")
def admin_list() -> str:
    """Admins: every issued certificate, newest first, by course, status, code or name."""
    form = CertificateSearchForm(request.args)
    form.validate()  # a field with an error (a 5,000-character search) filters nothing
    status = form.status.data if not form.status.errors else ""
    wanted = listing.CertificateFilter(
        search="" if form.q.errors else (form.q.data or ""),
        course_slug=form.course.data or None,
        status=listing.Status(status) if status else None,
    )
    # Not a number: page 1; a number past the end (or below 1): 404.
    found = listing.list_certificates(wanted, page=request.args.get("page", 1, type=int))
    if found is None:
        abort(404)
    form.course.choices = [SelectChoice("", gettext("All courses"))] + [
        SelectChoice(course.slug, course.title) for course in found.courses]
    filters = {name: value for name, value in (
        ("q", wanted.search), ("course", wanted.course_slug), ("status", status)) if value}
    here = request.full_path if request.query_string else request.path
    return render_template("lms/certificates/admin_list.html", form=form, listing=found,
                           filters=filters, here=here)


# The claim and reissue pages share this blueprint.
from lms.certificates import claim_views  # noqa: E402,F401
