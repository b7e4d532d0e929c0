"""`make load`: the production topology (PostgreSQL tracker store, Redis lock store, two Rasa replicas behind
HAProxy), loaded on loopback for under two minutes; one replica is measured on its own port, two through HAProxy.

For each: the throughput at saturation (CONCURRENT conversations, each sending its next message as soon as the last
is answered) with its latencies, and the latencies at a fixed open-loop arrival rate (RATE messages per second,
whatever the answers' pace). Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, text

from bench.__main__ import OURS, percentile
from bot.serve import Supervised, free_ports

CONCURRENT = 20
SATURATION_SECONDS = 15
RATE = 10
OPEN_LOOP_SECONDS = 15
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


async def _conversation(client: httpx.AsyncClient, url: str, until: float, times: list[float]) -> None:
    while time.monotonic() < until:
        sender = f"load-{uuid.uuid4().hex[:10]}"
        for message in OURS:
            if time.monotonic() >= until:
                return
            started = time.perf_counter()
            reply = await client.post(url, json={"sender": sender, "message": message})
            reply.raise_for_status()
            times.append((time.perf_counter() - started) * 1000)


async def saturation(url: str) -> dict:
    times: list[float] = []
    limits = httpx.Limits(max_connections=CONCURRENT * 2)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        started = time.monotonic()
        until = started + SATURATION_SECONDS
        await asyncio.gather(*[_conversation(client, url, until, times) for _ in range(CONCURRENT)])
        elapsed = time.monotonic() - started
    return {"throughput": len(times) / elapsed, "times": times}


async def open_loop(url: str) -> dict:
    """One message every 1/RATE s, each the opening of a conversation of its own, sent whether or not the earlier
    ones were answered."""
    times: list[float] = []

    async def one(client: httpx.AsyncClient, i: int) -> None:
        started = time.perf_counter()
        reply = await client.post(url, json={"sender": f"open-{uuid.uuid4().hex[:10]}", "message": OURS[i % len(OURS)]})
        reply.raise_for_status()
        times.append((time.perf_counter() - started) * 1000)

    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=200)) as client:
        tasks, started = [], time.monotonic()
        for i in range(RATE * OPEN_LOOP_SECONDS):
            await asyncio.sleep(max(0.0, started + i / RATE - time.monotonic()))
            tasks.append(asyncio.create_task(one(client, i)))
        await asyncio.gather(*tasks)
    return {"times": times}


def stats(times: Sequence[float]) -> str:
    return " / ".join(f"{percentile(times, q):5.0f}" for q in (50, 95, 99)) + f" ms (n={len(times)})"


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="digilab-load-"))
    schema = f"load_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL, future=True)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = f"{PG_URL}?options={quote(f'-csearch_path={schema}')}"
    ports = free_ports()
    env = {
        **os.environ,
        **{k: str(v) for k, v in ports.items() if k.isupper()},
        "TRACKER_STORE_URL": database,
        "DATABASE_URL": database,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "RASA_REPLICAS": "2",
        "ACTION_REPLICAS": "2",
        "TELEGRAM_BOT_TOKEN": "",
    }
    env.pop("RASA_URL", None)
    topology = Supervised(work, env)
    results = {}
    try:
        topology.start()
        one = f"{topology.program('rasa-0').ready_url}webhooks/rest/webhook"
        two = f"{topology.topology.rasa_url}/webhooks/rest/webhook"
        for url in (one, two):  # each replica and action server has answered once before the clock starts
            for message in OURS:
                httpx.post(url, json={"sender": f"warm-{uuid.uuid4().hex[:6]}", "message": message}, timeout=120)
        for label, url in (("1 replica ", one), ("2 replicas", two)):
            print(f"loading {label.strip()}…", file=sys.stderr, flush=True)
            results[label] = {"saturation": asyncio.run(saturation(url)), "open": asyncio.run(open_loop(url))}
    finally:
        topology.stop()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        shutil.rmtree(work, ignore_errors=True)

    print(f"make load, {os.cpu_count()} cores, PostgreSQL tracker store, Redis lock store, 2 action servers")
    print(
        f"{'':11} throughput at saturation ({CONCURRENT} conversations)   p50 / p95 / p99 there"
        f"      p50 / p95 / p99 at {RATE} messages/s open loop"
    )
    for label, result in results.items():
        sat = result["saturation"]
        print(
            f"{label}  {sat['throughput']:6.1f} messages/s {'':24} {stats(sat['times'])}   "
            f"{stats(result['open']['times'])}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
