"""Routes: plan catalog, subscription, orders, invoices (billing role / paying org only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib import errors, idempotency, ratelimit
from chalicelib.auth.access import Access, Action, for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.http import header, listing, page_params, parse_body, respond

if TYPE_CHECKING:
    from chalicelib.billing.models import Invoice

bp = Blueprint(__name__)


@bp.route("/plans", methods=["GET"])
def get_plans() -> Response:
    from chalicelib.billing import catalog_view

    return respond(catalog_view.public_catalog())


@bp.route("/orgs/{org_id}/subscription", methods=["GET"], authorizer=jwt_auth)
def get_subscription(org_id: str) -> Response:
    from chalicelib.billing import holds, orders, subscriptions

    access = for_request(bp.current_request, org_id).require(Action.BILLING)
    sub = orders.load_subscription(access.org_id)
    return respond(subscriptions.view(sub, holds.view(holds.get(sub.payer_org_id))))


@bp.route("/orgs/{org_id}/subscription", methods=["DELETE"], authorizer=jwt_auth)
def cancel_subscription(org_id: str) -> Response:
    from chalicelib.billing import orders

    access = for_request(bp.current_request, org_id)
    status, body = orders.cancel(access, header(bp.current_request, "Idempotency-Key"))
    return respond(body, status=status)


@bp.route("/orgs/{org_id}/subscription/orders", methods=["POST"], authorizer=jwt_auth)
def order_plan(org_id: str) -> Response:
    from chalicelib.billing import orders
    from chalicelib.billing.schemas import OrderIn

    access = for_request(bp.current_request, org_id).require(Action.BILLING)
    body = parse_body(bp.current_request, OrderIn)
    status, out = orders.order(access, body, header(bp.current_request, "Idempotency-Key"))
    return respond(out, status=status)


@bp.route("/orgs/{org_id}/invoices", methods=["GET"], authorizer=jwt_auth)
def list_invoices(org_id: str) -> Response:
    from chalicelib.billing import invoices

    access = for_request(bp.current_request, org_id).require(Action.INVOICES)
    limit, cursor = page_params(bp.current_request)
    items, nxt = invoices.list_page(access.org_id, limit, cursor)
    return respond(listing([invoices.view(i) for i in items], nxt))


def _invoice_of(org_id: str, number: str) -> tuple[Access, Invoice]:
    """The invoice if the caller administers the paying org: 404 across tenants or for an unknown
    number, 403 for a role in the org that may not see invoices (as the list answers)."""
    from chalicelib.billing import invoices

    access = for_request(bp.current_request, org_id).require(Action.INVOICES)
    if len(number) > 40:
        raise errors.NotFound(errors.M("not_found.invoice"))
    invoice = invoices.get(access.org_id, number)
    if invoice is None:
        raise errors.NotFound(errors.M("not_found.invoice"))
    return access, invoice


@bp.route("/orgs/{org_id}/invoices/{number}", methods=["GET"], authorizer=jwt_auth)
def get_invoice(org_id: str, number: str) -> Response:
    from chalicelib.billing import invoices

    _, invoice = _invoice_of(org_id, number)
    return respond(invoices.view(invoice, with_urls=True))


@bp.route("/orgs/{org_id}/invoices/{number}/send", methods=["POST"], authorizer=jwt_auth)
def resend_invoice(org_id: str, number: str) -> Response:
    from chalicelib.billing import invoices

    access, invoice = _invoice_of(org_id, number)
    access.require(Action.WRITE)
    key = idempotency.validate_key(header(bp.current_request, "Idempotency-Key"), required=False)
    ratelimit.take("invoice_resend", access.org_id)  # every attempt counts, before any mail
    status, body = invoices.send_again(access, invoice, key)
    return respond(body, status=status)


@bp.route("/orgs/{org_id}/subscription/quote", methods=["POST"], authorizer=jwt_auth)
def quote_plan(org_id: str) -> Response:
    from chalicelib.billing import orders
    from chalicelib.billing.schemas import OrderIn

    access = for_request(bp.current_request, org_id).require(Action.BILLING)
    body = parse_body(bp.current_request, OrderIn)
    return respond(orders.quote(access, body))


@bp.route("/orgs/{org_id}/invoices/export", methods=["GET"], authorizer=jwt_auth)
def export_invoices(org_id: str) -> Response:
    """ZIP (PDF + XML of every invoice and credit note of the period + index.csv) or DATEV
    Buchungsstapel, as a presigned download URL; the paying org's admins only."""
    from chalicelib.billing import exports

    access = for_request(bp.current_request, org_id).require(Action.INVOICES)
    params: dict[str, str] = dict(bp.current_request.query_params or {})
    return respond(exports.export(access.org_id, params))
