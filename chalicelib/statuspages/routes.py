"""Routes: /orgs/{org_id}/status-pages[/{slug}[/notes[/{note_id}]]] and the public /status/{slug}."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth.access import Action, for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.http import page_params, parse_body, respond
from chalicelib.statuspages import service

bp = Blueprint(__name__)


@bp.route("/orgs/{org_id}/status-pages", methods=["GET"], authorizer=jwt_auth)
def list_status_pages(org_id: str) -> Response:
    request = bp.current_request
    access = for_request(request, org_id)
    limit, cursor = page_params(request)
    return respond(service.list_pages(access, limit, cursor))


@bp.route("/orgs/{org_id}/status-pages", methods=["POST"], authorizer=jwt_auth)
def create_status_page(org_id: str) -> Response:
    from chalicelib.statuspages.schemas import StatusPageIn

    request = bp.current_request
    access = for_request(request, org_id).require(Action.WRITE)
    body = parse_body(request, StatusPageIn)
    return respond(service.create(access, body), status=201)


@bp.route("/orgs/{org_id}/status-pages/{slug}", methods=["GET"], authorizer=jwt_auth)
def get_status_page(org_id: str, slug: str) -> Response:
    return respond(service.get(for_request(bp.current_request, org_id), slug))


@bp.route("/orgs/{org_id}/status-pages/{slug}", methods=["PATCH"], authorizer=jwt_auth)
def update_status_page(org_id: str, slug: str) -> Response:
    from chalicelib.statuspages.schemas import StatusPagePatch

    request = bp.current_request
    access = for_request(request, org_id).require(Action.WRITE)
    body = parse_body(request, StatusPagePatch)
    return respond(service.patch(access, slug, body))


@bp.route("/orgs/{org_id}/status-pages/{slug}", methods=["DELETE"], authorizer=jwt_auth)
def delete_status_page(org_id: str, slug: str) -> Response:
    access = for_request(bp.current_request, org_id).require(Action.WRITE)
    service.delete(access, slug)
    return respond(None, status=204)


@bp.route("/orgs/{org_id}/status-pages/{slug}/notes", methods=["POST"], authorizer=jwt_auth)
def add_status_note(org_id: str, slug: str) -> Response:
    from chalicelib.statuspages.schemas import NoteIn

    request = bp.current_request
    access = for_request(request, org_id).require(Action.WRITE)
    body = parse_body(request, NoteIn)
    return respond(service.add_note(access, slug, body), status=201)


@bp.route("/orgs/{org_id}/status-pages/{slug}/notes/{note_id}", methods=["DELETE"], authorizer=jwt_auth)
def delete_status_note(org_id: str, slug: str, note_id: str) -> Response:
    access = for_request(bp.current_request, org_id).require(Action.WRITE)
    service.delete_note(access, slug, note_id)
    return respond(None, status=204)


@bp.route("/status/{slug}", methods=["GET"])
def public_status_page(slug: str) -> Response:
    from chalicelib.statuspages import public

    # CloudFront and browsers may keep it as long as the server does
    return respond(public.view(slug), headers={"Cache-Control": f"public, max-age={public.TTL_S}"})
