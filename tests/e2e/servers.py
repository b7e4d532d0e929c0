"""Start the real action server, Rasa server and API on free ports, and stop them."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bot.serve import MODEL, development, free_port, reachable, stop, wait_for

__all__ = ["ROOT", "Chat", "assistant", "free_port", "reachable", "wait_for"]

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def assistant(workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    """The three processes of `make run`, on free ports; yields their base URLs."""
    if not MODEL.exists():
        raise RuntimeError("no trained model: run `make train`")
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "API_PORT": free_port()}
    topology = development(
        {
            **os.environ,
            **{k: str(v) for k, v in ports.items()},
            "RASA_URL": "",
            "TRACKER_STORE_URL": f"sqlite:///{workdir}/trackers.db",
            "DATABASE_URL": f"sqlite:///{workdir}/digilab.db",
            **(extra_env or {}),
        },
        workdir,
    )
    logs = [open(workdir / f"{program.name}.log", "w") for program in topology.programs]
    procs = [
        subprocess.Popen(program.command, cwd=ROOT, env=topology.env, stdout=log, stderr=subprocess.STDOUT)
        for program, log in zip(topology.programs, logs, strict=False)
    ]
    urls = {
        "rasa": topology.rasa_url,
        "rasa_token": topology.env["RASA_TOKEN"],
        "actions": f"http://127.0.0.1:{ports['ACTION_PORT']}",
        "api": topology.api_url,
        "database_url": topology.env["DATABASE_URL"],
    }
    try:
        for program, proc in zip(topology.programs, procs, strict=False):
            wait_for(program.ready_url, proc)
        yield urls
    finally:
        stop(procs)
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
