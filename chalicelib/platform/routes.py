"""Routes: /health, /openapi.json."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import errors
from chalicelib.http import respond

bp = Blueprint(__name__)


@bp.route("/health", methods=["GET"])
def health() -> Response:
    """Liveness of the API and its table: one GetItem on a key that never exists."""
    from pynamodb.exceptions import DoesNotExist, PynamoDBException

    from chalicelib.core_table import CoreTable

    try:
        CoreTable.get("HEALTH", "HEALTH")
    except DoesNotExist:
        pass
    except PynamoDBException as exc:
        raise errors.ServiceUnavailable(errors.M("service.database")) from exc
    return respond({"status": "ok"})


@bp.route("/openapi.json", methods=["GET"])
def openapi() -> Response:
    from chalicelib.openapi import document

    return respond(document())
