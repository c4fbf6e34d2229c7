"""Request bodies of the endpoint routes (pydantic, unknown fields rejected)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from chalicelib import errors
from chalicelib.validation import Email, Name, PlannedInstant, ShortText, Strict

DEFAULT_CERT_WARN_DAYS = [30, 14, 7, 1]


def _url(value: str) -> str:
    from chalicelib import netguard

    try:
        return netguard.normalize_url(value)
    except netguard.Refused as exc:
        raise exc


MonitoredUrl = Annotated[str, Field(max_length=4096), AfterValidator(_url)]


class AvailabilityIn(Strict):
    expected_status_min: int = Field(200, ge=100, le=599)
    expected_status_max: int = Field(399, ge=100, le=599)
    keyword: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    keyword_mode: Literal["present", "absent"] = "present"
    max_response_ms: int | None = Field(None, ge=50, le=10000)

    @model_validator(mode="after")
    def _range(self) -> AvailabilityIn:
        if self.expected_status_min > self.expected_status_max:
            raise errors.Invalid("status_range")
        return self


class CertificateIn(Strict):
    enabled: bool = True
    warn_days: list[Annotated[int, Field(ge=1, le=365)]] = Field(
        default_factory=lambda: list(DEFAULT_CERT_WARN_DAYS), min_length=1, max_length=6
    )

    @field_validator("warn_days")
    @classmethod
    def _sorted(cls, value: list[int]) -> list[int]:
        return sorted(set(value), reverse=True)


class ToggleIn(Strict):
    enabled: bool = True


class ChecksIn(Strict):
    availability: AvailabilityIn = Field(default_factory=AvailabilityIn)
    certificate: CertificateIn = Field(default_factory=CertificateIn)
    headers: ToggleIn = Field(default_factory=ToggleIn)
    dns: ToggleIn = Field(default_factory=ToggleIn)


class WindowIn(Strict):
    starts_at: PlannedInstant
    ends_at: PlannedInstant
    reason: ShortText | None = None

    @model_validator(mode="after")
    def _order(self) -> WindowIn:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise errors.Invalid("maintenance_timezone")
        if self.ends_at <= self.starts_at:
            raise errors.Invalid("maintenance_order")
        return self


class AlertIn(Strict):
    consecutive_failures: int = Field(2, ge=1, le=10)
    recipients: list[Email] = Field(default_factory=list, max_length=20)
    webhook_url: MonitoredUrl | None = None


class EndpointIn(Strict):
    name: Name
    url: MonitoredUrl
    interval_minutes: Literal[1, 5, 15, 60] = 5
    checks: ChecksIn = Field(default_factory=ChecksIn)
    maintenance_windows: list[WindowIn] = Field(default_factory=list, max_length=20)
    alert: AlertIn = Field(default_factory=AlertIn)
    sla_target: Decimal = Field(Decimal("99.9"), ge=Decimal("50"), le=Decimal("100"), decimal_places=3)
    paused: bool = False


class EndpointPatch(Strict):
    name: Name | None = None
    url: MonitoredUrl | None = None
    interval_minutes: Literal[1, 5, 15, 60] | None = None
    checks: ChecksIn | None = None
    maintenance_windows: list[WindowIn] | None = Field(None, max_length=20)
    alert: AlertIn | None = None
    sla_target: Decimal | None = Field(None, ge=Decimal("50"), le=Decimal("100"), decimal_places=3)
    paused: bool | None = None
