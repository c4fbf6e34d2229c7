"""English server messages. Same keys and placeholders as ``de.py`` (tests/i18n/test_catalog.py).

Keys: ``title.<status>`` problem titles; ``field.<code>`` a field's problem (``code`` is the
stable machine code in ``errors[].code``); other keys are a problem's ``detail`` (and its
``code`` member)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # problem titles
    "title.400": "Bad Request",
    "title.401": "Unauthorized",
    "title.403": "Forbidden",
    "title.404": "Not Found",
    "title.405": "Method Not Allowed",
    "title.409": "Conflict",
    "title.413": "Content Too Large",
    "title.414": "URI Too Long",
    "title.415": "Unsupported Media Type",
    "title.422": "Unprocessable Content",
    "title.429": "Too Many Requests",
    "title.431": "Request Header Fields Too Large",
    "title.500": "Internal Server Error",
    "title.501": "Not Implemented",
    "title.503": "Service Unavailable",
    "title.505": "HTTP Version Not Supported",
    "validation.summary": "The input is invalid.",
    # field problems: pydantic's error types
    "field.required": "field required",
    "field.unknown_field": "unknown field",
    "field.string_expected": "must be a string",
    "field.string_too_short": "must have at least {min_length} characters",
    "field.string_too_long": "must have at most {max_length} characters",
    "field.pattern_mismatch": "has an invalid format",
    "field.integer_expected": "must be a whole number",
    "field.number_expected": "must be a number",
    "field.decimal_max_digits": "must have at most {max_digits} digits",
    "field.decimal_max_places": "must have at most {decimal_places} decimal places",
    "field.decimal_whole_digits": "must have at most {whole_digits} digits before the decimal point",
    "field.boolean_expected": "must be true or false",
    "field.greater_than": "must be greater than {gt}",
    "field.greater_than_equal": "must be at least {ge}",
    "field.less_than": "must be less than {lt}",
    "field.less_than_equal": "must be at most {le}",
    "field.multiple_of": "must be a multiple of {multiple_of}",
    "field.one_of": "must be one of: {expected}",
    "field.list_expected": "must be a list",
    "field.too_few_items": "must have at least {min_length} entries",
    "field.too_many_items": "must have at most {max_length} entries",
    "field.object_expected": "must be an object",
    "field.datetime_expected": "must be an ISO-8601 date-time",
    "field.timezone_required": "must be an ISO-8601 timestamp with time zone",
    "field.date_expected": "must be a date (YYYY-MM-DD)",
    "field.url_invalid": "must be a valid URL",
    "field.json_invalid": "invalid JSON",
    "field.invalid": "is invalid",
    "field.email_invalid": "value is not a valid email address",
    # field problems: our own rules
    "field.country_invalid": "must be an ISO 3166-1 alpha-2 country code such as DE or AT",
    "field.vat_prefix": "must start with an EU country prefix such as DE, AT or FR",
    "field.vat_invalid": "is not a valid VAT identification number for {prefix}",
    "field.leitweg_checksum": "looks like a Leitweg-ID but its check digits are wrong",
    "field.leitweg_invalid": (
        "looks like a Leitweg-ID but is not one: 2–12 digits (starting with a state code 01–16 "
        "or 99), optionally up to 30 letters or digits, then 2 check digits, separated by dashes"
    ),
    "field.control_characters": "must not contain control characters or line breaks",
    "field.not_before_2000": "must not be before 2000-01-01T00:00:00Z",
    "field.at_most_a_day_ahead": "must not be more than a day ahead",
    "field.too_far_ahead": "is too far ahead",
    "field.not_in_future": "must not be in the future",
    "field.password_policy": "password needs {requirements}",
    "field.password_rejected": "password does not meet the policy",
    "field.login_name_invalid": "cannot be used as a login name",
    "field.status_range": "expected_status_min must not exceed expected_status_max",
    "field.maintenance_timezone": "starts_at and ends_at need a time zone (e.g. Z)",
    "field.maintenance_order": "ends_at must be after starts_at",
    "field.support_url": "must be an http(s) URL such as https://example.com/support",
    "field.memory_available": "available_bytes exceeds total_bytes",
    "field.swap_free": "free_bytes exceeds total_bytes",
    "field.disk_used_free": "used_bytes and free_bytes cannot exceed total_bytes",
    "field.time_zone": "must be an IANA time zone such as Europe/Berlin",
    "field.url_required": "a URL is required",
    "field.url_too_long": "must be at most {max_length} characters",
    "field.url_spaces": "must not contain spaces or control characters",
    "field.url_scheme": "only http and https URLs can be monitored",
    "field.url_credentials": "credentials in URLs are not accepted",
    "field.url_no_host": "the URL has no host",
    "field.url_port": "invalid port",
    "field.url_scoped_ipv6": "scoped IPv6 addresses are not allowed",
    "field.url_forbidden_address": "{addr} is an internal or reserved address and cannot be monitored",
    "field.url_host_invalid": "invalid host name: {host}",
    "field.url_not_canonical_ip": "{host} is not a canonical IP address",
    "field.url_not_canonical_ip_write": "{host} is not a canonical IP address (write {literal})",
    "field.url_internal_name": "{host} is an internal name",
    "field.url_not_fqdn": "{host} is not a fully qualified host name",
    "field.url_unresolvable": "{host} does not resolve",
    "field.body_required": "a JSON object is required",
    "field.json_too_deep": "JSON is nested deeper than {depth} levels",
    "field.no_change": "no field to change",
    "field.not_null": "cannot be null",
    "field.from_not_after_to": "must not be after to",
    "field.from_before_to": "must be before to",
    "field.to_after_from": "must be after from",
    "field.range_max_days": "the range may span at most {days} days",
    "field.report_max_days": "a report covers at most {days} days",
    "field.language_mismatch": "does not match the report data",
    "field.limit_range": "must be an integer from 1 to {max}",
    "field.cursor_invalid": "invalid cursor",
    "field.partner_ambiguous": "you administer several partner organisations: name the one to act from",
    "field.idempotency_key_required": "header required for this request",
    "field.idempotency_key_format": "1 to {max_length} visible ASCII characters",
    "field.idempotency_key_reused": "reused with a different request",
    "field.interval_min": "at least {min}",
    "field.endpoints_max": "at most {max} on the {plan} plan",
    "field.linked_only": "only for linked customer organisations",
    "field.no_such_target": "no such {type}",
    "field.required_for_invoicing": "required for invoicing",
    "field.vat_required_for": "required for buyers in {country}",
    "field.hosts_quota": "quota of {max} reached",
    # password requirements (joined into field.password_policy)
    "password.length": "at least 10 characters",
    "password.lower": "a lower-case letter",
    "password.upper": "an upper-case letter",
    "password.digit": "a digit",
    "password.symbol": "a symbol",
    # words used as parameters
    "word.monthly": "monthly",
    "word.yearly": "yearly",
    "word.endpoint": "endpoint",
    "word.host": "host",
    # authentication
    "auth.token_required": "A valid bearer token is required.",
    "auth.bad_login": "Incorrect e-mail address or password.",
    "auth.too_many_attempts": "Too many attempts; please wait a moment.",
    "auth.identity_unavailable": "The identity service is unavailable.",
    "auth.unsupported_challenge": "Unsupported login challenge {challenge}.",
    "auth.session_expired": "The login session is invalid or expired; log in again.",
    "auth.password_not_accepted": "The password change was not accepted.",
    "auth.user_exists": "A user with this e-mail address exists already.",
    "auth.agent_token_required": "A valid agent token is required.",
    # roles
    "access.read_only": "Guests have read-only access.",
    "access.billing": (
        "Only the billing role of this organisation (the partner for a linked customer, otherwise "
        "its administrators) may do this."
    ),
    "access.invoices": "Invoices are visible to administrators of the paying organisation only.",
    "access.create_customer": "Only administrators of a partner organisation can create customer organisations.",
    "access.delete_org": "Only the partner can delete a linked customer organisation.",
    "access.support_write": "Only administrators of a partner organisation can change its support contact.",
    "access.support_by": "Only the partner decides who supports a linked customer.",
    "access.audit": "The audit log is visible to administrators and the partner.",
    "access.role": "The role {role} may not do this.",
    "access.partner_only": "Only partner organisations have linked customers.",
    # not found
    "not_found.org": "Organisation not found.",
    "not_found.endpoint": "Endpoint not found.",
    "not_found.member": "Member not found.",
    "not_found.invoice": "Invoice not found.",
    "not_found.subscription": "This organisation has no subscription.",
    "not_found.host": "Host not found.",
    "not_found.report": "Report not found.",
    "not_found.schedule": "Report schedule not found.",
    # conflicts
    "conflict.endpoint_changed": "The endpoint was changed or deleted meanwhile; reload and retry.",
    "conflict.org_changed": "The organisation was changed or deleted meanwhile; reload it and try again.",
    "conflict.member_exists": "{email} is a member of this organisation already.",
    "conflict.last_admin_demote": (
        "The last administrator of an organisation cannot be demoted; make someone else administrator first."
    ),
    "conflict.last_admin_remove": (
        "The last administrator of an organisation cannot be removed; make someone else administrator first."
    ),
    "conflict.idempotency_in_progress": "A request with this Idempotency-Key is still in progress.",
    "conflict.partner_gone": "The partner organisation of this customer no longer exists.",
    "conflict.same_plan": "The organisation is on the {plan} plan ({interval}) already.",
    "conflict.order_raced": (
        "The subscription changed while this order was processed; please retry with a new Idempotency-Key."
    ),
    "conflict.nothing_to_cancel": (
        "There is no paid subscription to cancel (status {status}); a trial ends by itself."
    ),
    "conflict.subscription_changed": "The subscription changed meanwhile; please retry.",
    "conflict.host_token_changed": (
        "The host changed meanwhile (deleted, or its token was rotated by someone else); reload and retry."
    ),
    "conflict.host_changed": "The host changed meanwhile; reload and retry.",
    "conflict.partner_has_customers": "the partner still has linked customers",
    "conflict.linked_cannot_be_partner": "a linked customer organisation cannot become a partner",
    # business rules
    "limits.interval": "interval_minutes must be at least {min} on the {plan} plan",
    "limits.endpoints": "plan limit reached: {max} endpoints on {plan}",
    "limits.hosts": (
        "The {plan} plan allows {max} hosts and this organisation has reached that number. "
        "Delete a host or order a larger plan."
    ),
    "limits.schedules": "An organisation can have at most {max} report schedules.",
    "orgs.support_by_linked_only": "Only linked customer organisations have a support choice.",
    "billing.address_country": (
        "The paying organisation needs a postal address with a country before it can order "
        "(it is printed on the invoice and decides the VAT treatment)."
    ),
    "billing.vat_required": (
        "Buyers in {country} need a VAT identification number: the service is invoiced under the "
        "reverse-charge procedure. Add vat_id to the paying organisation's profile."
    ),
    "billing.address_city": (
        "The paying organisation's postal address needs a post code and a city before it can "
        "order (§ 14 UStG; the e-invoice carries them)."
    ),
    "billing.billing_email": (
        "The paying organisation needs a billing e-mail before it can order: invoices are sent "
        "there, and the e-invoice names it as the buyer's electronic address. Add billing_email "
        "to the paying organisation's profile."
    ),
    "idempotency.reused": "This Idempotency-Key was used with a different request body.",
    "reports.no_such_target": "There is no {type} {id} in this organisation.",
    "admin.no_org": "no organisation {org_id}",
    "admin.org_deleting": "organisation {org_id} is being deleted",
    # limits of the service
    "rate.reports": "Too many reports were requested for this organisation; please try again later.",
    "rate.invites": "Too many members were added to this organisation; please try again later.",
    "rate.logins": "Too many failed logins; please try again later.",
    "heartbeat.too_often": "At most one heartbeat per host every {seconds} seconds.",
    "heartbeat.too_large": "heartbeat is larger than {max_bytes} bytes",
    "body.too_large": "request body is larger than {max_bytes} bytes",
    "service.busy": "A backing service is busy; please retry.",
    "service.database": "The database is not reachable.",
    "service.unexpected": "An unexpected error occurred.",
    "http.transfer_encoding": "Transfer-Encoding {encoding} is not supported.",
    # Chalice's own errors (by their Code)
    "framework.BadRequestError": "The request could not be read.",
    "framework.MethodNotAllowedError": "This method is not allowed for this resource.",
    "framework.UnsupportedMediaType": "This content type is not supported.",
    "framework.NotFoundError": "Not found.",
    "framework.ForbiddenError": "Missing or unknown route.",
    # added with the round-2 features (signup, MFA, reset, billing, status pages)
    "auth.mfa_required": "This organisation requires two-factor authentication: set it up under /me/mfa/setup first.",
    "rate.signup_ip": "Too many signups; please try again later.",
    "rate.signup_email": "Too many signups; please try again later.",
    "rate.signup_confirm_ip": "Too many confirmation attempts; please try again later.",
    "rate.signup_confirm_email": "Too many confirmation attempts; please try again later.",
    "rate.invoice_resend": "Too many invoice mails were sent for this organisation; please try again later.",
    "rate.recipients": "Too many recipient changes for this organisation; please try again later.",
    "rate.recipient_confirm_ip": "Too many confirmation attempts; please try again later.",
    "rate.forgot_email": "Too many password resets were requested; please try again later.",
    "rate.forgot_ip": "Too many password resets were requested; please try again later.",
    "rate.reset_email": "Too many reset attempts; please try again later.",
    "rate.reset_ip": "Too many reset attempts; please try again later.",
    "rate.mfa_user": "Too many authentication codes were tried; please try again later.",
    # added for the round-2 raise sites (MFA, sessions, credit notes, exports, partner alerts, status pages)
    "auth.mfa_disable_first": "Two-factor authentication is enabled already; disable it first.",
    "auth.mfa_already_enabled": "Two-factor authentication is enabled already.",
    "auth.mfa_no_pending_setup": "No set-up is waiting for its code (or it expired); start the set-up again.",
    "auth.mfa_not_enabled": "Two-factor authentication is not enabled.",
    "auth.mfa_code_wrong": "Incorrect authentication code.",
    "auth.session_ended": "This session has ended (the password was changed); log in again.",
    "field.code_mismatch": "the code does not match",
    "field.code_wrong_or_expired": "wrong or expired",
    "signup.code_wrong_or_expired": "The code is wrong or expired; sign up again to get a new one.",
    "not_found.invoice_number": "no invoice {number}",
    "not_found.payer": "the paying organisation {org_id} no longer exists",
    "billing.credit_note_not_cancellable": "{number} is a credit note; only invoices can be cancelled",
    "billing.already_cancelled": "{number} was already cancelled by {cancelled_by}",
    "billing.cancelled_concurrently": "{number} was cancelled concurrently",
    "billing.quote_changed": (
        "The order would now bill {gross} {currency} gross, not the {expected} confirmed (price, date or "
        "tax data changed). Nothing was billed; please confirm the new quote."
    ),
    "billing.month_format": "month must be YYYY-MM",
    "field.date_required": "required (YYYY-MM-DD)",
    "field.digits_range": "must be {min}–{max} digits",
    "field.datev_one_year": "a DATEV batch covers one calendar (fiscal) year",
    "access.partner_alerts": "Only administrators of a partner organisation manage its partner alerts.",
    "field.customers_required": "name at least one customer for mode selected",
    "incidents.foreign_customers": "customer_ids must be linked customers of this partner",
    "field.not_partner_customer": "not a customer of this partner: {ids}",
    "field.subject_format": "must be endpoint:<id> or host:<id>",
    "field.token_unknown": "unknown or expired",
    "recipients.link_invalid": "The link is invalid or expired.",
    "conflict.paid_subscription": (
        "{name} has a paid subscription ({plan}, {interval}) until {last}. Deleting the organisation "
        "ends it: the {days} unused whole days from {first} are credited to the paying organisation "
        'with a credit note. Repeat the request with {{"confirm_paid_subscription": true}} to proceed.'
    ),
    "conflict.org_or_subscription_changed": "The organisation or its subscription changed meanwhile; please try again.",
    "field.name_prefix": "a name prefix of at most {max} characters without #",
    "orgs.mfa_self_first": "Set up two-factor authentication for yourself before requiring it.",
    "field.mfa_self_first": "enable your own two-factor authentication first",
    "not_found.status_page": "Status page not found.",
    "not_found.note": "Note not found.",
    "field.id_invalid": "contains an id that is not valid",
    "field.components_duplicate": "lists each component once",
    "field.slug_format": "3–40 characters a-z, 0-9 and '-', not starting or ending with '-'",
    "field.slug_reserved": "is a reserved word",
    "field.plain_text": "must be plain text (no HTML)",
    "statuspages.unknown_components": "Unknown components.",
    "field.unknown_endpoint": "names an endpoint that does not exist in this organisation",
    "field.unknown_host": "names a host that does not exist in this organisation",
    "conflict.slug_taken": "This address is already taken.",
    "limits.status_pages": "plan limit reached: {max} status pages on {plan}",
    "field.status_pages_max": "at most {max} on the {plan} plan",
    "conflict.status_page_changed": "The status page was changed at the same time; please retry.",
    # added with the round-2 features (signup, MFA, reset, billing, status pages)
    "field.slug_taken": "is already taken",
}

PLURALS: dict[str, dict[str, str]] = {
    "checks": {"one": "{n} check", "other": "{n} checks"},
    "days": {"one": "{n} day", "other": "{n} days"},
    "hours": {"one": "{n} hour", "other": "{n} hours"},
    "minutes": {"one": "{n} minute", "other": "{n} minutes"},
    "seconds": {"one": "{n} second", "other": "{n} seconds"},
    "endpoints": {"one": "{n} endpoint", "other": "{n} endpoints"},
    "hosts": {"one": "{n} host", "other": "{n} hosts"},
    "incidents": {"one": "{n} incident", "other": "{n} incidents"},
}
