"""What Lambda will load: the layer and the function zip of the synthesized stack.

`chalice package` accepts any wheel tagged ``linux_<machine>``, i.e. one it built from source
on the build host, whose shared objects then link the host's libraries (libjpeg, libxcb,
libfreetype, ...) that the Lambda runtime does not have. Every local test passes with such a
layer, and the function fails in AWS. These tests read the zips the stack deploys:

- every installed wheel (``*.dist-info/WHEEL``) must be ``none-any`` or ``manylinux_2_X`` (or a
  legacy ``manylinux*`` alias) with X <= the runtime's glibc and an ABI the runtime loads;
- every ELF object may only need libraries bundled in the layer (auditwheel's ``*.libs``) or the
  few the runtime image has (glibc, libgcc_s, libstdc++, zlib): the dynamic loader on this
  machine would find libjpeg & co. anyway, so an import alone cannot catch the leak;
- every native module of the layer imports in a bare interpreter of the runtime's Python
  version (``-I -S``, only the layer and the standard library on ``sys.path``), and so does
  ``app.py`` with the layer and the function zip, as Lambda would load them.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEMPLATE, resources

#: glibc of the Lambda runtime images (Amazon Linux 2: python3.9-3.11; AL2023: 3.12+).
RUNTIME_GLIBC = {
    "python3.10": (2, 26),
    "python3.11": (2, 26),
    "python3.12": (2, 34),
    "python3.13": (2, 34),
    "python3.14": (2, 34),
}
MACHINES = {"x86_64": "x86_64", "arm64": "aarch64"}
LEGACY = {
    "manylinux1": (2, 5),
    "manylinux2010": (2, 12),
    "manylinux2014": (2, 17),
}
#: Libraries the Lambda base images provide (glibc's, the GCC runtime, zlib); all else is bundled.
SYSTEM_LIBS = {
    "libc.so.6",
    "libm.so.6",
    "libdl.so.2",
    "librt.so.1",
    "libpthread.so.0",
    "libresolv.so.2",
    "libutil.so.1",
    "libgcc_s.so.1",
    "libstdc++.so.6",
    "libz.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
}


def _asset_zip(raw: dict[str, Any], uri: Any) -> Path:
    key = uri["Key"] if isinstance(uri, dict) else None
    assert key, f"unexpected code location {uri!r}"
    path = TEMPLATE.parent / f"asset.{key.removesuffix('.zip')}.zip"
    assert path.exists(), f"{path} missing: run `make synth`"
    return path


@pytest.fixture(scope="module")
def runtime(raw: dict[str, Any]) -> tuple[str, str]:
    functions = resources(raw, "AWS::Serverless::Function").values()
    runtimes = {fn["Properties"]["Runtime"] for fn in functions}
    archs = {a for fn in functions for a in fn["Properties"].get("Architectures", ["x86_64"])}
    assert len(runtimes) == 1 and len(archs) == 1, (runtimes, archs)
    return runtimes.pop(), MACHINES[archs.pop()]


@pytest.fixture(scope="module")
def layer_zip(raw: dict[str, Any]) -> Path:
    (layer,) = resources(raw, "AWS::Serverless::LayerVersion").values()
    return _asset_zip(raw, layer["Properties"]["ContentUri"])


@pytest.fixture(scope="module")
def function_zip(raw: dict[str, Any]) -> Path:
    uris = {
        json.dumps(fn["Properties"]["CodeUri"], sort_keys=True)
        for fn in resources(raw, "AWS::Serverless::Function").values()
    }
    assert len(uris) == 1, "every function runs the same Chalice package"
    return _asset_zip(raw, json.loads(uris.pop()))


@pytest.fixture(scope="module")
def unpacked(
    layer_zip: Path, function_zip: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    out = {}
    for name, path in (("layer", layer_zip), ("function", function_zip)):
        target = tmp_path_factory.mktemp(name)
        with zipfile.ZipFile(path) as z:
            z.extractall(target)
        out[name] = target
    return out


def test_the_runtime_is_one_whose_glibc_we_know(runtime: tuple[str, str], raw: dict[str, Any]) -> None:
    assert runtime[0] in RUNTIME_GLIBC
    # The layer is built for exactly that runtime (chalice: the interpreter that runs `package`).
    (layer,) = resources(raw, "AWS::Serverless::LayerVersion").values()
    assert layer["Properties"]["CompatibleRuntimes"] == [runtime[0]]


def _tag_ok(tag: str, runtime: str, machine: str) -> bool:
    python, abi, platform = tag.split("-")
    if platform == "any":
        return abi == "none"
    cp = "cp" + runtime.removeprefix("python").replace(".", "")
    if abi not in ("none", "abi3", cp):
        return False
    if abi == "abi3" and not python.startswith("cp3"):
        return False
    legacy = re.fullmatch(r"(manylinux\d+)_(\w+)", platform)
    if legacy and legacy.group(1) in LEGACY:
        glibc, arch = LEGACY[legacy.group(1)], legacy.group(2)
    else:
        m = re.fullmatch(r"manylinux_(\d+)_(\d+)_(\w+)", platform)
        if not m:
            return False  # linux_x86_64 (built on this host), macosx, win, musllinux ...
        glibc, arch = (int(m.group(1)), int(m.group(2))), m.group(3)
    return arch == machine and glibc <= RUNTIME_GLIBC[runtime]


def _wheel_tags(z: zipfile.ZipFile) -> dict[str, list[str]]:
    out = {}
    for name in z.namelist():
        if name.endswith(".dist-info/WHEEL"):
            text = z.read(name).decode()
            out[name.split("/")[-2]] = [
                line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Tag:")
            ]
    return out


@pytest.mark.parametrize("which", ["layer", "function"])
def test_every_wheel_is_none_any_or_manylinux_within_the_runtime_glibc(
    which: str, layer_zip: Path, function_zip: Path, runtime: tuple[str, str]
) -> None:
    with zipfile.ZipFile(layer_zip if which == "layer" else function_zip) as z:
        wheels = _wheel_tags(z)
    if which == "layer":
        assert "pillow" in " ".join(wheels).lower(), "the layer should hold the app's requirements"
    bad = {dist: tags for dist, tags in wheels.items() if not any(_tag_ok(t, *runtime) for t in tags)}
    assert not bad, f"wheels Lambda {runtime[0]} cannot load (built on this host or too new a glibc): {bad}"
    for dist, tags in sorted(wheels.items()):
        print(f"{which}: {dist}: {', '.join(tags)}")


def _needed(path: Path) -> list[str] | None:
    """DT_NEEDED entries of a 64-bit little-endian ELF file, None if it is not one."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    out = []
    for _name, sh_type, _fl, _addr, offset, size, link, _info, _align, _entsize in sections:
        if sh_type != 6:  # SHT_DYNAMIC
            continue
        strtab = sections[link][4]
        for pos in range(offset, offset + size, 16):
            tag, value = struct.unpack_from("<qQ", data, pos)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                end = data.index(b"\0", strtab + value)
                out.append(data[strtab + value : end].decode())
    return out


