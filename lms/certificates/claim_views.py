"""The confirm-name page that issues a certificate, and the reissue page after a name fix.

Both show the name *as it will print* and issue only when the learner (or admin) confirmed
exactly that: an edited name is shown again as printed, and confirmed again.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms.certificates import claims, services
from lms.certificates.forms import ClaimForm, ReissueForm
from lms.certificates.models import Certificate
from lms.certificates.naming import CertificateError, clean_printed_name, suggest_printed_name
from lms.certificates.views import bp
from lms.db import utcnow
from lms.forms import language_choices
from lms.i18n import page_language, supported_languages


def _as_printed(raw: str) -> str:
    """What would print for ``raw``: itself if printable, else the cleaned suggestion."""
    try:
        return clean_printed_name(raw)
    except CertificateError:
        return suggest_printed_name(raw)


def _confirm_name(form: ClaimForm | ReissueForm, shown: str, check_again: str,
                  issue: Callable[[], Certificate]) -> tuple[Certificate | None, str, int]:
    """Both pages' confirmation: (the certificate issued or None, the name shown, the status).

    A name that would print otherwise than confirmed is put back in the form as printed, with
    ``check_again``, to be confirmed again; a name that cannot print is a 400. ``issue``'s
    other errors (LookupError, PermissionError) are the caller's to answer.
    """
    if not form.validate_on_submit():
        return None, shown, 400 if form.is_submitted() else 200
    try:
        return issue(), shown, 200
    except claims.NameChanged as changed:
        form.shown_name.data = form.printed_name.data = changed.name
        flash(check_again, "info")
        return None, changed.name, 200
    except CertificateError as error:
        form.printed_name.errors.append(str(error))
        return None, shown, 400


@bp.route("/certificates/claim/<course_slug>", methods=["GET", "POST"])
@login_required
def claim(course_slug: str) -> str | Response:
    """A completed course's certificate: see the name as printed, correct it, confirm."""
    found = claims.find_claimable(current_user.id, course_slug, page_language())
    if found is None:  # claimed already (another tab), or nothing to claim: the list says
        return redirect(url_for(".mine"))
    preference = services.get_preference(current_user.id)
    shown = _as_printed(preference.printed_name)
    form = ClaimForm(data={"printed_name": shown, "language": preference.language,
                           "shown_name": shown})
    form.language.choices = language_choices(tuple(supported_languages()))
    try:
        certificate, shown, status = _confirm_name(
            form, shown, gettext("This is how your name will be printed. Check it and confirm."),
            lambda: claims.claim_certificate(
                current_user.id, course_slug, form.printed_name.data, form.language.data,
                shown_name=form.shown_name.data or "", now=utcnow()))
    except LookupError:
        return redirect(url_for(".mine"))
    if certificate is not None:
        flash(gettext("Your certificate %(code)s is issued.", code=certificate.code), "success")
        return redirect(url_for(".mine") + "#certificate-" + certificate.code)
    return render_template("lms/certificates/claim.html", form=form, claim=found,
                           shown=shown), status


@bp.route("/certificates/<code>/reissue", methods=["GET", "POST"])
@login_required
def reissue(code: str) -> str | Response:
    """A new certificate with a corrected name: the holder once per course, admins always."""
    certificate = services.find_certificate(code)
    if certificate is None or certificate.user_id is None:
        abort(404)
    is_admin = current_user.has_role("admin")
    if not is_admin:
        if certificate.user_id != current_user.id:
            abort(404)
        if claims.self_reissues_left(certificate) < 1:
            abort(403)
    if not certificate.is_valid:
        return redirect(url_for(".verify", code=certificate.code))
    shown = certificate.printed_name
    form = ReissueForm(data={"printed_name": shown, "shown_name": shown})
    try:
        new, shown, status = _confirm_name(
            form, shown, gettext("This is how the name will be printed. Check it and confirm."),
            lambda: claims.reissue_certificate(
                certificate.code, form.printed_name.data, shown_name=form.shown_name.data or "",
                by_user_id=current_user.id, by_admin=is_admin, now=utcnow()))
    except PermissionError:
        abort(403)
    if new is not None:
        flash(gettext("Certificate %(old)s is reissued as %(new)s.", old=certificate.code,
                      new=new.code), "success")
        target = (url_for(".verify", code=new.code) if new.user_id != current_user.id
                  else url_for(".mine") + "#certificate-" + new.code)
        return redirect(target)
    return render_template("lms/certificates/reissue.html", form=form, certificate=certificate,
                           shown=shown, is_admin=is_admin), status
