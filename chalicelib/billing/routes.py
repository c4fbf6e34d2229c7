"""Routes: subscription of an org (billing role only)."""
from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import errors
from chalicelib.auth.access import Action, for_request
from chalicelib.auth.authorizer import jwt_auth
from chalicelib.billing import subscriptions
from chalicelib.billing.models import Subscription
from chalicelib.http import respond

bp = Blueprint(__name__)


@bp.route("/orgs/{org_id}/subscription", methods=["GET"], authorizer=jwt_auth)
def get_subscription(org_id: str) -> Response:
    from pynamodb.exceptions import DoesNotExist

    access = for_request(bp.current_request, org_id).require(Action.BILLING)
    try:
        sub = Subscription.get(*Subscription.key(access.org_id))
    except DoesNotExist as exc:
        raise errors.NotFound("This organisation has no subscription.") from exc
    return respond(subscriptions.view(sub))
