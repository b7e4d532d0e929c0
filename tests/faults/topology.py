"""`make run-prod`'s topology, as `python -m bot.serve --prod` starts it, on ports of its own: supervisord, HAProxy,
two Rasa replicas, two action servers, the API in two workers, PostgreSQL and Redis (through proxies a test cuts)."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path
from typing import Dict, Optional

import httpx

from bot.serve import MODEL, ROOT, Topology, prepare, stop, supervisorctl, supervisord
from tests.e2e.servers import reachable


def free_block() -> Dict[str, int]:
    """RASA_PORT (the balancer) with the replicas after it, ACTION_PORT with its balancer before it, API_PORT, and
    one port for each proxy: all free."""
    while True:
        base = random.randrange(20000, 60000, 20)
        ports = {"RASA_PORT": base, "ACTION_PORT": base + 11, "API_PORT": base + 15, "pg": base + 16, "redis": base + 17}
        if not any(reachable("127.0.0.1", port) for port in range(base, base + 18)):
            return ports


class Production:
    """The topology, started and stopped as a whole; its processes killed or paused one by one."""

    def __init__(self, workdir: Path, env: Dict[str, str]):
        if not MODEL.exists():
            raise RuntimeError("no trained model: run `make train`")
        self.workdir, self.env = workdir, env
        self.proc: Optional[subprocess.Popen] = None
        self.topology: Optional[Topology] = None

    @property
    def api(self) -> str:
        return self.topology.api_url

    def start(self, timeout: float = 240) -> "Production":
        self.topology = prepare(self.env, prod=True, run_dir=self.workdir, logs=self.workdir)
        self.proc = subprocess.Popen(supervisord(self.workdir), cwd=ROOT, env=self.topology.env,
                                     stdout=open(self.workdir / "supervisord.out", "a"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        for program in self.topology.programs:
            self.wait_up(program.name, deadline - time.monotonic())
        return self

    def stop(self) -> None:
        if self.proc is not None:
            stop([self.proc], timeout=90)
            self.proc = None

    def program(self, name: str):
        return next(p for p in self.topology.programs if p.name == name)

    def is_up(self, name: str) -> bool:
        try:
            return httpx.get(self.program(name).ready_url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_up(self, name: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not self.is_up(name):
            if self.proc.poll() is not None:
                raise RuntimeError(f"supervisord exited with {self.proc.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} not up: {supervisorctl(self.workdir, 'status')}")
            time.sleep(0.3)

    def pid(self, name: str) -> int:
        return int(supervisorctl(self.workdir, "pid", name))

    def signal(self, name: str, sig: int = signal.SIGKILL) -> int:
        pid = self.pid(name)
        os.kill(pid, sig)
        return pid

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")


class WebChat:
    """One person in the web chat: the conversation is the server's signed cookie, as in the browser."""

    def __init__(self, api: str, lang: str = "fr"):
        self.http = httpx.Client(base_url=api, timeout=60)
        self.lang = lang

    def send(self, text: str) -> httpx.Response:
        return self.http.post("/api/v1/chat", params={"lang": self.lang}, json={"message": text})

    def say(self, text: str) -> str:
        """The answers' texts and sources, as the page shows them; a 503's message."""
        response = self.send(text)
        body = response.json()
        if response.status_code != 200:
            return body["message"]
        return "\n---\n".join(m["text"] + ("\n" + m["source"] if m.get("source") else "") for m in body["messages"])
