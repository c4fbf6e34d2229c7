"""Request bodies of the host API and of the agent heartbeat (bounded on every axis)."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from chalicelib import errors
from chalicelib.validation import Name, Strict

MAX_MOUNTS = 64
MAX_BYTES = 2**62  # 4 EiB: far beyond any real disk, far below DynamoDB's number range

Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Text = Annotated[str, StringConstraints(max_length=200)]
Bytes = Annotated[int, Field(ge=0, le=MAX_BYTES)]
Limit = Annotated[int, Field(ge=1, le=100)]


class HostCreate(Strict):
    name: Name
    tags: list[Tag] = Field(default_factory=list, max_length=20)


class HostPatch(Strict):
    name: Name | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    disk_limit: Limit | None = None  # alert when a mount is fuller than this percent
    memory_limit: Limit | None = None


class Measured(Strict):
    """Agent data: strict types (no "12" for 12, no true for 1)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class OsInfo(Measured):
    name: Text
    version: Text = ""
    kernel: Text = ""
    arch: Annotated[str, StringConstraints(max_length=32)] = ""


class Load(Measured):
    load1: Annotated[float, Field(ge=0, le=100_000)]
    load5: Annotated[float, Field(ge=0, le=100_000)]
    load15: Annotated[float, Field(ge=0, le=100_000)]


class Memory(Measured):
    total_bytes: Bytes
    available_bytes: Bytes

    @model_validator(mode="after")
    def _within_total(self) -> Memory:
        if self.available_bytes > self.total_bytes:
            raise errors.Invalid("memory_available")
        return self


class Swap(Measured):
    total_bytes: Bytes
    free_bytes: Bytes

    @model_validator(mode="after")
    def _within_total(self) -> Swap:
        if self.free_bytes > self.total_bytes:
            raise errors.Invalid("swap_free")
        return self


class Disk(Measured):
    mount: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    fs: Annotated[str, StringConstraints(max_length=64)] = ""
    total_bytes: Bytes
    used_bytes: Bytes
    free_bytes: Bytes

    @model_validator(mode="after")
    def _within_total(self) -> Disk:
        if self.used_bytes > self.total_bytes or self.free_bytes > self.total_bytes:
            raise errors.Invalid("disk_used_free")
        return self


class Heartbeat(Measured):
    """What the agent posts every interval. The host is decided by the token alone."""

    agent_version: Annotated[str, StringConstraints(max_length=32)] = ""
    interval_s: Annotated[int, Field(ge=1, le=3600)] = 60
    hostname: Annotated[str, StringConstraints(min_length=1, max_length=253)]
    os: OsInfo
    uptime_s: Annotated[int, Field(ge=0, le=10**10)]
    load: Load
    cpu_count: Annotated[int, Field(ge=1, le=65_536)]
    memory: Memory
    swap: Swap | None = None
    disks: list[Disk] = Field(default_factory=list, max_length=MAX_MOUNTS)
    #: Informational only (the agent may echo the id it was installed with); never used to
    #: choose the host — that is the token's job.
    host_id: Annotated[str, StringConstraints(max_length=64)] | None = None
