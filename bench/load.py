"""Load generators: wrk for HTTP, pgbench for the SQL floor.

Both are real, separate processes on the same machine as the server, so every figure
here is a floor on what the server could do on cores of its own.
"""

import json
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.environment import FORWARDED_HEADERS


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict = field(default_factory=dict)
    body: str = ""
    # Writes alternate between two bodies, so that every pass really changes the record.
    alternate_body: str = ""


@dataclass
class Scenario:
    key: str
    title: str
    requests: list[HttpRequest]  # sent in turn, round and round
    # A cursor-paginated API list: follow each answer's "next" link, from the top again
    # at the end, as a partner syncing every record would.
    follow_next: bool = False
    # Writes: each request's If-Match carries its record's version as the last answer
    # for that record gave it (its ETag), starting from the one in ``requests``.
    versioned_writes: bool = False


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    error_detail: dict = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "throughput": round(self.throughput, 1),
            "errors": self.errors,
            "error_detail": self.error_detail,
            "p50_ms": round(self.p50_ms, 2),
            "p90_ms": round(self.p90_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "max_ms": round(self.max_ms, 2),
        }


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def _lua_request(request: HttpRequest) -> str:
    headers = {**FORWARDED_HEADERS, **request.headers}
    pairs = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
    return (
        f"{{method = {_lua_string(request.method)}, path = {_lua_string(request.path)}, "
        f"headers = {{{pairs}}}, body = {_lua_string(request.body)}, "
        f"alt = {_lua_string(request.alternate_body)}}}"
    )


_LUA_TEMPLATE = """
local requests = {
%(requests)s
}
local count = #requests
local index = 0
local next_path = nil
local follow_next = %(follow_next)s
local versioned = %(versioned)s
-- Writes: each record's version and how often it was written, as its answers tell.
-- Nothing here counts the calls of request(): wrk calls it once more than it sends
-- (script_verify_request, on the first thread), so a count would run one ahead.
local records = {}
if versioned then
  for _, r in ipairs(requests) do
    local tag, version = string.match(r.headers["If-Match"], '^"(.-)%%-v(%%d+)"$')
    r.tag = tag
    records[tag] = {version = tonumber(version), written = 0}
  end
end

request = function()
  local r = requests[index + 1]
  index = (index + 1) %% count
  local path = r.path
  if follow_next and next_path then path = next_path end
  local headers = r.headers
  local body = r.body
  if versioned then
    local record = records[r.tag]
    headers = {}
    for k, v in pairs(r.headers) do headers[k] = v end
    headers["If-Match"] = '"' .. r.tag .. '-v' .. record.version .. '"'
    -- Every other write puts the value back, so that each one really changes it.
    if r.alt ~= "" and record.written %% 2 == 1 then body = r.alt end
  end
  if body == "" then body = nil end
  return wrk.format(r.method, path, headers, body)
end

%(response)s

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "p50": %%f, "p90": %%f, "p95": %%f, ' ..
    '"p99": %%f, "max": %%f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""

# Only the cursor walk and the writes read answers: a response() callback makes wrk copy
# every body, and the walk's are the only large ones.
_FOLLOW_NEXT = """
response = function(status, headers, body)
  local link = string.match(body, '"next"%s*:%s*"([^"]+)"')
  if link then
    next_path = string.gsub(string.match(link, "https?://[^/]+(/.*)") or link, "\\\\u0026", "&")
  else
    next_path = nil
  end
end
"""

# A write's answer carries the record's new version in its ETag ("case-7-v3"): the next
# write of that record sends it back in If-Match. A refused write (412) leaves both as
# they were, so one refusal does not turn every later pass into refusals.
_VERSIONS = """
response = function(status, headers, body)
  if status < 200 or status > 299 then return end
  local etag = headers["ETag"] or headers["Etag"] or headers["etag"] or ""
  local tag, version = string.match(etag, '^"(.-)%-v(%d+)"$')
  local record = tag and records[tag]
  if record then
    record.version = tonumber(version)
    record.written = record.written + 1
  end
