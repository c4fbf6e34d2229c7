"""Vigil API: builds the Chalice app and registers each domain's blueprint. Nothing else."""

from __future__ import annotations

from chalice import Chalice, CORSConfig

from chalicelib import http, settings
from chalicelib.audit.routes import bp as audit_routes
from chalicelib.auth.authorizer import auth_bp
from chalicelib.auth.routes import bp as auth_routes
from chalicelib.billing.jobs import bp as billing_jobs
from chalicelib.billing.routes import bp as billing_routes
from chalicelib.branding.routes import bp as branding_routes
from chalicelib.hosts.jobs import bp as host_jobs
from chalicelib.hosts.routes import bp as host_routes
from chalicelib.incidents.routes import bp as incident_routes
from chalicelib.mail.jobs import bp as mail_jobs
from chalicelib.mail.routes import bp as mail_routes
from chalicelib.monitoring.jobs import bp as monitoring_jobs
from chalicelib.monitoring.routes import bp as monitoring_routes
from chalicelib.orgs.jobs import bp as org_jobs
from chalicelib.orgs.routes import bp as org_routes
from chalicelib.platform.routes import bp as platform_routes
from chalicelib.reports.jobs import bp as report_jobs
from chalicelib.reports.routes import bp as report_routes
from chalicelib.statuspages.routes import bp as status_page_routes
from chalicelib.support.routes import bp as support_routes
from chalicelib.team.routes import bp as team_routes

app = Chalice(app_name="vigil")
app.api.binary_types.extend(["image/png", "image/jpeg", "application/pdf"])
app.api.cors = CORSConfig(
    allow_origin=settings.cors_primary_origin(),
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Accept-Language"],
    expose_headers=["Retry-After", "Location"],
    max_age=600,
)
app.register_middleware(http.response_middleware, "http")

BLUEPRINTS = (
    auth_bp,
    auth_routes,
    org_routes,
    team_routes,
    billing_routes,
    incident_routes,
    platform_routes,
    mail_jobs,
    mail_routes,
    report_routes,
    report_jobs,
    host_routes,
    host_jobs,
    audit_routes,
    branding_routes,
    support_routes,
    org_jobs,
    monitoring_routes,
    monitoring_jobs,
    billing_jobs,
    status_page_routes,
)
for blueprint in BLUEPRINTS:
    app.register_blueprint(blueprint)
http.guard_views(app)
