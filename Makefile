# Digilab assistant — the way in. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9

# Rasa 3.6 installs on Python 3.10 only: PATH first, then pyenv, then uv's own finder.
PYTHON310 ?= $(shell for c in python3.10 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.10*/bin/python 2>/dev/null) \
	$$(uv python find 3.10 2>/dev/null); do \
	"$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null && { command -v "$$c"; break; }; done)
UV ?= $(shell command -v uv 2>/dev/null || echo .uv/bin/uv)

# The model also depends on our NLU components' code and on the names in knowledge/.
MODEL_INPUTS := config.yml domain.yml $(wildcard bot/data/*.yml bot/data/nlu/*.yml) \
	$(wildcard knowledge/data/*.yml knowledge/data/*/*.yml) bot/nlu.py bot/language.py bot/sentences.py bot/train.py bot/retrieval.py

.PHONY: help install lock run run-prod load api test unit train eval bench telegram lint clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

.uv/bin/uv:
	@#  uv gives one lock file for the whole stack and installs it in seconds.
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is required (Rasa 3.6 does not install on 3.11)."; \
		echo "Install it with 'pyenv install 3.10' or 'uv python install 3.10', or set PYTHON310=/path/to/python3.10."; exit 1; }
	$(PYTHON310) -m venv .uv
	.uv/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: requirements.lock | $(if $(findstring .uv/bin/uv,$(UV)),.uv/bin/uv)
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is required (Rasa 3.6 does not install on 3.11)."; \
		echo "Install it with 'pyenv install 3.10' or 'uv python install 3.10', or set PYTHON310=/path/to/python3.10."; exit 1; }
	test -x $(PY) || $(UV) venv --python $(PYTHON310) $(VENV)
	@#  Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set, every run would compile Rasa's imports again.
	$(UV) pip sync --compile-bytecode --python $(PY) requirements.lock
	@touch $@

install: $(VENV)/.synced  ## create .venv from requirements.lock (Python 3.10)

lock: | $(if $(findstring .uv/bin/uv,$(UV)),.uv/bin/uv)  ## re-resolve requirements.lock from pyproject.toml
	$(UV) pip compile pyproject.toml --group dev --python $(PYTHON310) \
		--python-platform x86_64-manylinux_2_28 -o requirements.lock

models/.trained: $(MODEL_INPUTS) | $(VENV)/.synced
	@#  Retrain only when the model is missing or older than its data.
	$(PY) -m bot.train
	@touch $@

train: models/.trained  ## train the Rasa model if it is missing or out of date

run: install  ## start the assistant: action server :5055, Rasa :5005, API and web chat :8000 (supervised)
	$(if $(wildcard domain.yml),$(MAKE) train && $(PY) -m bot.serve,$(PY) -m uvicorn api.main:app --host 127.0.0.1 --port 8000 --ws none)

HAPROXY ?= /usr/sbin/haproxy

$(HAPROXY):
	@#  run-prod's load balancer comes from Debian's packages, as Chromium does.
	@command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] || { echo "Install Debian's haproxy (apt-get install haproxy)."; exit 1; }
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null

run-prod: install $(HAPROXY)  ## production topology on loopback: HAProxy :5005 → Rasa :5006 :5007, actions :5055 :5056, API 2 workers :8000, PostgreSQL, Redis
	$(MAKE) train
	$(PY) -m bot.serve --prod

api: install  ## start only the HTTP API on :8000
	$(PY) -m uvicorn api.main:app --host 127.0.0.1 --port 8000 --ws none

CHROMIUM ?= /usr/bin/chromium

$(CHROMIUM):
	@#  Browser tests drive Debian's Chromium: a test tool's own browser download is not possible here.
	@command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] || { echo "Install Debian's chromium (apt-get install chromium) or set CHROMIUM=/path/to/chromium."; exit 1; }
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

test: install $(CHROMIUM) $(HAPROXY)  ## run every test (unit, API, database on SQLite and PostgreSQL, end-to-end, faults, browser)
	$(MAKE) train
	CHROMIUM=$(CHROMIUM) $(PY) -m pytest

unit: install  ## the fast loop: every test but end-to-end, fault, browser and trained-model ones (no training, no browser)
	@#  No `train` and no Chromium: the code's own tests only, in under a minute.
	$(PY) -m pytest -q -m "not e2e and not browser and not model and not faults"

eval: install train  ## end-to-end answer benchmark: dev and test halves per topic and language (real servers)
	$(PY) -m tests.eval

bench: install train  ## print training time, model size, memory and latency figures
	$(PY) -m bench

load: install train $(HAPROXY)  ## run-prod's topology loaded on loopback (<2 min): throughput and latency, 1 and 2 Rasa replicas
	$(PY) -m bench.load

lint: install  ## ruff: names, imports (sorted), likely bugs, Python 3.10 idioms, blind excepts; and the format
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

telegram: install  ## start only the Telegram bridge (needs TELEGRAM_BOT_TOKEN)
	$(PY) -m channels.telegram

clean:  ## remove the environment, models and caches
	rm -rf $(VENV) .uv models .pytest_cache digilab.db
