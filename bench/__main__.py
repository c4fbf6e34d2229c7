"""Run every ``bench/bench_*.py`` (or those named on the command line) and write results."""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem for p in HERE.glob("bench_*.py"))
    results: dict[str, float] = {}
    results_file = HERE / "results.json"
    if argv and results_file.exists():
        results.update(json.loads(results_file.read_text()))
    failed = []
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        print(f"== {name} …", flush=True)
        try:
            found = module.run()
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        results.update(found)
        print(f"   done in {time.perf_counter() - started:.1f} s", flush=True)
    results_file.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    width = max((len(k) for k in results), default=10)
    print(f"\n{'metric':<{width}}  value")
    print(f"{'-' * width}  ----------")
    for key in sorted(results):
        value = results[key]
        shown = f"{value:.3f}" if isinstance(value, float) and not value.is_integer() else f"{value:g}"
        print(f"{key:<{width}}  {shown}")
    print(f"\nwritten to {results_file}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main(sys.argv[1:]))
