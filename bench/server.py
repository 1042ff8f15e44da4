"""The production web server under test: gunicorn with config/gunicorn.conf.py, DEBUG off."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.environment import FORWARDED_HEADERS, ROOT, BenchEnvironment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    request = urllib.request.Request(f"{base_url}/healthz", headers=FORWARDED_HEADERS)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {log_path}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer /healthz within 60 s; see {log_path}")


def worker_pids(master_pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            children.append(int(stat.parent.name))
    return sorted(children)


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    def __init__(self, process: subprocess.Popen, base_url: str):
        self.process = process
        self.base_url = base_url

    def worker_memory(self) -> dict[int, float]:
        return {pid: round(resident_mib(pid), 1) for pid in worker_pids(self.process.pid)}


@contextmanager
def running_server(env: BenchEnvironment, *, log_path: Path, recycle: bool = False):
    """gunicorn as deployed. Worker recycling is off unless asked for: the soak is there
    to see memory grow, and recycling would hide it."""
    port = free_port()
    variables = {
        **os.environ,
        **env.variables(),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    if not recycle:
        variables["GUNICORN_MAX_REQUESTS"] = "0"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "--config", "config/gunicorn.conf.py", "config.wsgi:application"]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=variables, stdout=log, stderr=subprocess.STDOUT
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process, log_path)
        yield Server(process, base_url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
