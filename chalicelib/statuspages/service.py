"""Create, read, change and delete an org's status pages; notes for the public page.

Management routes name a page by its slug (the page's immutable identity). Components must
belong to the org; plan limits are checked atomically with the create (counters item).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import clock, db, errors, ids
from chalicelib.audit import service as audit_log
from chalicelib.auth.access import Access, Action
from chalicelib.billing.plans import limits_for
from chalicelib.orgs import counters
from chalicelib.statuspages.models import Note, StatusPage

if TYPE_CHECKING:  # request schemas (pydantic) stay off the cold-start path
    from chalicelib.statuspages.schemas import NoteIn, StatusPageIn, StatusPagePatch

#: Pages per plan (the trial may try one).
PAGE_LIMITS = {"trial": 1, "basic": 1, "professional": 5, "enterprise": 20}
MAX_NOTES = 20


def view(page: StatusPage) -> dict[str, Any]:
    return {
        "slug": page.slug,
        "title": page.title,
        "language": page.language,
        "endpoints": list(page.endpoints or []),
        "hosts": list(page.hosts or []),
        "show_response_times": bool(page.show_response_times),
        "notes": [{"id": n.note_id, "text": n.text, "posted_at": n.posted_at} for n in (page.notes or [])],
        "public_path": f"/status/{page.slug}",
        "created_at": clock.iso(page.created_at),
        "updated_at": clock.iso(page.updated_at),
    }


def _check_components(org_id: str, endpoint_ids: list[str], host_ids: list[str]) -> None:
    """Every component must exist in the org (a BatchGet per table); unknown ids name the field."""
    from chalicelib.hosts.models import Host
    from chalicelib.monitoring.models import Endpoint

    problems: dict[str, errors.Text] = {}
    if endpoint_ids:
        found = {e.endpoint_id for e in Endpoint.batch_get([Endpoint.key(org_id, e) for e in endpoint_ids])}
        if set(endpoint_ids) - found:
            problems["endpoints"] = errors.M("field.unknown_endpoint")
    if host_ids:
        found = {h.host_id for h in Host.batch_get([Host.key(org_id, h) for h in host_ids])}
        if set(host_ids) - found:
            problems["hosts"] = errors.M("field.unknown_host")
    if problems:
        raise errors.Unprocessable(errors.M("statuspages.unknown_components"), problems)


def _load(access: Access, slug: str) -> StatusPage:
    from pynamodb.exceptions import DoesNotExist

    if not (3 <= len(slug) <= 40) or not all(c.isalnum() or c == "-" for c in slug):
        raise errors.NotFound(errors.M("not_found.status_page"))
    try:
        page = StatusPage.get(*StatusPage.key(slug), consistent_read=True)
    except DoesNotExist:
        raise errors.NotFound(errors.M("not_found.status_page")) from None
    if page.org_id != access.org_id:  # another tenant's page: indistinguishable from none
        raise errors.NotFound(errors.M("not_found.status_page"))
    return page


def create(access: Access, body: StatusPageIn) -> dict[str, Any]:
    from pynamodb.exceptions import TransactWriteError

    access.require(Action.WRITE)
    _check_components(access.org_id, body.endpoints, body.hosts)
    plan = limits_for(access.org_id).plan
    limit = PAGE_LIMITS.get(plan, 1)
    now = clock.now()
    page = StatusPage(
        *StatusPage.key(body.slug),
        gsi1pk=StatusPage.org_partition(access.org_id),
        gsi1sk=f"{clock.iso(now)}#{body.slug}",
        slug=body.slug,
        org_id=access.org_id,
        title=body.title,
        language=body.language,
        endpoints=body.endpoints,
        hosts=body.hosts,
        show_response_times=body.show_response_times,
        notes=[],
        created_at=now,
        updated_at=now,
        created_by=access.principal.user_id,
    )
    entry = audit_log.entry(access, "status_page.created", body.slug, {"title": body.title})
    try:
        with db.transaction() as tx:
            tx.save(page, condition=StatusPage.pk.does_not_exist())
            counters.add_to(tx, access.org_id, "status_pages", 1, limit=limit)
            tx.save(entry)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc, 0):
            raise errors.FieldConflict(
                errors.M("conflict.slug_taken"), {"slug": errors.M("field.slug_taken")}
            ) from exc
        if db.cancelled_by_condition(exc):  # the counters update (updates follow puts)
            raise errors.Unprocessable(
                errors.M("limits.status_pages", max=limit, plan=plan),
                {"status_pages": errors.M("field.status_pages_max", max=limit, plan=plan)},
            ) from exc
        raise
    return view(page)


def list_pages(access: Access, limit: int, cursor: str | None) -> dict[str, Any]:
    access.require(Action.READ)
    scope = f"status-pages/{access.org_id}"
    query = StatusPage.by_org.query(
        StatusPage.org_partition(access.org_id),
        limit=limit,
        last_evaluated_key=db.decode_cursor(cursor, scope),
    )
    items, next_cursor = db.page(query, limit, scope)
    return {"items": [view(p) for p in items], "next": next_cursor}


def get(access: Access, slug: str) -> dict[str, Any]:
    access.require(Action.READ)
    return view(_load(access, slug))


def _save(access: Access, page: StatusPage, action: str, details: dict[str, Any]) -> None:
    """Write the changed page (optimistic version) with its audit entry; the public snapshot
    is dropped so the next visitor sees the change."""
    from pynamodb.exceptions import TransactWriteError

    expected = page.version
    page.version = expected + 1
    page.updated_at = clock.now()
    page.snapshot = None
    page.snapshot_at = None
    entry = audit_log.entry(access, action, page.slug, details)
    try:
        with db.transaction() as tx:
            tx.save(page, condition=StatusPage.version == expected)
            tx.save(entry)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc, 0):
            raise errors.Conflict(errors.M("conflict.status_page_changed")) from exc
        raise


def patch(access: Access, slug: str, body: StatusPagePatch) -> dict[str, Any]:
    access.require(Action.WRITE)
    page = _load(access, slug)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "endpoints" in changes or "hosts" in changes:
        _check_components(access.org_id, changes.get("endpoints", []), changes.get("hosts", []))
    for name, value in changes.items():
        setattr(page, name, value)
    _save(access, page, "status_page.updated", {"fields": sorted(changes)})
    return view(page)


def delete(access: Access, slug: str) -> None:
    from pynamodb.exceptions import TransactWriteError

    access.require(Action.WRITE)
    page = _load(access, slug)
    entry = audit_log.entry(access, "status_page.deleted", slug, {"title": page.title})
    try:
        with db.transaction() as tx:
            tx.delete(page, condition=StatusPage.pk.exists())
            counters.add_to(tx, access.org_id, "status_pages", -1)
            tx.save(entry)
    except TransactWriteError as exc:
        if db.cancelled_by_condition(exc, 0):
            raise errors.NotFound(errors.M("not_found.status_page")) from exc
        raise


def add_note(access: Access, slug: str, body: NoteIn) -> dict[str, Any]:
    access.require(Action.WRITE)
    page = _load(access, slug)
    notes = list(page.notes or [])
    notes.insert(0, Note(note_id=ids.new_id("n"), text=body.text, posted_at=clock.iso(clock.now())))
    page.notes = notes[:MAX_NOTES]  # the oldest fall off: the page shows recent news
    _save(access, page, "status_page.note_added", {"text": body.text[:200]})
    return view(page)


def delete_note(access: Access, slug: str, note_id: str) -> None:
    access.require(Action.WRITE)
    page = _load(access, slug)
    kept = [n for n in (page.notes or []) if n.note_id != note_id]
    if len(kept) == len(page.notes or []):
        raise errors.NotFound(errors.M("not_found.note"))
    page.notes = kept
    _save(access, page, "status_page.note_deleted", {"note": note_id})


def purge_org(org_id: str, deadline: float) -> bool:
    """Delete the org's pages (resumable; the slugs become free again)."""
    import time

    for page in StatusPage.by_org.query(StatusPage.org_partition(org_id), limit=50):
        if time.monotonic() > deadline:
            return False
        page.delete()
    return not any(True for _ in StatusPage.by_org.query(StatusPage.org_partition(org_id), limit=1))
