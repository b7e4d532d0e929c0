"""Start the assistant's processes under supervisord: `make run` (one of each, embedded stores) and `make run-prod`
(HAProxy in front of Rasa replicas and action servers, the API in several workers, PostgreSQL and Redis).

supervisord restarts a process that dies, with backoff when it keeps failing to start, while the others keep
serving: `kill -9` of one Rasa replica or action server is a short gap, not the end of `make run`.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot import endpoints
from settings import settings_from

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "digilab.tar.gz"
RUN_DIR = ROOT / ".run"
# `make run-prod`'s stores when the environment names none: the servers already running on these machines.
PRODUCTION_STORES = {
    "TRACKER_STORE_URL": "postgresql://postgres@127.0.0.1:5432/digilab",
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/digilab",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
# Rasa imports TensorFlow: a replica that lives this long has started; dying sooner is a failed start, retried after
# 1 s, 2 s, 3 s… (supervisord's backoff) up to START_RETRIES times.
START_SECONDS = {"rasa": 40, "actions": 5, "api": 5, "balancer": 2, "telegram": 5}
START_RETRIES = 20


@dataclass(frozen=True)
class Program:
    """One supervised process: its name (`rasa-0`, `actions-1`, `api`…), its command, and the URL that says it is up."""

    name: str
    command: list[str]
    ready_url: str | None = None
    kind: str = field(default="")

    def __post_init__(self):
        object.__setattr__(self, "kind", self.kind or self.name.split("-")[0])


@dataclass(frozen=True)
class Topology:
    programs: list[Program]
    env: dict[str, str]
    rasa_url: str
    api_url: str
    balancer_config: str | None = None


def server_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment of the servers: the action server on loopback unless ACTION_HOST says otherwise
    (rasa_sdk reads SANIC_HOST, default 0.0.0.0), and one token for Rasa's HTTP API, drawn when none is set."""
    given = settings_from(env)
    return {**env, "SANIC_HOST": given.action_host, "RASA_TOKEN": given.rasa_token or secrets.token_hex(32)}


def production_env(env: Mapping[str, str]) -> dict[str, str]:
    """`make run-prod`'s environment: PostgreSQL and Redis unless set; one web chat secret for every API worker."""
    return {**PRODUCTION_STORES, **env, "WEB_CHAT_SECRET": env.get("WEB_CHAT_SECRET") or secrets.token_urlsafe(32)}


def rasa_command(*, port: int, endpoints_file: Path, host: str = "127.0.0.1") -> list[str]:
    """Rasa's HTTP API token comes from RASA_TOKEN (bot/rasa_server.py): not on a command line `ps` shows."""
    return [
        sys.executable,
        "-m",
        "bot.rasa_server",
        "run",
        "--model",
        str(MODEL),
        "--endpoints",
        str(endpoints_file),
        "--credentials",
        str(ROOT / "credentials.yml"),
        "--port",
        str(port),
        "--enable-api",
        "--interface",
        host,
    ]


def action_command(port: int) -> list[str]:
    return [sys.executable, "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(port)]


def api_command(port: int, workers: int = 1, host: str = "127.0.0.1") -> list[str]:
    # --ws none: uvicorn's websocket support needs a newer `websockets` than Rasa pins; the API has no websocket.
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "api.main:app",
        "--host",
        host,
        "--port",
        str(port),
        "--ws",
        "none",
        *(["--workers", str(workers)] if workers > 1 else []),
    ]


def development(env: Mapping[str, str], run_dir: Path) -> Topology:
    """`make run`: one action server, one Rasa server, one API process; the stores the environment names."""
    settings = settings_from(env)
    rasa_port, action_port, api_port = settings.rasa_port, settings.action_port, settings.api_port
    # The servers reach Rasa on the port it is started on, unless RASA_URL says otherwise.
    rasa_url = env.get("RASA_URL") or f"http://127.0.0.1:{rasa_port}"
    env = server_env({**env, "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook", "RASA_URL": rasa_url})
    ends = endpoints.write(run_dir / "endpoints.yml", env)
    programs = [
        Program("actions", action_command(action_port), f"http://127.0.0.1:{action_port}/health"),
        Program("rasa", rasa_command(port=rasa_port, endpoints_file=ends), f"http://127.0.0.1:{rasa_port}/"),
        Program("api", api_command(api_port), f"http://127.0.0.1:{api_port}/health"),
    ]
    return Topology(programs + _telegram(env), env, rasa_url, f"http://127.0.0.1:{api_port}")


