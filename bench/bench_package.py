"""Size of what `chalice package --stage prod` uploads: the function zip and the managed layer.

The prod stage sets ``automatic_layer`` (.chalice/config.json), so third-party libraries go into
one layer and the function zip holds only app.py and chalicelib. Lambda's limits: 50 MB zipped
per direct upload, 250 MB unzipped for a function and its layers together. Sizes are MiB.
A cold run pip-downloads every wheel (minutes); Chalice caches the result in .chalice/deployments.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "package"
MIB = 1024 * 1024


def _unzipped(path: Path) -> int:
    with zipfile.ZipFile(path) as z:
        return sum(i.file_size for i in z.infolist())


def run() -> dict[str, float]:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.parent.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        VIGIL_STAGE="prod",
        VIGIL_PREFIX="vigil-prod",
        VIGIL_CORS_ORIGINS="https://console.vigil.example",
        AWS_DEFAULT_REGION=os.environ.get("AWS_DEFAULT_REGION", "eu-central-1"),
    )
    env.pop("AWS_ENDPOINT_URL", None)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from chalice.api import package_app; package_app(sys.argv[1], sys.argv[2], 'prod')",
            str(ROOT),
            str(WORK),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    function_zip = WORK / "deployment.zip"
    layer_zip = WORK / "layer-deployment.zip"
    sizes = {
        "lambda_zip_mb": round(function_zip.stat().st_size / MIB, 2),
        "lambda_layer_zip_mb": round(layer_zip.stat().st_size / MIB, 2) if layer_zip.exists() else 0.0,
        "lambda_unzipped_mb": round(
            (_unzipped(function_zip) + (_unzipped(layer_zip) if layer_zip.exists() else 0)) / MIB, 1
        ),
        "chalice_package_s": round(seconds, 1),
    }
    print(
        f"   function zip {sizes['lambda_zip_mb']} MiB, layer zip {sizes['lambda_layer_zip_mb']} MiB, "
        f"unzipped together {sizes['lambda_unzipped_mb']} MiB (limit 250), packaged in {seconds:.0f} s"
    )
    return sizes
