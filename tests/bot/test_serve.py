"""`make run` and `make run-prod` as supervisord and HAProxy will read them (no process started here)."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.serve import prepare, production, stop, supervisord_config

BASE = {"RASA_PORT": "5005", "ACTION_PORT": "5055", "API_PORT": "8000", "TRACKER_STORE_URL": "memory"}


def programs(config: str) -> dict:
    """supervisord's sections as {program: {key: value}}."""
    found, current = {}, None
    for line in config.splitlines():
        if line.startswith("[program:"):
            current = found.setdefault(line[len("[program:") : -1], {})
        elif current is not None and "=" in line:
            key, value = line.split("=", 1)
            current[key] = value
    return found


def test_make_run_supervises_one_of_each_and_restarts_what_dies(tmp_path):
    prepare(BASE, prod=False, run_dir=tmp_path)
    found = programs((tmp_path / "supervisord.conf").read_text())
    assert sorted(found) == ["actions", "api", "rasa"]
    assert all(p["autorestart"] == "true" and int(p["startretries"]) > 1 for p in found.values())


def test_make_run_prod_puts_two_rasa_replicas_and_two_action_servers_behind_haproxy(tmp_path):
    topology = production({**BASE, "REDIS_URL": "redis://127.0.0.1:6379/0"}, tmp_path)
    found = programs(supervisord_config(topology, tmp_path))
    assert sorted(found) == ["actions-0", "actions-1", "api", "balancer", "rasa-0", "rasa-1"]
    assert "--workers 2" in found["api"]["command"]
    haproxy = topology.balancer_config
    assert "bind 127.0.0.1:5005" in haproxy and "127.0.0.1:5006 check" in haproxy and "127.0.0.1:5007 check" in haproxy
    assert "bind 127.0.0.1:5054" in haproxy and "127.0.0.1:5055 check" in haproxy and "127.0.0.1:5056 check" in haproxy
    assert topology.env["ACTION_SERVER_URL"] == "http://127.0.0.1:5054/webhook"
    assert "lock_store" in (tmp_path / "endpoints.yml").read_text()


def test_the_number_of_replicas_is_a_setting(tmp_path):
    topology = production({**BASE, "RASA_REPLICAS": "3", "ACTION_REPLICAS": "1", "API_WORKERS": "4"}, tmp_path)
    names = [p.name for p in topology.programs]
    assert names.count("actions-0") == 1 and "actions-1" not in names and "rasa-2" in names
    assert "127.0.0.1:5008 check" in topology.balancer_config


def test_production_defaults_to_the_local_postgresql_and_redis_and_shares_its_secrets(tmp_path):
    env = production({"RASA_PORT": "5005"}, tmp_path).env
    assert env["TRACKER_STORE_URL"].startswith("postgresql://") and env["DATABASE_URL"].startswith("postgresql://")
    assert env["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    # One secret in the environment every worker and replica inherits: a cookie signed by one worker reads in another.
    assert len(env["WEB_CHAT_SECRET"]) >= 24 and len(env["RASA_TOKEN"]) >= 24
    given = production({"DATABASE_URL": "sqlite:///x.db", "WEB_CHAT_SECRET": "s" * 32}, tmp_path).env
    assert given["DATABASE_URL"] == "sqlite:///x.db" and given["WEB_CHAT_SECRET"] == "s" * 32


def test_the_rasa_token_is_not_on_a_command_line(tmp_path):
    topology = production({**BASE, "RASA_TOKEN": "t" * 32}, tmp_path)
    assert not any("t" * 32 in " ".join(p.command) for p in topology.programs)
    assert "t" * 32 not in supervisord_config(topology, tmp_path)


@pytest.mark.parametrize("ignores_term", [False, True])
def test_stop_ends_a_process_even_one_that_ignores_sigterm(ignores_term):
    code = (
        "import signal, time\n"
        + ("signal.signal(signal.SIGTERM, signal.SIG_IGN)\n" if ignores_term else "")
        + "print('ready', flush=True)\ntime.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    stop([proc], timeout=1)
    assert proc.poll() is not None
    proc.stdout.close()


def test_a_supervisord_configuration_is_read_by_supervisord(tmp_path):
    prepare(BASE, prod=False, run_dir=tmp_path)
    from supervisor.options import ServerOptions

    options = ServerOptions()
    options.realize(["-c", str(tmp_path / "supervisord.conf")])
    assert sorted(group.name for group in options.process_group_configs) == ["actions", "api", "rasa"]


def test_haproxy_accepts_the_production_configuration(tmp_path):
    topology = production(BASE, tmp_path)
    haproxy = Path(topology.programs[-2].command[0])
    if not haproxy.exists():
        pytest.skip("HAProxy is not installed (make run-prod installs it)")
    done = subprocess.run([str(haproxy), "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