def production(env: Mapping[str, str], run_dir: Path) -> Topology:
    """`make run-prod`: HAProxy on RASA_PORT in front of RASA_REPLICAS Rasa servers (the next ports), and on
    ACTION_PORT - 1 in front of ACTION_REPLICAS action servers (ACTION_PORT and up); the API in API_WORKERS workers."""
    env = production_env(env)
    settings = settings_from(env)
    rasa_ports = [settings.rasa_port + 1 + i for i in range(settings.rasa_replicas)]
    action_ports = [settings.action_port + i for i in range(settings.action_replicas)]
    action_balancer = settings.action_port - 1
    rasa_url = f"http://127.0.0.1:{settings.rasa_port}"
    env = server_env({**env, "ACTION_SERVER_URL": f"http://127.0.0.1:{action_balancer}/webhook", "RASA_URL": rasa_url})
    if not env.get("PROMETHEUS_MULTIPROC_DIR"):  # the API's workers add up their metrics there; afresh each start
        shutil.rmtree(run_dir / "metrics", ignore_errors=True)
        (run_dir / "metrics").mkdir(parents=True)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(run_dir / "metrics")
    ends = endpoints.write(run_dir / "endpoints.yml", env)
    config = haproxy_config(rasa=(settings.rasa_port, rasa_ports), actions=(action_balancer, action_ports))
    (run_dir / "haproxy.cfg").write_text(config, encoding="utf-8")
    programs = [
        Program(f"actions-{i}", action_command(port), f"http://127.0.0.1:{port}/health")
        for i, port in enumerate(action_ports)
    ]
    programs += [
        Program(f"rasa-{i}", rasa_command(port=port, endpoints_file=ends), f"http://127.0.0.1:{port}/")
        for i, port in enumerate(rasa_ports)
    ]
    programs.append(Program("balancer", [haproxy(), "-db", "-f", str(run_dir / "haproxy.cfg")], f"{rasa_url}/"))
    programs.append(
        Program(
            "api", api_command(settings.api_port, settings.api_workers), f"http://127.0.0.1:{settings.api_port}/health"
        )
    )
    return Topology(programs + _telegram(env), env, rasa_url, f"http://127.0.0.1:{settings.api_port}", config)


def _telegram(env: Mapping[str, str]) -> list[Program]:
    return [Program("telegram", [sys.executable, "-m", "channels.telegram"])] if env.get("TELEGRAM_BOT_TOKEN") else []


def haproxy() -> str:
    return shutil.which("haproxy") or "/usr/sbin/haproxy"


# The action servers answer on loopback (or the pod network) and hold no conversation: a refused connection marks
# one down at once (passive check) and the retry's turn-around is short, so with every action server dead Rasa gets
# HAProxy's 503 in well under a second, and says its polite "temporarily unavailable".
ACTIONS_TIMEOUT = "    timeout connect 250ms\n"
ACTIONS_FAST_DOWN = " observe layer4 error-limit 1 on-error mark-down"


def haproxy_config(*, rasa: tuple, actions: tuple) -> str:
    """Round robin over the replicas, each checked every second (a busy server has 5 s to answer the check; a dead one
    fails it at once, out after 3 s; an action server is out at its first refused connection); a refused connection
    is retried on another replica (a replica killed between two messages costs nobody an answer). A message is never
    sent twice: Rasa has no idempotency, so a replica dying in the middle of a message answers 502, which the API
    turns into its 503."""

    def backend(name: str, listen: int, ports: Sequence[int], check: str, extra: str = "") -> str:
        servers = "\n".join(f"    server {name}-{i} 127.0.0.1:{port} check" for i, port in enumerate(ports))
        return (
            f"frontend {name}\n    bind 127.0.0.1:{listen}\n    default_backend {name}\n\n"
            f"backend {name}\n    balance roundrobin\n    option httpchk GET {check}\n{extra}"
            f"    default-server inter 1s fall 3 rise 1{ACTIONS_FAST_DOWN if extra else ''}\n{servers}\n"
        )

    return (
        "global\n    maxconn 4096\n\n"
        "defaults\n    mode http\n    timeout connect 1s\n    timeout check 5s\n"
        "    timeout client 120s\n    timeout server 120s\n"
        "    retries 3\n    option redispatch 1\n    retry-on conn-failure\n    option http-server-close\n\n"
        + backend("rasa", rasa[0], rasa[1], "/")
        + "\n"
        + backend("actions", actions[0], actions[1], "/health", ACTIONS_TIMEOUT)
    )


