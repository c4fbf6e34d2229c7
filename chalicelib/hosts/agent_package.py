"""The agent as one file, ``vigil-agent.pyz``, built reproducibly from ``agent/vigil_agent``.

Where it is served (the install command of ``POST /orgs/{org}/hosts`` names it, with the file's
SHA-256 so that the command refuses a changed download):

- local mode (``make run``): the console server answers ``/downloads/vigil-agent.pyz`` with a
  fresh build (``chalicelib.local.web``); the URL derives from ``VIGIL_CONSOLE_URL``;
- AWS: the stack builds it at synth time, deploys it into the console bucket under
  ``downloads/`` (served by CloudFront on the console's origin) and hands every function
  ``VIGIL_AGENT_DOWNLOAD_URL`` and ``VIGIL_AGENT_SHA256`` (``infra/vigil_infra``).

The build is byte-for-byte reproducible — files in sorted order, fixed timestamps and modes,
stored (not compressed) — so the checksum the API shows is the checksum of the file served,
whoever built it from the same sources. ``python -m chalicelib.hosts.agent_package <dir>``
writes the file and its ``.sha256`` into ``<dir>`` (``make agent``).
"""

from __future__ import annotations

import functools
import hashlib
import io
import sys
import zipfile
from pathlib import Path

AGENT_ROOT = Path(__file__).resolve().parents[2] / "agent"
FILENAME = "vigil-agent.pyz"
SHEBANG = b"#!/usr/bin/env python3\n"
_EPOCH = (1980, 1, 1, 0, 0, 0)
_MAIN = b"from vigil_agent.__main__ import main\nimport sys\nsys.exit(main())\n"


def _sources(root: Path) -> list[Path]:
    package = root / "vigil_agent"
    return sorted(
        p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


def build(root: Path = AGENT_ROOT) -> bytes:
    """The .pyz: a shebang line and a zip archive with ``__main__.py`` and the package."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        entries = [("__main__.py", _MAIN)] + [
            (p.relative_to(root).as_posix(), p.read_bytes()) for p in _sources(root)
        ]
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix: the same bytes on every build host
            zf.writestr(info, data)
    return SHEBANG + buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=1)
def local_build() -> tuple[bytes, str] | None:
    """The build from this checkout (local mode and synth); None where ``agent/`` is absent
    (a Lambda package carries no agent sources: it reads the checksum from its settings)."""
    if not (AGENT_ROOT / "vigil_agent" / "__main__.py").exists():
        return None
    data = build()
    return data, sha256(data)


def write(directory: Path) -> tuple[Path, str]:
    """Write ``vigil-agent.pyz`` and ``vigil-agent.pyz.sha256`` (sha256sum format) into ``directory``."""
    data = build()
    digest = sha256(data)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / FILENAME
    target.write_bytes(data)
    target.chmod(0o755)
    (directory / f"{FILENAME}.sha256").write_text(f"{digest}  {FILENAME}\n", encoding="ascii")
    return target, digest


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target, digest = write(Path(args[0] if args else "build/downloads"))
    print(f"{target} sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
