"""Check sweep of 1,000 endpoints answering after 200 ms, against Prometheus blackbox_exporter.

Targets run in a separate process (so their CPU does not count as ours) on 127.0.0.1: one lean
asyncio HTTP and one HTTPS server (certificate from a local trustme CA) answering 200 ms after
each request. Measured:
- ``sweep_http_1000_s`` / ``sweep_https_1000_s`` (+ ``_cpu_s``): the check work of one worker
  batch of 1,000 (``checks.Engine``, certificate inspection and header grading included);
- ``blackbox_http_1000_s`` / ``blackbox_https_1000_s``: the same 1,000 probes through
  blackbox_exporter (Debian package, installed with apt when missing, bound to 127.0.0.1, stopped
  afterwards), driven concurrently by a lean asyncio client; ``*_ratio`` = ours / theirs;
- ``sweep_full_path_1000_s``: dispatcher (Query + claims + SQS) → worker (BatchGet, checks,
  BatchWrite of results/status/rollups) with moto in-process;
- ``sweep_peak_rss_mb``: peak resident memory of this process.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
N = 1000
DELAY_MS = 200

_SERVER = """
import asyncio, ssl, sys, trustme
# A lean target (asyncio protocol, no framework): answers DELAY ms after the request head,
# so that the bench measures the checker and not the target.
ca = trustme.CA()
open(sys.argv[1], "wb").write(ca.cert_pem.bytes())
delay = int(sys.argv[2]) / 1000
BODY = b"ok"
RESP = (b"HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: 2\\r\\n"
        b"Strict-Transport-Security: max-age=31536000\\r\\nX-Content-Type-Options: nosniff\\r\\n"
        b"Connection: close\\r\\n\\r\\n" + BODY)

class Target(asyncio.Protocol):
    def connection_made(self, transport):
        self.t, self.buf = transport, b""
    def data_received(self, data):
        self.buf += data
        if b"\\r\\n\\r\\n" in self.buf:
            self.buf = b""
            asyncio.get_running_loop().call_later(delay, self.answer)
    def answer(self):
        if not self.t.is_closing():
            self.t.write(RESP)
            self.t.close()

async def main():
    loop = asyncio.get_running_loop()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    http = await loop.create_server(Target, "127.0.0.1", 0, backlog=4096)
    https = await loop.create_server(Target, "127.0.0.1", 0, backlog=4096, ssl=ctx)
    print(http.sockets[0].getsockname()[1], https.sockets[0].getsockname()[1], flush=True)
    await loop.run_in_executor(None, sys.stdin.read)

