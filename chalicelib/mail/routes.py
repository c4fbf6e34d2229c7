"""Public routes: the confirmation link of an external recipient (``chalicelib.mail.recipients``)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.http import query_param

bp = Blueprint(__name__)

_HTML = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; form-action 'self'",
    "Referrer-Policy": "no-referrer",  # the token is in the URL
}


@bp.route("/recipients/confirm", methods=["GET"])
def recipient_page() -> Response:
    from chalicelib.mail import recipients

    _, body = recipients.page(query_param(bp.current_request, "token"))
    return Response(body=body, status_code=200, headers=dict(_HTML))


@bp.route(
    "/recipients/confirm",
    methods=["POST"],
    content_types=["application/x-www-form-urlencoded", "application/json", "text/plain"],
)
def confirm_recipient() -> Response:
    from chalicelib import ratelimit
    from chalicelib.http import client_ip
    from chalicelib.mail import recipients

    request = bp.current_request
    ratelimit.take("recipient_confirm_ip", client_ip(request))
    _, body = recipients.confirm(query_param(request, "token"))
    return Response(body=body, status_code=200, headers=dict(_HTML))
