"""Sum up a bad-input log: ``python -m tests.bad_input_report LOG``.

``LOG`` is the file named by ``JAXRESAMPLE_BADINPUT_LOG`` during a run of
``tests/test_bad_inputs.py``: one JSON verdict per call. Prints the calls, the results (and
how many were compared with scipy), the errors by type, the hangs and aborts, per function
and in total.
"""

from __future__ import annotations

import collections
import json
import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tests.bad_input_report LOG", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in open(args[0]) if line.strip()]
    per: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for r in rows:
        c = per[r["name"]]
        c["calls"] += 1
        c[r["outcome"]] += 1
        if r["outcome"] == "error":
            c[f"error:{r.get('error')}"] += 1
        if r.get("scipy") == "result":
            c["vs scipy"] += 1
        if "jit" in r:
            c["jit"] += 1
        if "problem" in r:
            c["problems"] += 1
        c["max_ms"] = max(c["max_ms"], int(1000 * r.get("seconds", 0)))
    total: collections.Counter[str] = collections.Counter()
    print(f"{'function':38} {'calls':>6} {'result':>6} {'scipy':>6} {'jit':>5} {'error':>6} "
          f"{'hang':>4} {'abort':>5} {'max ms':>7}")  # fmt: skip
    for name in sorted(per):
        c = per[name]
        print(f"{name:38} {c['calls']:6} {c['result']:6} {c['vs scipy']:6} {c['jit']:5} "
              f"{c['error']:6} {c['hang']:4} {c['abort']:5} {c['max_ms']:7}")  # fmt: skip
        for k, v in c.items():
            if k != "max_ms":
                total[k] += v
        total["max_ms"] = max(total["max_ms"], c["max_ms"])
    print(f"{'total':38} {total['calls']:6} {total['result']:6} {total['vs scipy']:6} "
          f"{total['jit']:5} {total['error']:6} {total['hang']:4} {total['abort']:5} "
          f"{total['max_ms']:7}")  # fmt: skip
    errors = {k.split(":", 1)[1]: v for k, v in total.items() if k.startswith("error:")}
    print("errors by type:", dict(sorted(errors.items(), key=lambda kv: -kv[1])))
    print("problems:", total["problems"])
    return 1 if total["problems"] or total["hang"] or total["abort"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
