"""PyLTI1p3's tool configuration, read from the registrations in the database."""

from __future__ import annotations

from typing import Any

from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import select

from lms.db import db
from lms.lti.keys import tool_key
from lms.lti.models import LtiRegistration


def find_registration(issuer: str, client_id: str | None) -> LtiRegistration | None:
    """The registration of ``issuer`` and ``client_id``; without a client id (the platform
    may leave it out of the login request), the issuer's only registration."""
    query = select(LtiRegistration).where(LtiRegistration.issuer == issuer)
    if client_id:
        query = query.where(LtiRegistration.client_id == client_id)
    rows = db.session.scalars(query.limit(2)).all()
    return rows[0] if len(rows) == 1 else None


def pylti_registration(row: LtiRegistration) -> Registration:
    key = tool_key()
    return (Registration().set_issuer(row.issuer).set_client_id(row.client_id)
            .set_auth_login_url(row.auth_login_url).set_auth_token_url(row.auth_token_url)
            .set_key_set_url(row.key_set_url).set_tool_private_key(key.private_pem)
            .set_tool_public_key(key.public_pem))


class DatabaseToolConf(ToolConfAbstract):  # type: ignore[type-arg]
    """Every issuer may have several client ids. (The stock class keeps the issuer's relation
    type in a dict shared by all instances; answering directly avoids that state.)"""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Any:
        row = find_registration(iss, None)
        return pylti_registration(row) if row else None

    def find_registration_by_params(self, iss: str, client_id: str | None, *args: Any,
                                    **kwargs: Any) -> Any:
        row = find_registration(iss, client_id)
        return pylti_registration(row) if row else None

    def find_deployment(self, iss: str, deployment_id: str) -> Any:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str | None,
                                  *args: Any, **kwargs: Any) -> Any:
        row = find_registration(iss, client_id)
        if row is None or not deployment_id or deployment_id not in row.deployments:
            return None
        return Deployment().set_deployment_id(deployment_id)
