"""Platform-operator commands (not reachable through the API).

    python -m chalicelib.admin grant-partner ORG_ID
    python -m chalicelib.admin revoke-partner ORG_ID
    python -m chalicelib.admin create-org --name NAME --admin-email EMAIL [--partner]
    python -m chalicelib.admin cancel-invoice NUMBER [--reissue]
    python -m chalicelib.admin export-ledger --month YYYY-MM [--out FILE.csv]
    python -m chalicelib.admin export-documents --month YYYY-MM --out FILE.zip

They use the same settings as the API (table prefix, region, user pool from the environment).
"""

from __future__ import annotations

import argparse
import sys

from chalicelib import clock, db, errors
from chalicelib.audit import service as audit_log
from chalicelib.billing import subscriptions
from chalicelib.orgs import queries as orgs
from chalicelib.orgs.models import Org
from chalicelib.team import queries as team
from chalicelib.team.models import Membership

OPERATOR = "operator"


def _org(org_id: str) -> Org:
    from pynamodb.exceptions import DoesNotExist

    try:
        org = Org.get(*Org.key(org_id))
    except DoesNotExist as exc:
        raise errors.NotFound(errors.M("admin.no_org", org_id=org_id)) from exc
    if org.status != "active":
        raise errors.NotFound(errors.M("admin.org_deleting", org_id=org_id))
    return org


def _set_kind(org: Org, kind: str, action: str) -> None:
    """Change an active org's kind and audit it as the operator, in one transaction."""
    entry = audit_log.build(
        org_id=org.org_id,
        actor_id=OPERATOR,
        actor_email=None,
        actor_role=OPERATOR,
        actor_org_id=OPERATOR,
        action=action,
        target=org.org_id,
    )
    with db.transaction() as tx:
        tx.update(org, actions=[Org.kind.set(kind)], condition=Org.status == "active")
        tx.save(entry)
    org.kind = kind


def grant_partner(org_id: str) -> Org:
    """Make an org a partner; a linked customer cannot become one (it has a partner)."""
    org = _org(org_id)
    if org.partner_id:
        raise errors.Conflict(errors.M("conflict.linked_cannot_be_partner"))
    _set_kind(org, "partner", "org.partner_granted")
    return org


def revoke_partner(org_id: str) -> Org:
    org = _org(org_id)
    if orgs.has_customers(org_id):
        raise errors.Conflict(errors.M("conflict.partner_has_customers"))
    _set_kind(org, "customer", "org.partner_revoked")
    return org


def create_org(
    name: str,
    admin_email: str,
    password: str | None = None,
    partner: bool = False,
    language: str = "de",
    *,
    billing_email: str | None = None,
    vat_id: str | None = None,
    address: dict[str, str] | None = None,
) -> tuple[Org, str]:
    """An independent org with one admin (new pool user, permanent password if given)."""
    from chalicelib.auth import cognito
    from chalicelib.orgs.service import _new_org

    admin_email = admin_email.lower()
    temp = password or cognito.temporary_password()
    user_id = cognito.create_user(admin_email, temp, permanent=password is not None)
    now = clock.now()
    org = _new_org(
        name,
        "partner" if partner else "customer",
        None,
        "vendor",
        language,
        None,
        billing_email or admin_email,
        vat_id,
        now,
        OPERATOR,
        1,
    )
    if address:
        from chalicelib.orgs.models import Address

        org.address = Address(**address)
    with db.transaction() as tx:
        tx.save(org, condition=Org.pk.does_not_exist())
        tx.save(Membership.build(org.org_id, user_id, admin_email, "admin", now, OPERATOR))
        team.save_new_user(tx, user_id, admin_email, now)
        tx.save(subscriptions.new_trial(org.org_id, org.org_id, now))
        tx.save(
            audit_log.build(
                org_id=org.org_id,
                actor_id=OPERATOR,
                actor_email=None,
                actor_role=OPERATOR,
                actor_org_id=OPERATOR,
                action="org.created",
                target=org.org_id,
                details={"name": name, "partner": partner},
            )
        )
    if billing_email and billing_email.lower() != admin_email:
        from chalicelib.mail import recipients

        recipients.trust(billing_email, org.org_id)  # entered by the operator, not by a caller
    return org, temp


