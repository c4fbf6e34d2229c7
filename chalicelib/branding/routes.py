"""Routes: PUT, GET, DELETE /orgs/{org_id}/logo (PUT body: the raw PNG or JPEG)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth.access import Action, for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.branding import messages, service
from chalicelib.http import header, raw_body, respond

bp = Blueprint(__name__)

#: The types a logo may be sent as (both in ``app.api.binary_types``). Chalice would answer any
#: other Content-Type with 415 before the view runs, i.e. before the caller's access is known:
#: the route takes every type and the view checks it after the access check (a stranger gets 404,
#: a guest 403, whatever they send).
IMAGE_TYPES = ["image/png", "image/jpeg"]


def _lang(org_language: str) -> str:
    return messages.language(header(bp.current_request, "accept-language"), org_language)


@bp.route("/orgs/{org_id}/logo", methods=["PUT"], authorizer=jwt_auth, content_types=["*/*"])
def put_logo(org_id: str) -> Response:
    request = bp.current_request
    access = for_request(request, org_id).require(Action.WRITE)
    lang = _lang(access.org.language)
    content_type = (header(request, "content-type") or "").split(";")[0].strip().lower()
    if content_type not in IMAGE_TYPES:
        raise service.wrong_content_type(content_type or "none", lang)
    return respond(service.put(access, raw_body(request), lang))


@bp.route("/orgs/{org_id}/logo", methods=["GET"], authorizer=jwt_auth)
def get_logo(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    return respond(service.get(access, _lang(access.org.language)))


@bp.route("/orgs/{org_id}/logo", methods=["DELETE"], authorizer=jwt_auth)
def delete_logo(org_id: str) -> Response:
    access = for_request(bp.current_request, org_id)
    service.delete(access, _lang(access.org.language))
    return respond(None, status=204)
