"""Open Badges pages: the learner's download page, the public documents verifiers fetch
(issuer, achievements, keys, status lists, credentials) and the verification endpoint."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms.badges import publishing, services
from lms.badges.credentials import STATUS_LIST_SIZE
from lms.badges.forms import VerifyBadgeForm
from lms.badges.keys import find_key, public_jwk
from lms.badges.signing import key_id
from lms.badges.verification import MAX_CREDENTIAL_BYTES, verify_credential
from lms.db import utcnow

bp = Blueprint("badges", __name__)
MAX_STATUS_LIST = 2**31 // STATUS_LIST_SIZE


def _json(document: Any, status: int = 200, mimetype: str = "application/json") -> Response:
    response = current_app.response_class(
        json.dumps(document, ensure_ascii=False, indent=2), status=status, mimetype=mimetype)
    # Verifiers and wallets running in a browser fetch these from other origins.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json",
                                                "application/ld+json"])
    return best in ("application/json", "application/ld+json")


@bp.get("/badges/<code>/")
@login_required
def badge(code: str) -> str:
    """The learner's page: what an Open Badge is, how to add it to a wallet, downloads."""
    issued = services.issue_for_owner(code, current_user.id, include_name=False, now=utcnow())
    if issued is None:
        abort(404)
    return render_template("lms/badges/badge.html", issued=issued)


def _download(code: str) -> services.Issued:
    issued = services.issue_for_owner(code, current_user.id, now=utcnow(),
                                      include_name=request.args.get("name") == "1")
    if issued is None:
        abort(404)
    if issued.token is None:
        abort(410)
    return issued


def _attachment(body: bytes | str, mimetype: str, filename: str) -> Response:
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/badges/<code>/credential.jwt")
@login_required
def download_jwt(code: str) -> Response:
    """The signed credential (VC-JWT), only for the certificate's owner."""
    issued = _download(code)
    return _attachment(issued.token or "", "application/jwt", issued.filename + ".jwt")


@bp.get("/badges/<code>/badge.png")
@login_required
def download_png(code: str) -> Response:
    """The badge image with the signed credential baked in, only for the owner."""
    issued = _download(code)
    return _attachment(services.baked_badge(issued.token or ""), "image/png",
                       issued.filename + ".png")


@bp.get("/badges/credentials/<code>.json")
def credential_json(code: str) -> Response:
    return _public_credential(code)


@bp.get("/badges/credentials/<code>")
def credential(code: str) -> Response:
    """A credential's id: JSON for machines, the certificate's verification page for people."""
    if _wants_json():
        return _public_credential(code)
    return redirect(url_for("lms.certificates.verify", code=code))


def _public_credential(code: str) -> Response:
    certificate, document = services.public_credential(code)
    if certificate is None:
        return _json({"status": "invalid", "reason": "no such credential"}, 404)
    if document is None:  # revoked: say so, and nothing about the holder
        return _json({"status": "revoked", "reason": certificate.revoked_reason
                      or "replaced by a new certificate"}, 410)
    return _json(document, mimetype="application/ld+json")


@bp.get("/badges/issuer")
def issuer() -> Response:
    return _json(publishing.issuer_profile(), mimetype="application/ld+json")


@bp.get("/badges/achievements/<slug>")
def achievement(slug: str) -> Response:
    document = publishing.achievement(slug)
    if document is None:
        abort(404)
    return _json(document, mimetype="application/ld+json")


@bp.get("/badges/achievements/<slug>.png")
def achievement_image(slug: str) -> Response:
    """The (unbaked) badge image; every course shares it."""
    response = current_app.response_class(services.BADGE_IMAGE.read_bytes(),
                                          mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/badges/jwks.json")
def jwks() -> Response:
    """The public keys, the signing one and every rotated one not withdrawn."""
    return _json(publishing.jwks(), mimetype="application/jwk-set+json")


@bp.get("/badges/keys/<thumbprint>")
def public_key(thumbprint: str) -> Response:
    row = find_key(thumbprint)
    if row is None or row.withdrawn_at is not None:
        abort(404)
    return _json(public_jwk(row, key_id(row.thumbprint)), mimetype="application/jwk+json")


@bp.get("/badges/status/<int:number>")
def status_list(number: int) -> Response:
    """The signed revocation list; computed per request, so never cached for long."""
    if number > MAX_STATUS_LIST:  # no certificate id gets there (and PostgreSQL's int would not)
        abort(404)
    response = current_app.response_class(
        publishing.status_list_credential(number, now=utcnow()), mimetype="application/vc+jwt")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/badges/verify", methods=["GET", "POST"])
def verify() -> str | Response | tuple[str, int]:
    """Check a credential: a form for people, JSON for programs (``{"credential": jwt}``,
    or the JWT or PNG as the request body)."""
    if request.method == "POST" and request.mimetype != "multipart/form-data":
        if (request.content_length or 0) > MAX_CREDENTIAL_BYTES + 4096:
            return _json({"status": "invalid", "code": "malformed", "reason": "too large"}, 413)
        body: str | bytes = request.get_data(cache=True)
        if not body and len(request.form) == 1 and not next(iter(request.form.values())):
            # curl --data posts a JWT form-encoded, and a request hook has parsed it already;
            # a JWT is URL-safe, so it comes back whole as the form's one key.
            body = next(iter(request.form))
        if "credential" not in request.form:
            if request.is_json:
                payload = request.get_json(silent=True)
                found = payload.get("credential") if isinstance(payload, dict) else None
                body = found if isinstance(found, str) else ""
            return _json(verify_credential(body, now=utcnow()).as_json())
    form = VerifyBadgeForm()
    verdict = None
    if form.is_submitted() and form.validate():
        upload = form.image.data
        submitted = upload.read(MAX_CREDENTIAL_BYTES + 1) if upload else form.credential.data
        if submitted:
            verdict = verify_credential(submitted, now=utcnow())
            if _wants_json():
                return _json(verdict.as_json())
        else:
            form.credential.errors = [gettext("Paste a credential or choose a badge image.")]
    status = 400 if form.errors else 200
    return render_template("lms/badges/verify.html", form=form, verdict=verdict), status

