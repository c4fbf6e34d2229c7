"""``python -m vigil_agent [run|once|install]`` (or ``python3 vigil-agent.pyz …``)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import pkgutil
import shutil
import signal
import subprocess
import sys
import threading

from vigil_agent import __version__, collect, config, sender

log = logging.getLogger("vigil_agent")

UNIT_NAME = "vigil-agent.service"
INSTALL_DIR = "/opt/vigil-agent"


def run(cfg: config.Config, stop: threading.Event, host_id: str | None = None) -> None:
    schedule = sender.Schedule(cfg.interval)
    log.info("vigil-agent %s reporting to %s every %g s", __version__, cfg.heartbeat_url, cfg.interval)
    while not stop.is_set():
        try:
            body = collect.collect(cfg.interval, host_id)
        except (OSError, ValueError) as exc:
            log.error("collecting metrics failed: %s", exc)
            stop.wait(schedule.backoff())
            continue
        outcome = sender.post(cfg.heartbeat_url, cfg.token, body)
        delay = schedule.next_delay(outcome)
        if outcome.ok:
            log.debug("heartbeat accepted")
        elif outcome.status == 401:
            log.error("token refused (revoked or rotated); retrying in %.0f s", delay)
            cfg = _reload(cfg)
        elif outcome.status == 429:
            log.info("server asks to slow down; next heartbeat in %.0f s", delay)
        else:
            log.warning(
                "heartbeat failed (%s %s); retrying in %.0f s",
                outcome.status or "network",
                outcome.detail,
                delay,
            )
        stop.wait(delay)


def _reload(cfg: config.Config) -> config.Config:
    try:
        fresh = config.load(cfg.path)
    except config.ConfigError:
        return cfg
    if fresh.token != cfg.token:
        log.info("picked up a new token from %s", cfg.path)
    return fresh


def install(args: argparse.Namespace) -> int:
    """Copy the agent, write its config (0600) and systemd unit, enable the service."""
    root = args.root.rstrip("/")
    source = os.path.abspath(sys.argv[0]) if sys.argv[0].endswith(".pyz") else None
    target_dir = root + INSTALL_DIR
    os.makedirs(target_dir, exist_ok=True)
    if source:
        shutil.copy2(source, os.path.join(target_dir, "vigil-agent.pyz"))
        program = f"/usr/bin/python3 {INSTALL_DIR}/vigil-agent.pyz"
    else:
        package = os.path.dirname(os.path.abspath(__file__))
        shutil.copytree(
            package,
            os.path.join(target_dir, "vigil_agent"),
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        program = f"/usr/bin/env PYTHONPATH={INSTALL_DIR} /usr/bin/python3 -m vigil_agent"
    conf_path = root + config.DEFAULT_PATH
    os.makedirs(os.path.dirname(conf_path), exist_ok=True)
    fd = os.open(conf_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"api_url = {args.api_url}\ntoken = {args.token}\ninterval = {args.interval:g}\n")
    os.chmod(conf_path, 0o600)
    unit_dir = root + "/etc/systemd/system"
    os.makedirs(unit_dir, exist_ok=True)
    # pkgutil reads package data from a directory and from inside the .pyz alike.
    unit = (pkgutil.get_data("vigil_agent", "vigil-agent.service") or b"").decode()
    unit = unit.replace("@PROGRAM@", program)
    with open(os.path.join(unit_dir, UNIT_NAME), "w", encoding="utf-8") as fh:
        fh.write(unit)
    print(f"installed to {target_dir}, config {conf_path}, unit {unit_dir}/{UNIT_NAME}")
    if args.no_start or root:
        return 0
    subprocess.run(["systemctl", "daemon-reload"], check=True)
    subprocess.run(["systemctl", "enable", "--now", UNIT_NAME], check=True)
    print("vigil-agent is running: journalctl -u vigil-agent -f")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vigil-agent", description="Vigil host agent")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command")
    for name in ("run", "once"):
        p = sub.add_parser(
            name,
            help="post heartbeats forever" if name == "run" else "collect once and print (posts nothing)",
        )
        p.add_argument("--config", help="config file (default /etc/vigil-agent.conf)")
        p.add_argument("--interval", type=float, help="seconds between heartbeats")
        p.add_argument("-v", "--verbose", action="store_true")
    p = sub.add_parser("install", help="install as a systemd service (root)")
    p.add_argument("--api-url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--interval", type=float, default=config.DEFAULT_INTERVAL)
    p.add_argument("--root", default="", help="install below this directory (packaging)")
    p.add_argument("--no-start", action="store_true", help="do not enable/start the service")
    args = parser.parse_args(argv)
    command = args.command or "run"
    logging.basicConfig(
        level=logging.DEBUG if getattr(args, "verbose", False) else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    if command == "install":
        return install(args)
    if command == "once":
        print(json.dumps(collect.collect(args.interval or config.DEFAULT_INTERVAL), indent=2))
        return 0
    overrides = {"interval": str(args.interval) if getattr(args, "interval", None) else ""}
    try:
        cfg = config.load(getattr(args, "config", None), overrides)
    except config.ConfigError as exc:
        log.error("configuration: %s", exc)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    run(cfg, stop, os.environ.get("VIGIL_AGENT_HOST_ID") or None)
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