def test_native_code_needs_only_bundled_or_runtime_libraries(unpacked: dict[str, Path]) -> None:
    layer = unpacked["layer"]
    objects = [p for p in layer.rglob("*") if p.is_file() and ".so" in p.name]
    bundled = {p.name for p in objects}
    assert objects, "the layer has no native code at all?"
    missing = {}
    for path in objects:
        needed = _needed(path)
        if needed is None:
            continue
        absent = [lib for lib in needed if lib not in bundled and lib not in SYSTEM_LIBS]
        if absent:
            missing[str(path.relative_to(layer))] = absent
    assert not missing, f"shared objects linking libraries the Lambda runtime lacks: {missing}"


def _interpreter(runtime: str) -> str:
    """An interpreter of the runtime's version: this one (.venv-infra is made with it) or another."""
    if f"python{sys.version_info[0]}.{sys.version_info[1]}" == runtime:
        return sys.executable  # with -I -S a venv's interpreter sees only the standard library
    for candidate in (shutil.which(runtime), *sorted(Path.home().glob(f".pyenv/versions/*/bin/{runtime}"))):
        if (
            candidate
            and subprocess.run([str(candidate), "-c", ""], capture_output=True, check=False).returncode == 0
        ):
            return str(candidate)
    pytest.fail(f"{runtime} is needed to import the layer as Lambda would (see docs/deploy.md)")


def _site_packages(layer: Path, runtime: str) -> Path:
    site = layer / "python" / "lib" / runtime / "site-packages"
    assert site.is_dir(), f"layer has no {site.relative_to(layer)}"
    return site


def _bare(runtime: str, paths: list[Path], code: str, env: dict[str, str] | None = None) -> str:
    prelude = f"import sys; sys.path[:0] = {[str(p) for p in paths]!r}\n"
    proc = subprocess.run(
        [_interpreter(runtime), "-I", "-S", "-c", prelude + code],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **(env or {})},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    return proc.stdout