def supervisord_config(topology: Topology, run_dir: Path, *, logs: Path | None = None) -> str:
    """supervisord's configuration: each program restarted when it exits, its output on supervisord's own (or one
    file per program in `logs`); stopped as a process group, so uvicorn's workers go with their parent."""
    sections = [
        f"[supervisord]\nnodaemon=true\nlogfile={run_dir / 'supervisord.log'}\npidfile={run_dir / 'supervisord.pid'}\n"
        f"childlogdir={run_dir}\n",
        f"[unix_http_server]\nfile={run_dir / 'supervisor.sock'}\n",
        f"[supervisorctl]\nserverurl=unix://{run_dir / 'supervisor.sock'}\n",
        "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n",
    ]
    for priority, program in enumerate(topology.programs, start=1):
        output = (
            f"stdout_logfile={logs / (program.name + '.log')}\n"
            if logs
            else "stdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n"
        )
        sections.append(
            f"[program:{program.name}]\ncommand={' '.join(_quoted(program.command))}\ndirectory={ROOT}\n"
            f"priority={priority}\nautostart=true\nautorestart=true\nstartsecs={START_SECONDS[program.kind]}\n"
            f"startretries={START_RETRIES}\nstopsignal=TERM\nstopwaitsecs=20\nstopasgroup=true\nkillasgroup=true\n"
            f"redirect_stderr=true\n{output}"
        )
    return "\n".join(sections)


def _quoted(command: Iterable[str]) -> list[str]:
    # supervisord splits its command line with shlex; %% because it expands %(name)s.
    return [shlex.quote(part).replace("%", "%%") for part in command]


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database a URL names when it is missing (a fresh machine has only `test`)."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            if not connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).first():
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def prepare(env: Mapping[str, str], *, prod: bool, run_dir: Path = RUN_DIR, logs: Path | None = None) -> Topology:
    """Write supervisord's (and HAProxy's) configuration into `run_dir`; the stores' databases exist afterwards."""
    run_dir.mkdir(parents=True, exist_ok=True)
    topology = production(env, run_dir) if prod else development(env, run_dir)
    if prod:
        for name in ("TRACKER_STORE_URL", "DATABASE_URL"):
            ensure_database(topology.env[name])
    (run_dir / "supervisord.conf").write_text(supervisord_config(topology, run_dir, logs=logs), encoding="utf-8")
    return topology


def supervisord(run_dir: Path) -> list[str]:
    return [sys.executable, "-m", "supervisor.supervisord", "-c", str(run_dir / "supervisord.conf")]


