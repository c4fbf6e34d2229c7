"""Agent settings: a config file, overridden by the environment, overridden by the command line.

File format (``/etc/vigil-agent.conf``; under systemd it arrives as the credential
``agent.conf``)::

    api_url = https://api.vigil.example
    token = vgl_…
    interval = 60

Environment: ``VIGIL_API_URL``, ``VIGIL_AGENT_TOKEN``, ``VIGIL_AGENT_INTERVAL``,
``VIGIL_AGENT_CONFIG`` (path of the file).
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass

DEFAULT_PATH = "/etc/vigil-agent.conf"
DEFAULT_INTERVAL = 60.0


class ConfigError(Exception):
    pass


@dataclass
class Config:
    api_url: str
    token: str
    interval: float = DEFAULT_INTERVAL
    path: str | None = None

    @property
    def heartbeat_url(self) -> str:
        return self.api_url.rstrip("/") + "/agent/heartbeat"


def default_path() -> str:
    creds = os.environ.get("CREDENTIALS_DIRECTORY")
    if creds and os.path.exists(os.path.join(creds, "agent.conf")):
        return os.path.join(creds, "agent.conf")
    return os.environ.get("VIGIL_AGENT_CONFIG", DEFAULT_PATH)


def read_file(path: str) -> dict[str, str]:
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    parser = configparser.ConfigParser(interpolation=None)
    if not text.lstrip().startswith("["):
        text = "[agent]\n" + text
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    section = (
        parser["agent"]
        if parser.has_section("agent")
        else parser[parser.sections()[0]]
        if parser.sections()
        else {}
    )
    return {k.strip().lower(): v.strip() for k, v in dict(section).items()}


def load(path: str | None = None, overrides: dict[str, str] | None = None) -> Config:
    path = path or default_path()
    values = read_file(path)
    env = {"api_url": "VIGIL_API_URL", "token": "VIGIL_AGENT_TOKEN", "interval": "VIGIL_AGENT_INTERVAL"}
    for key, var in env.items():
        if os.environ.get(var):
            values[key] = os.environ[var]
    values.update({k: v for k, v in (overrides or {}).items() if v})
    api_url = values.get("api_url", "")
    token = values.get("token", "")
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError("api_url must be an http(s) URL (config file api_url or VIGIL_API_URL)")
    if not token:
        raise ConfigError("token is missing (config file token or VIGIL_AGENT_TOKEN)")
    try:
        interval = float(values.get("interval") or DEFAULT_INTERVAL)
    except ValueError as exc:
        raise ConfigError("interval must be a number of seconds") from exc
    if not 1 <= interval <= 3600:
        raise ConfigError("interval must be between 1 and 3600 seconds")
    return Config(api_url=api_url, token=token, interval=interval, path=path)
