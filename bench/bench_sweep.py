"""Check sweep of 1,000 endpoints answering after 200 ms, against Prometheus blackbox_exporter.

Targets run in a separate process (so their CPU does not count as ours) on 127.0.0.1: one lean
asyncio HTTP and one HTTPS server (certificate from a local trustme CA) answering 200 ms after
each request. Measured:
- ``sweep_http_1000_s`` / ``sweep_https_1000_s`` (+ ``_cpu_s``): the check work of one worker
  batch of 1,000 (``checks.Engine``, certificate inspection and header grading included), best
  of three batches run in a child process of its own (like a warm worker);
- ``blackbox_http_1000_s`` / ``blackbox_https_1000_s``: the same 1,000 probes through
  blackbox_exporter (Debian package, installed with apt when missing, bound to 127.0.0.1, stopped
  afterwards), driven concurrently by a lean asyncio client; ``*_ratio`` = ours / theirs, the
  two measured alternately (three rounds, best of each) so that load on a shared machine hits
  both alike;
- ``sweep_full_path_1000_s``: dispatcher (Query + claims + SQS) → worker (BatchGet, checks,
  BatchWrite of results/status/rollups) with moto in-process;
- ``sweep_peak_rss_mb``: peak resident memory (VmHWM) of that checker process over its three
  batches, the larger of HTTP and HTTPS: the worker Lambda has 512 MB.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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


_CHECKER = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from chalicelib.monitoring.checks import Engine, Target
urls = json.loads(sys.stdin.readline())
for line in sys.stdin:
    if line.strip() != "batch":
        break
    targets = [Target(str(i), u) for i, u in enumerate(urls)]
    wall, cpu = time.perf_counter(), time.process_time()
    outcomes = Engine(concurrency=len(targets)).run(targets)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps([wall, cpu, sum(1 for o in outcomes if o.state == "up")]), flush=True)
    del targets, outcomes
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")), flush=True)
"""


class _Checker:
    """The checker in a child process of its own, like a warm worker running batch after batch:
    its CPU and peak resident memory are its alone (not moto's, not the bench's)."""

    def __init__(self, urls: list[str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _CHECKER, str(ROOT)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=_raise_nofile,
        )
        self._send(json.dumps(urls), answer=False)

    def _send(self, line: str, answer: bool = True) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None  # both PIPE
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline() if answer else ""

    def batch(self) -> tuple[float, float, int]:
        """One batch of all targets → (wall s, CPU s, targets up)."""
        wall, cpu, up = json.loads(self._send("batch"))
        return float(wall), float(cpu), int(up)

    def close(self) -> float:
        """Stop the child → its peak resident memory (VmHWM) in MB."""
        peak_kb = int(self._send("exit"))
        self.proc.wait(10)
        return peak_kb / 1024


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


@contextlib.contextmanager
def _blackbox(ca_file: str) -> Iterator[Callable[[str, list[str]], float] | None]:
    """blackbox_exporter running on 127.0.0.1 → ``probe(label, urls)`` (wall s), or None."""
    binary = _blackbox_binary()
    if not binary:
        print("   blackbox_exporter not available: skipped")
        yield None
        return
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

            def probe(label: str, urls: list[str]) -> float:
                started = time.perf_counter()
                ok = asyncio.run(_probe_all(port, f"{label}_2xx", urls))
                elapsed = time.perf_counter() - started
                if ok != N:
                    print(f"   warning: blackbox {label}: only {ok} of {N} probes succeeded")
                return elapsed

            yield probe
        finally:
            proc.terminate()
            proc.wait(10)


def _compare(http_urls: list[str], https_urls: list[str], ca_file: str) -> dict[str, Any]:
    """Ours and blackbox_exporter alternately, three rounds (a load change on a shared machine
    then hits both sides of a ratio alike); best of three each."""
    out: dict[str, Any] = {}
    with _blackbox(ca_file) as probe:
        peaks = []
        for label, urls in (("http", http_urls), ("https", https_urls)):
            checker = _Checker(urls)
            ours: list[tuple[float, float]] = []
            theirs: list[float] = []
            try:
                for _ in range(3):
                    wall, cpu, up = checker.batch()
                    if up != N:  # a loaded machine can push checks past their timeout: say so, go on
                        print(f"   warning: {label}: only {up} of {N} targets up")
                    ours.append((wall, cpu))
                    if probe:
                        theirs.append(probe(label, urls))
            finally:
                peaks.append(checker.close())
            wall, cpu = min(ours)
            out[f"sweep_{label}_1000_s"] = round(wall, 3)
            out[f"sweep_{label}_1000_cpu_s"] = round(cpu, 3)
            runs = ", ".join(f"{w:.3f}" for w, _c in ours)
            print(
                f"   ours {label}: {wall:.3f} s wall, {cpu:.3f} s CPU (runs {runs}), peak RSS {peaks[-1]:.1f} MB"
            )
            if theirs:
                out[f"blackbox_{label}_1000_s"] = round(min(theirs), 3)
                ratio = round(wall / min(theirs), 3)
                out[f"sweep_{label}_vs_blackbox_ratio"] = ratio
                runs = ", ".join(f"{t:.3f}" for t in theirs)
                print(
                    f"   blackbox_exporter {label}: {min(theirs):.3f} s (runs {runs}); ours / blackbox {ratio:.2f}"
                )
        out["sweep_peak_rss_mb"] = round(max(peaks), 1)
    return out


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
            out = _compare(http_urls, https_urls, ca_file)
            out["sweep_full_path_1000_s"] = round(_full_path(http_urls), 3)
            return out
        finally:
            if server.stdin:
                server.stdin.close()
            server.terminate()
            server.wait(10)