def supervisorctl(run_dir: Path, *args: str) -> str:
    """Ask the running supervisord (`status`, `pid rasa-0`, `restart api`…)."""
    done = subprocess.run(
        [sys.executable, "-m", "supervisor.supervisorctl", "-c", str(run_dir / "supervisord.conf"), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.strip()


def stop(procs: Iterable[subprocess.Popen], timeout: float = 30) -> None:
    """Ask each process to stop (SIGTERM), wait for it up to `timeout` seconds, then kill what is left.
    The one way processes are stopped: supervisord, the tests' servers and bridges, the benchmarks."""
    procs = list(procs)
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def container(role: str, env: Mapping[str, str], host: str) -> list[str]:
    """One process of the topology, as a container runs it (deploy/): its own port, listening on `host`; the
    balancing is the platform's (compose's HAProxy, a Kubernetes Service)."""
    settings = settings_from(env)
    if role == "rasa":
        ends = endpoints.write(Path(env.get("TMPDIR", "/tmp")) / "endpoints.yml", env)
        return rasa_command(port=settings.rasa_port, endpoints_file=ends, host=host)
    if role == "actions":
        return action_command(settings.action_port)
    return api_command(settings.api_port, settings.api_workers, host)


def free_ports() -> dict[str, int]:
    """RASA_PORT (the balancer) with room for replicas after it, ACTION_PORT with its balancer before it, API_PORT,
    and two spare ports (`spare0`, `spare1`): all free, for a topology beside `make run-prod`'s."""
    while True:
        base = random.randrange(20000, 60000, 20)
        ports = {
            "RASA_PORT": base,
            "ACTION_PORT": base + 11,
            "API_PORT": base + 15,
            "spare0": base + 16,
            "spare1": base + 17,
        }
        if not any(_listening(port) for port in range(base, base + 18)):
            return ports


def _listening(port: int) -> bool:
    return reachable("127.0.0.1", port)


def reachable(host: str, port: int) -> bool:
    """Something accepts connections there."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    """One port nothing listens on, chosen by the kernel."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    """Until `url` answers 200; fails at once if the process serving it exits."""
    import httpx

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


class Supervised:
    """The production topology under supervisord, started and stopped as a whole, its programs killed or paused one
    by one (the fault tests, `make load`)."""

    def __init__(self, workdir: Path, env: Mapping[str, str]):
        if not MODEL.exists():
            raise RuntimeError("no trained model: run `make train`")
        self.workdir, self.env = workdir, dict(env)
        self.proc: subprocess.Popen | None = None
        self.topology: Topology | None = None

    @property
    def api(self) -> str:
        return self.topology.api_url

    def start(self, timeout: float = 240) -> Supervised:
        self.topology = prepare(self.env, prod=True, run_dir=self.workdir, logs=self.workdir)
        self.proc = subprocess.Popen(
            supervisord(self.workdir),
            cwd=ROOT,
            env=self.topology.env,
            stdout=open(self.workdir / "supervisord.out", "a"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        for program in self.topology.programs:
            self.wait_up(program.name, deadline - time.monotonic())
        return self

    def stop(self) -> None:
        if self.proc is not None:
            stop([self.proc], timeout=90)
            self.proc = None

    def program(self, name: str) -> Program:
        return next(p for p in self.topology.programs if p.name == name)

    def is_up(self, name: str) -> bool:
        import httpx

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

    def wait_down(self, name: str, timeout: float = 10) -> None:
        """Until the program's port refuses connections. A process killed with SIGKILL is not gone at once: the
        kernel goes on accepting connections on its port while it tears it down (about 70 ms for a Rasa server), and
        resets them after; a message sent then is one lost mid-message (HAProxy's 502, the API's 503)."""
        address = urlsplit(self.program(name).ready_url)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection((address.hostname, address.port), timeout=0.2).close()
            except ConnectionRefusedError:
                return
            except OSError:
                pass
            time.sleep(0.01)
        raise TimeoutError(f"{name} still accepts connections")

    def pid(self, name: str) -> int:
        return int(supervisorctl(self.workdir, "pid", name))

    def signal(self, name: str, sig: int = signal.SIGKILL) -> int:
        pid = self.pid(name)
        os.kill(pid, sig)
        return pid


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prod", action="store_true", help="the production topology (`make run-prod`)")
    parser.add_argument("--only", choices=["rasa", "actions", "api"], help="one process, in a container (deploy/)")
    parser.add_argument("--host", default="0.0.0.0", help="with --only: where it listens")
    args = parser.parse_args(argv)
    if args.only:
        env = server_env({**os.environ, "ACTION_HOST": args.host}) if args.only == "actions" else dict(os.environ)
        command = container(args.only, env, args.host)
        os.execvpe(command[0], command, env)
    topology = prepare(os.environ, prod=args.prod)
    names = ", ".join(p.name for p in topology.programs)
    print(
        f"supervising {names}: Rasa {topology.rasa_url}, API and web chat {topology.api_url}/ "
        f"(status: {sys.executable} -m supervisor.supervisorctl -c {RUN_DIR / 'supervisord.conf'} status)",
        flush=True,
    )
    # supervisord in the foreground: Ctrl-C or SIGTERM stops every program, then supervisord.
    os.execvpe(sys.executable, supervisord(RUN_DIR), topology.env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
