"""Routes: PUT, GET, DELETE /orgs/{org_id}/logo (PUT body: the raw PNG or JPEG)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth.access import Action, for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.branding import messages, service
from chalicelib.http import header, raw_body, respond

bp = Blueprint(__name__)

#: Chalice answers any other Content-Type with 415 before the view runs (problem+json via
#: ``http.response_middleware``); both types are in ``app.api.binary_types``.
IMAGE_TYPES = ["image/png", "image/jpeg"]


def _lang(org_language: str) -> str:
    return messages.language(header(bp.current_request, "accept-language"), org_language)


@bp.route("/orgs/{org_id}/logo", methods=["PUT"], authorizer=jwt_auth, content_types=IMAGE_TYPES)
def put_logo(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id).require(Action.WRITE)
    data = raw_body(bp.current_request)
    return respond(service.put(access, data, _lang(access.org.language)))


@bp.route("/orgs/{org_id}/logo", methods=["GET"], authorizer=jwt_auth)
def get_logo(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    return respond(service.get(access, _lang(access.org.language)))


@bp.route("/orgs/{org_id}/logo", methods=["DELETE"], authorizer=jwt_auth)
def delete_logo(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    service.delete(access, _lang(access.org.language))
    return respond(None, status=204)
