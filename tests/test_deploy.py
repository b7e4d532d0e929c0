"""deploy/ describes the same topology as `make run-prod`, with secrets from the environment; each file passes the
validation its tool allows without a Docker engine or a cluster (docker-compose config, haproxy -c)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.serve import haproxy
from settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
SECRETS = {"RASA_TOKEN", "WEB_CHAT_SECRET", "HELPDESK_TOKEN"}


def manifests():
    return [doc for doc in yaml.safe_load_all((DEPLOY / "k8s" / "digilab.yaml").read_text()) if doc]


def deployment(name):
    return next(d for d in manifests() if d["kind"] == "Deployment" and d["metadata"]["name"] == name)


def container(name):
    return deployment(name)["spec"]["template"]["spec"]["containers"][0]


def test_kubernetes_runs_replicas_of_rasa_and_the_action_server_probed_like_rasas_chart():
    assert (
        deployment("digilab-rasa")["spec"]["replicas"] >= 2 and deployment("digilab-actions")["spec"]["replicas"] >= 2
    )
    rasa = container("digilab-rasa")
    assert "/status?token=" in " ".join(rasa["readinessProbe"]["exec"]["command"])
    assert rasa["livenessProbe"]["httpGet"]["path"] == "/"
    api = container("digilab-api")
    assert api["readinessProbe"]["httpGet"]["path"] == api["livenessProbe"]["httpGet"]["path"] == "/health"


def test_kubernetes_takes_every_secret_from_a_secret_and_names_only_settings_that_exist():
    settings = {name.upper() for name in Settings.__fields__}
    for name in ("digilab-rasa", "digilab-actions", "digilab-api"):
        spec = container(name)
        assert {"secretRef": {"name": "digilab-secrets"}} in spec["envFrom"]
        given = {e["name"] for e in spec.get("env", [])}
        assert given <= settings and not given & SECRETS


def compose():
    return yaml.safe_load((DEPLOY / "compose.yml").read_text())


def test_compose_has_the_run_prod_topology_and_refuses_to_start_without_its_secrets():
    services = compose()["services"]
    assert services["rasa"]["scale"] == 2 and services["actions"]["scale"] == 2
    assert {"balancer", "api", "postgres", "redis"} <= set(services)
    text = (DEPLOY / "compose.yml").read_text()
    for secret in SECRETS:
        assert re.search(rf"{secret}: \$\{{{secret}:\?", text), secret


def test_the_image_runs_each_role_through_bot_serve():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "requirements.lock" in dockerfile and '"bot.serve"' in dockerfile and "python -m bot.train" in dockerfile
    roles = {
        tuple(s["command"])
        for s in compose()["services"].values()
        if "command" in s and s.get("image", "").startswith("digilab")
    }
    assert roles == {("rasa",), ("actions",), ("api",)}


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed")
def test_docker_compose_accepts_the_compose_file():
    env = {**os.environ, **{name: "x" * 32 for name in SECRETS | {"POSTGRES_PASSWORD"}}}
    done = subprocess.run(
        ["docker-compose", "-f", str(DEPLOY / "compose.yml"), "config", "-q"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_haproxy_accepts_the_compose_balancer():
    if not Path(haproxy()).exists():
        pytest.skip("HAProxy is not installed (make run-prod installs it)")
    done = subprocess.run([haproxy(), "-c", "-f", str(DEPLOY / "haproxy.cfg")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