def test_every_native_module_imports_in_a_bare_runtime_interpreter(
    unpacked: dict[str, Path], runtime: tuple[str, str]
) -> None:
    site = _site_packages(unpacked["layer"], runtime[0])
    modules = sorted(
        ".".join(p.relative_to(site).with_name(p.name.split(".")[0]).parts)
        for p in site.rglob("*.so")
        if not any(part.endswith(".libs") for part in p.relative_to(site).parts)
    )
    assert any(m.startswith("PIL.") for m in modules)
    code = (
        "import importlib\nfailed = []\n"
        f"for name in {modules!r}:\n"
        "    try:\n        importlib.import_module(name)\n"
        "    except Exception as exc:\n        failed.append(f'{name}: {exc!r}')\n"
        "print('\\n'.join(failed)); sys.exit(1 if failed else 0)\n"
    )
    _bare(runtime[0], [site], code)
    # The real work, too: a PNG through Pillow's codecs and fonts (logo upload, report PDFs).
    _bare(
        runtime[0],
        [site],
        "import io\nfrom PIL import Image, ImageDraw, ImageFont, features\n"
        "img = Image.new('RGB', (150, 150), 'white'); ImageDraw.Draw(img).text((5, 5), 'x')\n"
        "buf = io.BytesIO(); img.save(buf, 'PNG'); Image.open(io.BytesIO(buf.getvalue())).load()\n"
        "buf = io.BytesIO(); img.save(buf, 'JPEG'); Image.open(io.BytesIO(buf.getvalue())).load()\n"
        "assert features.check('freetype2') and features.check('jpg') and features.check('zlib')\n",
    )


def test_the_app_imports_from_layer_and_function_zip_alone(
    unpacked: dict[str, Path], runtime: tuple[str, str], raw: dict[str, Any]
) -> None:
    site = _site_packages(unpacked["layer"], runtime[0])
    fn = next(iter(resources(raw, "AWS::Serverless::Function").values()))
    env = {k: v for k, v in fn["Properties"]["Environment"]["Variables"].items() if isinstance(v, str)} | {
        "AWS_DEFAULT_REGION": "eu-central-1"
    }
    out = _bare(
        runtime[0],
        [unpacked["function"], site],
        "import app\nprint(len(app.app.routes))\n"
        "from chalicelib.billing import pdf, cii\nfrom chalicelib.reports import render\n"
        "from chalicelib.branding import image\n",
        env=env,
    )
    assert int(out.strip().splitlines()[-1]) > 10


def test_the_function_zip_holds_no_dev_only_code_or_bytecode(function_zip: Path) -> None:
    with zipfile.ZipFile(function_zip) as z:
        names = z.namelist()
    assert "app.py" in names and "chalicelib/settings.py" in names
    dev = [n for n in names if n.startswith("chalicelib/local/")]
    assert not dev, f"dev-only modules (moto runner, demo seed, ...) in the Lambda package: {dev}"
    caches = [n for n in names if "__pycache__/" in n or n.endswith(".pyc")]
    assert not caches, caches


def test_every_handler_and_module_imports_without_the_dev_only_code(
    unpacked: dict[str, Path], runtime: tuple[str, str], raw: dict[str, Any]
) -> None:
    """Each function's Handler resolves, and every chalicelib module imports, from zip + layer.

    chalicelib/local is not in the zip, so a module-level import of it anywhere fails here.
    """
    site = _site_packages(unpacked["layer"], runtime[0])
    functions = resources(raw, "AWS::Serverless::Function").values()
    fn = next(iter(functions))
    env = {k: v for k, v in fn["Properties"]["Environment"]["Variables"].items() if isinstance(v, str)} | {
        "AWS_DEFAULT_REGION": "eu-central-1"
    }
    handlers = sorted({f["Properties"]["Handler"] for f in functions})
    root = unpacked["function"]
    modules = sorted(
        ".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        for p in (root / "chalicelib").rglob("*.py")
    )
    assert "chalicelib.settings" in modules and not any(m.startswith("chalicelib.local") for m in modules)
    code = (
        "import importlib\nfailed = []\n"
        f"for handler in {handlers!r}:\n"
        "    module, _, attr = handler.rpartition('.')\n"
        "    try:\n        assert callable(getattr(importlib.import_module(module), attr)), handler\n"
        "    except Exception as exc:\n        failed.append(f'{handler}: {exc!r}')\n"
        f"for name in {modules!r}:\n"
        "    try:\n        importlib.import_module(name)\n"
        "    except Exception as exc:\n        failed.append(f'{name}: {exc!r}')\n"
        "print('\\n'.join(failed)); sys.exit(1 if failed else 0)\n"
    )
    _bare(runtime[0], [root, site], code, env=env)
    assert len(handlers) > 3
