"""System facts and metrics from /proc and the standard library (Linux)."""

from __future__ import annotations

import os
import platform
import socket
from typing import Any

from vigil_agent import __version__

MAX_MOUNTS = 64
# Kernel and virtual filesystems: not storage anybody runs out of.
PSEUDO_FS = {
    "proc",
    "sysfs",
    "devtmpfs",
    "devpts",
    "tmpfs",
    "securityfs",
    "cgroup",
    "cgroup2",
    "pstore",
    "bpf",
    "debugfs",
    "tracefs",
    "configfs",
    "fusectl",
    "mqueue",
    "hugetlbfs",
    "autofs",
    "binfmt_misc",
    "rpc_pipefs",
    "nsfs",
    "ramfs",
    "efivarfs",
    "selinuxfs",
    "squashfs",
    "fuse.lxcfs",
    "fuse.gvfsd-fuse",
    "fuse.portal",
    "nfsd",
    "overlay-lower",
}


def _read(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read()


def os_info() -> dict[str, str]:
    version = ""
    try:
        for line in _read("/etc/os-release").splitlines():
            if line.startswith("PRETTY_NAME="):
                version = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return {
        "name": platform.system()[:200],
        "version": version[:200],
        "kernel": platform.release()[:200],
        "arch": platform.machine()[:32],
    }


def uptime_s() -> int:
    return int(float(_read("/proc/uptime").split()[0]))


def meminfo() -> dict[str, int]:
    out = {}
    for line in _read("/proc/meminfo").splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            out[name] = int(parts[0]) * (1024 if len(parts) > 1 and parts[1] == "kB" else 1)
    return out


def _unescape(path: str) -> str:
    # /proc/mounts escapes space, tab, newline and backslash as octal.
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        path = path.replace(code, char)
    return path


def disks() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen_devices = set()
    try:
        lines = _read("/proc/self/mounts").splitlines()
    except OSError:
        lines = []
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        device, mount, fs = parts[0], _unescape(parts[1]), parts[2]
        if fs in PSEUDO_FS or (not device.startswith("/") and mount != "/"):
            continue
        if (device in seen_devices and mount != "/") or len(mount) > 256:
            continue
        try:
            st = os.statvfs(mount)
        except OSError:
            continue
        total = st.f_blocks * st.f_frsize
        if total <= 0:
            continue
        free = st.f_bavail * st.f_frsize  # available to unprivileged users, as df shows
        used = (st.f_blocks - st.f_bfree) * st.f_frsize
        seen_devices.add(device)
        out.append(
            {
                "mount": mount,
                "fs": fs[:64],
                "total_bytes": total,
                "used_bytes": min(used, total),
                "free_bytes": min(free, total),
            }
        )
        if len(out) >= MAX_MOUNTS:
            break
    return out


def collect(interval: float, host_id: str | None = None) -> dict[str, Any]:
    mem = meminfo()
    total = mem.get("MemTotal", 0)
    available = min(mem.get("MemAvailable", mem.get("MemFree", 0)), total)
    load1, load5, load15 = os.getloadavg()
    body: dict[str, Any] = {
        "agent_version": __version__,
        "interval_s": max(1, round(interval)),
        "hostname": (socket.gethostname() or "unknown")[:253],
        "os": os_info(),
        "uptime_s": uptime_s(),
        "load": {"load1": round(load1, 2), "load5": round(load5, 2), "load15": round(load15, 2)},
        "cpu_count": os.cpu_count() or 1,
        "memory": {"total_bytes": total, "available_bytes": available},
        "swap": {
            "total_bytes": mem.get("SwapTotal", 0),
            "free_bytes": min(mem.get("SwapFree", 0), mem.get("SwapTotal", 0)),
        },
        "disks": disks(),
    }
    if host_id:
        body["host_id"] = host_id
    return body
