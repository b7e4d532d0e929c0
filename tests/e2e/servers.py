"""Start the real action server, Rasa server and API on free ports, and stop them."""
from __future__ import annotations

import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, Optional

import httpx

from bot import endpoints
from bot.serve import MODEL, commands, server_env

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:4]} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(url)


@contextmanager
def assistant(workdir: Path, extra_env: Optional[Dict[str, str]] = None) -> Iterator[Dict[str, str]]:
    """The three processes of `make run`, on free ports; yields their base URLs."""
    if not MODEL.exists():
        raise RuntimeError("no trained model: run `make train`")
    ports = {"rasa": free_port(), "actions": free_port(), "api": free_port()}
    env = server_env({**os.environ, "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['actions']}/webhook",
           "RASA_URL": f"http://127.0.0.1:{ports['rasa']}", "TRACKER_STORE_URL": f"sqlite:///{workdir}/trackers.db",
           "DATABASE_URL": f"sqlite:///{workdir}/digilab.db", **(extra_env or {})})
    ends = endpoints.write(workdir / "endpoints.yml", env)
    logs = [open(workdir / f"{name}.log", "w") for name in ("actions", "rasa", "api")]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
             for cmd, log in zip(commands(rasa_port=ports["rasa"], action_port=ports["actions"], api_port=ports["api"],
                                          endpoints_file=ends, rasa_token=env["RASA_TOKEN"]), logs)]
    urls = {"rasa": env["RASA_URL"], "rasa_token": env["RASA_TOKEN"], "actions": f"http://127.0.0.1:{ports['actions']}",
            "api": f"http://127.0.0.1:{ports['api']}", "database_url": env["DATABASE_URL"]}
    try:
        wait_for(urls["actions"] + "/health", procs[0])
        wait_for(urls["rasa"] + "/status?token=" + env["RASA_TOKEN"], procs[1])
        wait_for(urls["api"] + "/health", procs[2])
        yield urls
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        for log in logs:
            log.close()


class Chat:
    """One conversation over Rasa's REST channel."""

    def __init__(self, rasa_url: str, sender: str):
        self.url, self.sender = f"{rasa_url}/webhooks/rest/webhook", sender

    def say(self, text: str) -> str:
        reply = httpx.post(self.url, json={"sender": self.sender, "message": text}, timeout=60)
        reply.raise_for_status()
        return "\n---\n".join(m.get("text", "") for m in reply.json())