asyncio.run(main())
"""


def _raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _urls(base: str) -> list[str]:
    return [f"{base}/delay?n={i}" for i in range(N)]


def _sweep(urls: list[str]) -> tuple[float, float, int]:
    from chalicelib.monitoring.checks import Engine, Target

    targets = [Target(str(i), u) for i, u in enumerate(urls)]
    wall, cpu = time.perf_counter(), time.process_time()
    outcomes = Engine(concurrency=N).run(targets)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    up = sum(1 for o in outcomes if o.state == "up")
    return wall, cpu, up


def _best_sweep(urls: list[str], label: str) -> tuple[float, float]:
    best = (float("inf"), float("inf"))
    for _ in range(3):
        wall, cpu, up = _sweep(urls)
        if up != N:  # a loaded machine can push checks past their timeout: say so, go on
            print(f"   warning: {label}: only {up} of {N} targets up")
        best = min(best, (wall, cpu))
    print(f"   ours {label}: {best[0]:.3f} s wall, {best[1]:.3f} s CPU")
    return best


def _blackbox_binary() -> str | None:
    found = shutil.which("prometheus-blackbox-exporter") or shutil.which("blackbox_exporter")
    if found:
        return found
    subprocess.run(
        [str(ROOT / "scripts/ensure-apt.sh"), "prometheus-blackbox-exporter:prometheus-blackbox-exporter"],
        check=False,
    )
    return shutil.which("prometheus-blackbox-exporter")


async def _probe_all(port: int, module: str, urls: list[str]) -> int:
    """A lean asyncio HTTP/1.1 client: one connection per probe, all at once."""
    from urllib.parse import quote

    async def one(url: str) -> bool:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"GET /probe?module={module}&target={quote(url, safe='')} HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        data = await reader.read()
        writer.close()
        return b"probe_success 1" in data

    results = await asyncio.gather(*(one(u) for u in urls))
    return sum(results)


def _blackbox(http_urls: list[str], https_urls: list[str], ca_file: str) -> dict[str, float]:
    binary = _blackbox_binary()
    if not binary:
        print("   blackbox_exporter not available: skipped")
        return {}
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "blackbox.yml"
        config.write_text(
            json.dumps(
                {
                    "modules": {
                        "http_2xx": {
                            "prober": "http",
                            "timeout": "10s",
                            "http": {"preferred_ip_protocol": "ip4"},
                        },
                        "https_2xx": {
                            "prober": "http",
                            "timeout": "10s",
                            "http": {"preferred_ip_protocol": "ip4", "tls_config": {"ca_file": ca_file}},
                        },
                    }
                }
            )
        )
        proc = subprocess.Popen(
            [binary, f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            out: dict[str, float] = {}
            for label, module, urls in (("http", "http_2xx", http_urls), ("https", "https_2xx", https_urls)):
                best = float("inf")
                for _ in range(3):
                    started = time.perf_counter()
                    ok = asyncio.run(_probe_all(port, module, urls))
                    elapsed = time.perf_counter() - started
                    if ok != N:
                        print(f"   warning: blackbox {label}: only {ok} of {N} probes succeeded")
                    best = min(best, elapsed)
                print(f"   blackbox_exporter {label}: {best:.3f} s")
                out[f"blackbox_{label}_1000_s"] = round(best, 3)
            return out
        finally:
            proc.terminate()
            proc.wait(10)


def _full_path(http_urls: list[str]) -> float:
    """Dispatcher → SQS → worker → BatchWrites, moto in-process."""
    from bench.env import emulated_aws

    os.environ["VIGIL_CHECK_BATCH_SIZE"] = str(N)
    with emulated_aws():
        from chalicelib import admin, clock
        from chalicelib.billing.models import Subscription
        from chalicelib.local.scheduler import pump_sqs
        from chalicelib.monitoring import dispatcher
        from chalicelib.monitoring.models import Endpoint, due_shard, due_sk

        org, _ = admin.create_org("Bench GmbH", "bench@vigil-bench.example.com", "Bench-Passwort-2026!")
        sub = Subscription.get(*Subscription.key(org.org_id))
        sub.update(actions=[Subscription.plan.set("enterprise"), Subscription.status.set("active")])
        now = clock.now()
        with Endpoint.batch_write() as w:
            for i, url in enumerate(http_urls):
                eid = f"e{i:05d}"
                w.save(
                    Endpoint(
                        *Endpoint.key(org.org_id, eid),
                        endpoint_id=eid,
                        org_id=org.org_id,
                        name=f"bench {i}",
                        url=url,
                        interval_minutes=1,
                        checks={},
                        alert={"consecutive_failures": 2, "recipients": []},
                        next_check_at=now,
                        created_at=now,
                        updated_at=now,
                        gsi1pk=due_shard(eid),
                        gsi1sk=due_sk(org.org_id, eid, now, 1),
                    )
                )
        from app import app

        started = time.perf_counter()
        queued = dispatcher.dispatch()["queued"]
        handled = pump_sqs(app)
        elapsed = time.perf_counter() - started
        if queued != N or handled < 1:
            raise RuntimeError(f"full path: queued {queued}, handled {handled}")
    print(f"   full path (dispatch + worker + writes, moto): {elapsed:.3f} s")
    return elapsed


def run() -> dict[str, Any]:
    _raise_nofile()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        ca_file = str(Path(tmp) / "ca.pem")
        server = subprocess.Popen(
            [sys.executable, "-c", _SERVER, ca_file, str(DELAY_MS)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=_raise_nofile,
        )
        assert server.stdout is not None  # stdout=PIPE
        try:
            http_port, https_port = map(int, server.stdout.readline().split())
            os.environ["VIGIL_CHECK_ALLOW_CIDRS"] = "127.0.0.1/32"
            os.environ["VIGIL_CHECK_CA_FILE"] = ca_file
            http_urls = _urls(f"http://127.0.0.1:{http_port}")
            https_urls = _urls(f"https://127.0.0.1:{https_port}")
            http_wall, http_cpu = _best_sweep(http_urls, "http")
            https_wall, https_cpu = _best_sweep(https_urls, "https")
            out: dict[str, Any] = {
                "sweep_http_1000_s": round(http_wall, 3),
                "sweep_http_1000_cpu_s": round(http_cpu, 3),
                "sweep_https_1000_s": round(https_wall, 3),
                "sweep_https_1000_cpu_s": round(https_cpu, 3),
            }
            out.update(_blackbox(http_urls, https_urls, ca_file))
            for label in ("http", "https"):
                theirs = out.get(f"blackbox_{label}_1000_s")
                if theirs:
                    out[f"sweep_{label}_vs_blackbox_ratio"] = round(out[f"sweep_{label}_1000_s"] / theirs, 3)
                    print(f"   ours / blackbox ({label}): {out[f'sweep_{label}_vs_blackbox_ratio']:.2f}")
            out["sweep_full_path_1000_s"] = round(_full_path(http_urls), 3)
            out["sweep_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
            return out
        finally:
            if server.stdin:
                server.stdin.close()
            server.terminate()
            server.wait(10)