def add_user(org_id: str, email: str, role: str, password: str) -> str:
    """Operator/demo path: a user with a permanent password joins an org (no invitation)."""
    from chalicelib.auth import cognito

    org = _org(org_id)
    email = email.lower()
    user_id = cognito.create_user(email, password, permanent=True)
    now = clock.now()
    with db.transaction() as tx:
        tx.save(
            Membership.build(org_id, user_id, email, role, now, OPERATOR),
            condition=Membership.pk.does_not_exist(),
        )
        team.save_new_user(tx, user_id, email, now)
        if role == "admin":
            tx.update(org, actions=[Org.admin_count.add(1)], condition=Org.status == "active")
        tx.save(
            audit_log.build(
                org_id=org_id,
                actor_id=OPERATOR,
                actor_email=None,
                actor_role=OPERATOR,
                actor_org_id=OPERATOR,
                action="member.added",
                target=user_id,
                details={"email": email, "role": role},
            )
        )
    return user_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chalicelib.admin",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grant-partner", help="make an organisation a partner")
    g.add_argument("org_id")
    r = sub.add_parser("revoke-partner", help="take partner status away (no customers left)")
    r.add_argument("org_id")
    c = sub.add_parser("create-org", help="create an organisation with its first admin")
    c.add_argument("--name", required=True)
    c.add_argument("--admin-email", required=True)
    c.add_argument("--partner", action="store_true")
    c.add_argument("--language", choices=["de", "en"], default="de")
    x = sub.add_parser(
        "cancel-invoice",
        help="cancel an invoice with a full credit note (type 381); --reissue: and issue it again "
        "with the paying org's current data (corrected invoice)",
    )
    x.add_argument("number")
    x.add_argument("--reissue", action="store_true")
    e = sub.add_parser("export-ledger", help="the sales ledger of a month (CSV, credit notes negative)")
    e.add_argument("--month", required=True)
    e.add_argument("--out", help="file to write (default: standard output)")
    d = sub.add_parser("export-documents", help="every invoice and credit note of a month (ZIP)")
    d.add_argument("--month", required=True)
    d.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command in ("export-ledger", "export-documents"):
            from chalicelib.billing import exports

            docs = exports.documents_of_month(*exports.month_of(args.month))
            if args.command == "export-ledger":
                data = exports.ledger_csv(docs)
                if not args.out:
                    sys.stdout.write(data.decode("utf-8-sig"))
                    return 0
            else:
                data = exports.zip_of(docs)
            with open(args.out, "wb") as out:
                out.write(data)
            print(f"{len(docs)} documents of {args.month} written to {args.out}")
        elif args.command == "cancel-invoice":
            from chalicelib.billing import credit_notes

            note, corrected = credit_notes.cancel(args.number, clock.now(), reissue=args.reissue)
            print(
                f"{args.number} cancelled by credit note {note.number} ({note.gross} {note.currency} gross)"
            )
            if corrected is not None:
                print(f"corrected invoice {corrected.number} ({corrected.gross} {corrected.currency} gross)")
        elif args.command == "grant-partner":
            org = grant_partner(args.org_id)
            print(f"{org.org_id} {org.name}: partner")
        elif args.command == "revoke-partner":
            org = revoke_partner(args.org_id)
            print(f"{org.org_id} {org.name}: customer")
        else:
            org, temp = create_org(args.name, args.admin_email, partner=args.partner, language=args.language)
            print(
                f"{org.org_id} {org.name} created; admin {args.admin_email}, "
                f"temporary password (change at first login): {temp}"
            )
    except errors.VigilError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
