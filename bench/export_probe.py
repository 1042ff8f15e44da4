"""Export one list as one user and report time, rows and peak memory (run by the harness
in a process of its own: ``python -m bench.export_probe USERNAME PATH``)."""

import json
import sys
import time
from pathlib import Path


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _resident_mib() -> float:
    return _status_mib("VmRSS")


def _peak_mib() -> float:
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over exec from the
    # parent, so a child of a big harness would report the harness's peak as its own.
    return _status_mib("VmHWM")


def main(username: str, path: str) -> None:
    import django

    django.setup()
    from django.test import Client

    from agencies.models import User
    from bench.probes import HTTPS
    from bench.scenarios import SESSION_BACKEND

    client = Client(**HTTPS)
    client.force_login(User.objects.get(username=username), backend=SESSION_BACKEND)
    # The list page once first: the export's cost is what it adds to a warm worker.
    client.get(path.split("?")[0])
    before = _resident_mib()
    peak_before = _peak_mib()
    started = time.monotonic()
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    lines = size = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        size += len(chunk)
    seconds = time.monotonic() - started
    peak = _peak_mib()
    result = {
        "seconds": round(seconds, 2),
        "rows": lines - 1,  # the header line
        "bytes": size,
        "peak_mib": round(peak, 1),
        "before_mib": round(before, 1),
        "peak_before_mib": round(peak_before, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
