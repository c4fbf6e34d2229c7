"""CDK entry point of Vigil's production stack.

    make synth                      # offline: .venv-infra, writes infra/cdk.out/prod.template.json
    cd infra && cdk deploy          # with credentials; see docs/deploy.md

`python infra/app.py [--source-dir DIR] [--outdir DIR]` works without the cdk CLI. Settings come
from the `vigil` context in infra/cdk.json, overridable with `cdk ... -c vigil='{...}'`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _context() -> dict:
    """cdk.json's context (the cdk CLI passes it itself; a plain `python app.py` does not)."""
    if os.environ.get("CDK_CONTEXT_JSON"):
        return {}
    return dict(json.loads((HERE / "cdk.json").read_text(encoding="utf-8")).get("context", {}))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", default=str(ROOT), help="the Chalice project to package")
    parser.add_argument("--outdir", default=None, help="cloud assembly directory (default cdk.out)")
    args = parser.parse_args(argv)

    for path in (str(HERE), str(ROOT)):  # vigil_infra, and chalicelib for the registries
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")

    import aws_cdk as cdk

    from vigil_infra.config import DeployConfig, apply_to_process

    source_dir = os.path.abspath(args.source_dir)
    outdir = os.environ.get("CDK_OUTDIR")
    if outdir:
        outdir = os.path.abspath(outdir)
    else:
        outdir = os.path.abspath(args.outdir or HERE / "cdk.out")
        shutil.rmtree(outdir, ignore_errors=True)  # no stale assets from earlier packages
    app = cdk.App(outdir=outdir, analytics_reporting=False, context=_context())
    cfg = DeployConfig.from_context(app.node.try_get_context("vigil"))
    apply_to_process(cfg)  # before chalicelib/app.py are imported

    from vigil_infra.stack import VigilStack

    # The Chalice construct packages into ./chalice.out: give each cloud assembly its own.
    work = Path(outdir + ".work")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.chdir(work)
    started = time.perf_counter()
    VigilStack(
        app,
        cfg,
        source_dir=source_dir,
        env=cdk.Environment(
            region=os.environ["AWS_DEFAULT_REGION"], account=os.environ.get("CDK_DEFAULT_ACCOUNT")
        ),
    )
    app.synth()
    print(
        f"synthesized stack vigil-prod in {time.perf_counter() - started:.1f} s -> {outdir}", file=sys.stderr
    )


if __name__ == "__main__":
    main()