end
"""


def _response_callback(scenario: Scenario) -> str:
    if scenario.follow_next:
        return _FOLLOW_NEXT
    return _VERSIONS if scenario.versioned_writes else ""


def wrk_script(scenario: Scenario) -> str:
    return _LUA_TEMPLATE % {
        "requests": ",\n".join(_lua_request(r) for r in scenario.requests),
        "follow_next": "true" if scenario.follow_next else "false",
        "versioned": "true" if scenario.versioned_writes else "false",
        "response": _response_callback(scenario),
    }


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    base_url: str, scenario: Scenario, *, clients: int, seconds: int, work_dir: Path
) -> LoadResult:
    script = work_dir / f"{scenario.key}.lua"
    script.write_text(wrk_script(scenario))
    # Each wrk thread has its own Lua state: writes keep to one thread, so that two
    # threads never send the same If-Match and refuse each other with 412.
    threads = 1 if scenario.versioned_writes else min(2, clients)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{clients}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        base_url,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [ln for ln in completed.stdout.splitlines() if ln.startswith("WRKJSON ")]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(
            f"wrk failed for {scenario.key}:\n{completed.stdout}\n{completed.stderr}"
        )
    # done() runs once, with the figures of all threads together.
    data = json.loads(lines[-1].removeprefix("WRKJSON "))
    detail = {k: data[k] for k in ("connect", "read", "write", "status", "timeout") if data[k]}
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=sum(detail.values()),
        p50_ms=data["p50"] / 1000,
        p90_ms=data["p90"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        max_ms=data["max"] / 1000,
        error_detail=detail,
    )


def _percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return 0.0
    position = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[position]


def pgbench_script(statements: list[str]) -> str:
    """One pgbench transaction: the page's statements, in order. pgbench reads ``:name``
    as a variable, so casts keep their double colon and nothing else may start with one."""
    return "\n".join(statement.rstrip().rstrip(";") + ";" for statement in statements) + "\n"


def run_pgbench(
    database_url: str, statements: list[str], *, clients: int, seconds: int, work_dir: Path
) -> LoadResult:
    """The floor: the same SQL straight to PostgreSQL, prepared, no Python in between."""
    url = urlsplit(database_url)
    script = work_dir / "floor.sql"
    script.write_text(pgbench_script(statements))
    with tempfile.TemporaryDirectory(dir=work_dir) as log_dir:
        prefix = Path(log_dir) / "floor"
        command = [
            "pgbench",
            "-n",
            # Prepared once per connection, as the page's fixed statements are
            # (config.prepared_statements): the floor plans nothing per request either.
            "--protocol=prepared",
            f"-c{clients}",
            f"-j{min(2, clients)}",
            f"-T{seconds}",
            "-l",
            f"--log-prefix={prefix}",
            "-f",
            str(script),
            "-h",
            url.hostname or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            url.path.lstrip("/"),
        ]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise RuntimeError(f"pgbench failed:\n{completed.stdout}\n{completed.stderr}")
        latencies = []
        failed = 0
        for log in Path(log_dir).glob("floor*"):
            for line in log.read_text().splitlines():
                parts = line.split()
                if parts[2] in {"failed", "skipped"}:
                    failed += 1
                    continue
                latencies.append(int(parts[2]) / 1000)
    latencies.sort()
    return LoadResult(
        requests=len(latencies),
        seconds=float(seconds),
        errors=failed,
        p50_ms=_percentile(latencies, 0.50),
        p90_ms=_percentile(latencies, 0.90),
        p95_ms=_percentile(latencies, 0.95),
        p99_ms=_percentile(latencies, 0.99),
        max_ms=latencies[-1] if latencies else 0.0,
        error_detail={"failed": failed} if failed else {},
    )


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
