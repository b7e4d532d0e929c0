"""`make eval`: the end-to-end answer benchmark on the real Rasa and action servers.

Prints accuracy per topic and language for the dev half, then the test half; the last line is
`eval test fr=0.xx nl=0.xx n=N`. `--show` writes the dev half's failures to tests/artifacts/ (never
the test half's: it is for measuring, not for tuning).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from tests.e2e.servers import assistant
from tests.eval.checks import HALVES, load_cases
from tests.eval.run import accuracy, run_cases, table

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--half", choices=[*HALVES, "both"], default="both")
    parser.add_argument("--show", action="store_true", help="write the dev half's failures to tests/artifacts/")
    args = parser.parse_args()
    halves = HALVES if args.half == "both" else (args.half,)
    line = ""
    with tempfile.TemporaryDirectory() as tmp, assistant(Path(tmp), {"TRACKER_STORE_URL": "memory"}) as urls:
        for half in halves:
            results = run_cases(urls["rasa"], load_cases(half))
            print(f"\n== {half} half\n{table(results)}", flush=True)
            fr, nl = accuracy(results, "fr"), accuracy(results, "nl")
            line = f"eval {half} fr={fr:.2f} nl={nl:.2f} n={len(results)}"
            if half == "dev" and args.show:
                ARTIFACTS.mkdir(exist_ok=True)
                failures = [
                    {"id": r.case.id, "turns": r.case.turns, "missed": r.missed, "reply": r.reply}
                    for r in results
                    if not r.passed
                ]
                path = ARTIFACTS / "eval-dev-failures.jsonl"
                path.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in failures), encoding="utf-8")
                print(f"{len(failures)} failures written to {path}")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
