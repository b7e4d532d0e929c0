"""Start the action server, the Rasa server and the API together (`make run`); stop them together."""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Mapping

from bot import endpoints
from settings import get_settings, settings_from

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "digilab.tar.gz"


def server_env(env: Mapping[str, str]) -> Dict[str, str]:
    """The environment of the three servers: the action server on loopback unless ACTION_HOST says otherwise
    (rasa_sdk reads SANIC_HOST, default 0.0.0.0), and one token for Rasa's HTTP API, drawn when none is set."""
    given = settings_from(env)
    return {**env, "SANIC_HOST": given.action_host, "RASA_TOKEN": given.rasa_token or secrets.token_hex(32)}


def commands(*, rasa_port: int, action_port: int, api_port: int, endpoints_file: Path,
             rasa_token: str) -> List[List[str]]:
    py = sys.executable
    return [
        [py, "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(action_port)],
        [py, "-m", "bot.rasa_server", "run", "--model", str(MODEL), "--endpoints", str(endpoints_file),
         "--credentials", str(ROOT / "credentials.yml"), "--port", str(rasa_port), "--enable-api",
         f"--auth-token={rasa_token}", "--interface", "127.0.0.1"],  # "=": a token may start with "-"
        # --ws none: uvicorn's websocket support needs a newer `websockets` than Rasa pins; the API has no websocket.
        [py, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(api_port), "--ws", "none"],
    ]


def main() -> int:
    settings = get_settings()
    rasa_port, action_port, api_port = settings.rasa_port, settings.action_port, settings.api_port
    # The servers reach Rasa on the port it is started on, unless RASA_URL says otherwise.
    rasa_url = settings.rasa_url if "rasa_url" in settings.__fields_set__ else f"http://127.0.0.1:{rasa_port}"
    env = server_env({**os.environ, "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
                      "RASA_URL": rasa_url})
    ends = endpoints.write(ROOT / ".endpoints.yml", env)
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env)
             for cmd in commands(rasa_port=rasa_port, action_port=action_port, api_port=api_port, endpoints_file=ends,
                                 rasa_token=env["RASA_TOKEN"])]
    if settings.telegram_bot_token:
        procs.append(subprocess.Popen([sys.executable, "-m", "channels.telegram"], cwd=ROOT, env=env))
    print(f"action server :{action_port}, Rasa :{rasa_port}, API and web chat http://localhost:{api_port}/", flush=True)

    def stop(*_):
        for p in procs:
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    finally:
        stop()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
    return max((p.returncode or 0) for p in procs)


if __name__ == "__main__":
    sys.exit(main())
