"""A real Sinergi server with the demo city, for tests that call the API over HTTP the
way a partner system does (the scenario in docs/api.md, schemathesis)."""

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser import server_environment, start_demo_server
from tests.processes import manage_output


@dataclass
class LiveApi:
    base_url: str
    env: dict[str, str]
    process: subprocess.Popen
    tokens: dict[str, str] = field(default_factory=dict)

    def register(self, label: str, *, agency: str, roles, scopes) -> str:
        """Register a client the way an operator does, with the management command."""
        args = ["api_client_register", "--agency", agency, "--name", f"Test {label}"]
        args += [arg for role in roles for arg in ("--role", role)]
        args += [arg for scope in scopes for arg in ("--scope", scope)]
        args += ["--registered-by", "eko"]
        token = manage_output(self.env, *args).strip().splitlines()[-1]
        self.tokens[label] = token
        return token

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def start_live_api(work_dir: Path, redis_url: str, **settings: str) -> LiveApi:
    env = {**server_environment(work_dir), "REDIS_URL": redis_url, **settings}
    base_url, process = start_demo_server(work_dir, env=env)
    return LiveApi(base_url=base_url, env=env, process=process)
