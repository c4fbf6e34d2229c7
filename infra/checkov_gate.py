"""Run checkov on the synthesized template: zero failed checks, every skip listed with its reason.

    python infra/checkov_gate.py CHECKOV_BIN TEMPLATE

Suppressions live in the template itself (Metadata.checkov.skip, written by
infra/vigil_infra/suppress.py); this prints them so that each CI log shows what is accepted.
"""

from __future__ import annotations

import json
import subprocess
import sys


def main(checkov: str, template: str) -> int:
    proc = subprocess.run(
        [checkov, "-f", template, "--framework", "cloudformation", "--skip-download", "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        print(proc.stdout[-4000:], proc.stderr[-4000:], sep="\n", file=sys.stderr)
        print("checkov gave no JSON report", file=sys.stderr)
        return 2
    if isinstance(report, list):  # one entry per framework
        report = next(r for r in report if r.get("check_type") == "cloudformation")
    results, summary = report["results"], report["summary"]
    for skipped in sorted(results.get("skipped_checks", []), key=lambda c: (c["check_id"], c["resource"])):
        reason = skipped.get("check_result", {}).get("suppress_comment", "")
        print(f"  skipped {skipped['check_id']:<12} {skipped['resource']:<55} {reason}")
    for failed in results.get("failed_checks", []):
        print(f"  FAILED  {failed['check_id']:<12} {failed['resource']:<55} {failed['check_name']}")
    print(
        f"checkov {summary['checkov_version']}: {summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['skipped']} skipped (suppressed with a reason), "
        f"{summary['parsing_errors']} parsing errors, {summary['resource_count']} resources"
    )
    if summary["failed"] or summary["parsing_errors"] or not summary["resource_count"]:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
