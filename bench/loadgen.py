"""Load generation with ``wrk`` over loopback, and reading its figures back.

Every run uses a Lua script whose ``done()`` hook prints one ``BENCH {...}`` JSON line with the
request count, duration, errors and the p50/p95/p99 latencies (wrk's own ``--latency`` table
has no p95). Paths and bodies vary per request: lookups pick a random code from a file,
intake bodies get a fresh personal ID number each time.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

WRK = shutil.which("wrk") or "/usr/bin/wrk"

DONE_HOOK = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""

SEED_HOOK = r"""
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("thread_no", counter)
end
"""

GET_CODES = r"""
local codes = {}
init = function(args)
  math.randomseed(os.time() * 1000 + (thread_no or 0) * 7919)
  for line in io.lines("%(codes_file)s") do
    codes[#codes + 1] = line
  end
end
request = function()
  local code = codes[math.random(#codes)]
  local path = string.gsub("%(path)s", "{code}", code)
  return wrk.format("GET", path, %(headers)s)
end
"""

# Each line "code<TAB>etag": a client that keeps what it was sent and asks again with
# If-None-Match (the conditional staff lookup).
GET_CODES_REVALIDATE = r"""
local codes, tags = {}, {}
init = function(args)
  math.randomseed(os.time() * 1000 + (thread_no or 0) * 7919)
  for line in io.lines("%(codes_file)s") do
    local code, tag = string.match(line, "^([^\t]+)\t(.+)$")
    if code then
      codes[#codes + 1] = code
      tags[#tags + 1] = tag
    end
  end
end
request = function()
  local i = math.random(#codes)
  local path = string.gsub("%(path)s", "{code}", codes[i])
  local headers = %(headers)s
  headers["If-None-Match"] = tags[i]
  return wrk.format("GET", path, headers)
end
"""

GET_PATHS = r"""
local paths = {}
init = function(args)
  math.randomseed(os.time() * 1000 + (thread_no or 0) * 7919)
  for line in io.lines("%(paths_file)s") do
    paths[#paths + 1] = line
  end
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)], %(headers)s)
end
"""

POST_BODY = r"""
local template = %(body)s
init = function(args)
  math.randomseed(os.time() * 1000 + (thread_no or 0) * 7919)
end
request = function()
  local body = string.gsub(template, "__RANDOM6__", function()
    return string.format("%%06d", math.random(0, 999999))
  end)
  return wrk.format("POST", "%(path)s", %(headers)s, body)
end
"""


@dataclass
class Figure:
    """One measured endpoint: throughput and latency percentiles."""

    rps: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    requests: int
    errors: int
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _lua_str(value: str) -> str:
    # A Lua long string cannot be broken by quotes or backslashes in JSON bodies.
    level = "=" * 3
    return f"[{level}[{value}]{level}]"


def _headers(headers: dict[str, str]) -> str:
    items = ", ".join(f'[{json.dumps(k)}] = {json.dumps(v)}' for k, v in headers.items())
    return "{" + items + "}"


def lua_get_codes(path: str, codes_file: Path, headers: dict[str, str] | None = None) -> str:
    """GET ``path`` with ``{code}`` replaced by a random line of ``codes_file``."""
    return SEED_HOOK + GET_CODES % {
        "codes_file": codes_file, "path": path, "headers": _headers(headers or {}),
    } + DONE_HOOK


def lua_get_codes_revalidate(path: str, tagged_file: Path,
                             headers: dict[str, str] | None = None) -> str:
    """GET ``path`` for a random line ``code<TAB>etag`` of ``tagged_file``, sending the line's
    tag in ``If-None-Match`` (a 304 counts as an answer, as wrk counts 2xx and 3xx)."""
    return SEED_HOOK + GET_CODES_REVALIDATE % {
        "codes_file": tagged_file, "path": path, "headers": _headers(headers or {}),
    } + DONE_HOOK


def lua_get_paths(paths_file: Path, headers: dict[str, str] | None = None) -> str:
    """GET a random line of ``paths_file`` (one path with its query string per line)."""
    return SEED_HOOK + GET_PATHS % {
        "paths_file": paths_file, "headers": _headers(headers or {}),
    } + DONE_HOOK


def lua_post(path: str, body: str, headers: dict[str, str] | None = None) -> str:
    """POST ``body``; each ``__RANDOM6__`` in it becomes six fresh random digits."""
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    return SEED_HOOK + POST_BODY % {
        "body": _lua_str(body), "path": path, "headers": _headers(hdrs),
    } + DONE_HOOK


_BENCH_LINE = re.compile(r"^BENCH (\{.*\})$", re.M)


def parse(output: str) -> Figure:
    """Read the ``done()`` line of a wrk run."""
    match = _BENCH_LINE.search(output)
    if not match:
        raise ValueError("wrk printed no BENCH line:\n" + output[-2000:])
    data = json.loads(match.group(1))
    seconds = data["duration_us"] / 1e6
    good = data["requests"] - data["non2xx"]
    if data["requests"] == 0:
        # Every request outlived the run: there is no latency to report, only that.
        return Figure(rps=0.0, p50_ms=None, p95_ms=None, p99_ms=None, requests=0,
                      errors=data["socket_errors"],
                      note=f"no request completed within {seconds:.0f} s")
    return Figure(
        rps=round(good / seconds, 1) if seconds else 0.0,
        p50_ms=round(data["p50_us"] / 1000, 2),
        p95_ms=round(data["p95_us"] / 1000, 2),
        p99_ms=round(data["p99_us"] / 1000, 2),
        requests=data["requests"],
        errors=data["non2xx"] + data["socket_errors"],
    )


def run(
    base_url: str, script: str, *, workdir: Path, name: str, duration: int = 10,
    connections: int = 8, threads: int = 2,
) -> Figure:
    """Run wrk for ``duration`` seconds with ``script``; only loopback targets are allowed."""
    if not base_url.startswith("http://127.0.0.1:"):
        raise ValueError("the benchmark only drives 127.0.0.1")
    script_path = workdir / f"{name}.lua"
    script_path.write_text(script, encoding="utf-8")
    cmd = [
        WRK, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
        "--latency", "-s", str(script_path), base_url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)
    (workdir / f"{name}.out").write_text(out.stdout + out.stderr, encoding="utf-8")
    return parse(out.stdout)
