"""Run mypy and compare its errors with the committed baseline (mypy-baseline.txt).

The baseline lists the errors the code had when type checking started, without line numbers
(so an edit above an old error does not make it "new"). A new error fails; a fixed one is
reported so the baseline can shrink: ``python scripts/mypy_baseline.py --update`` rewrites it
(only ever with fewer entries: it refuses to add any).
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
# "src/motcua/x.py:12: error: Message  [code]" -> "src/motcua/x.py: error: Message  [code]"
LINE = re.compile(r"^(?P<path>[^:]+):\d+(?::\d+)?: error: (?P<rest>.*)$")


def current_errors(output: str) -> collections.Counter[str]:
    errors: collections.Counter[str] = collections.Counter()
    for line in output.splitlines():
        match = LINE.match(line)
        if match:
            errors[f"{match['path']}: {match['rest']}"] += 1
    return errors


def read_baseline() -> collections.Counter[str]:
    if not BASELINE.exists():
        return collections.Counter()
    lines = [x for x in BASELINE.read_text(encoding="utf-8").splitlines() if x and x[0] != "#"]
    return collections.Counter(lines)


def write_baseline(errors: collections.Counter[str]) -> None:
    header = "# mypy errors known when type checking started; may only shrink (scripts/mypy_baseline.py)\n"
    BASELINE.write_text(header + "".join(f"{e}\n" for e in sorted(errors.elements())),
                        encoding="utf-8")


def main(argv: list[str]) -> int:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode not in (0, 1):
        sys.stderr.write(result.stdout + result.stderr)
        return result.returncode
    now, known = current_errors(result.stdout), read_baseline()
    new, fixed = now - known, known - now
    if "--update" in argv:
        if new and "--init" not in argv:
            sys.stderr.write("mypy: refusing to add errors to the baseline:\n")
            sys.stderr.writelines(f"  {e}\n" for e in sorted(new))
            return 1
        write_baseline(now)
        print(f"mypy baseline: {sum(now.values())} known errors ({sum(fixed.values())} fixed)")
        return 0
    if new:
        print(f"mypy: {sum(new.values())} new error(s) not in mypy-baseline.txt:")
        for line in result.stdout.splitlines():
            match = LINE.match(line)
            if match and f"{match['path']}: {match['rest']}" in new:
                print(f"  {line}")
        return 1
    note = f"; {sum(fixed.values())} fixed: shrink it with --update" if fixed else ""
    print(f"mypy: no new errors ({sum(now.values())} known in the baseline{note})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
