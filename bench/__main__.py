"""Training time, model size, memory and latency of the assistant, next to a stock `rasa init` bot.

Prints figures; asserts nothing. Run with `make bench` (about ten minutes on two cores).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import httpx

from bot.serve import free_port, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
# Conversations as CPAS staff have them: a handful of messages each, not one endless chat.
SEQUENTIAL_CONVERSATIONS = 25
CONCURRENT_CONVERSATIONS = 20
MESSAGES_PER_CONVERSATION = 8
OURS = [
    "bonjour",
    "on a 42 000 habitants, quel cluster ?",
    "quels documents joindre à la déclaration de créance ?",
    "hoeveel voorschot krijgt OCMW Gent?",
    "tegen wanneer moet de tweede schuldvordering binnen?",
    "peut-on payer un laptop avec le subside ?",
    "wat is DNSH?",
    "merci",
]
STOCK = ["hello", "I am happy", "are you a bot?", "I am sad", "yes", "bye", "hi there", "great"]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def train(project: Path, out: Path, args: list[str]) -> float:
    """Train from scratch: an empty component cache, so nothing is reused from an earlier training."""
    env = {**os.environ, "RASA_CACHE_DIRECTORY": tempfile.mkdtemp(prefix="rasa-cache-")}
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", *args, "--out", str(out), "--fixed-model-name", "bench"],
        cwd=project,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.monotonic() - started


async def _talk(client: httpx.AsyncClient, url: str, sender: str, texts: Sequence[str], n: int) -> list[float]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        reply = await client.post(url, json={"sender": sender, "message": texts[i % len(texts)]}, timeout=60)
        reply.raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    return times


async def latencies(url: str, texts: Sequence[str]) -> dict[str, list[float]]:
    async with httpx.AsyncClient() as client:
        # The first reply after the servers say they are ready: what the first user after a (re)start waits.
        first = await _talk(client, url, "warmup", texts, len(texts))
        sequential = [
            t
            for i in range(SEQUENTIAL_CONVERSATIONS)
            for t in await _talk(client, url, f"seq-{i}-{uuid.uuid4().hex[:6]}", texts, MESSAGES_PER_CONVERSATION)
        ]
        batches = await asyncio.gather(
            *[
                _talk(client, url, f"conc-{i}-{uuid.uuid4().hex[:6]}", texts, MESSAGES_PER_CONVERSATION)
                for i in range(CONCURRENT_CONVERSATIONS)
            ]
        )
    return {"first": first[0], "sequential": sequential, "concurrent": [t for b in batches for t in b]}


def serve_and_measure(
    project: Path, model: Path, texts: Sequence[str], *, actions: bool, tracker_store: str = "memory"
) -> dict:
    rasa_port, action_port = free_port(), free_port()
    procs = []
    env = {**os.environ}
    args = ["--model", str(model), "--port", str(rasa_port), "--interface", "127.0.0.1"]
    if actions:
        from bot import endpoints

        env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{action_port}/webhook"
        env["TRACKER_STORE_URL"] = tracker_store
        ends = endpoints.write(project / "bench-endpoints.yml", env)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(action_port)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        args += ["--endpoints", str(ends), "--credentials", str(ROOT / "credentials.yml")]
    # Ours runs as `make run` does (bot.rasa_server); the stock bot with plain Rasa.
    rasa = subprocess.Popen(
        [sys.executable, "-m", "bot.rasa_server" if actions else "rasa", "run", *args],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    procs.append(rasa)
    try:
        wait_for(f"http://127.0.0.1:{rasa_port}/", rasa)
        if actions:
            wait_for(f"http://127.0.0.1:{action_port}/health", procs[0])
        result = asyncio.run(latencies(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", texts))
        result["rss_mb"] = rss_mb(rasa.pid)
        return result
    finally:
        stop(procs)


def stats(times: Sequence[float]) -> str:
    return (
        f"p50 {percentile(times, 50):6.1f} ms  p95 {percentile(times, 95):6.1f} ms  "
        f"p99 {percentile(times, 99):6.1f} ms  (n={len(times)})"
    )


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="digilab-bench-"))
    try:
        from bot.train import write_generated

        write_generated()
        ours_train = train(
            ROOT, work / "ours", ["--config", "config.yml", "--domain", "domain.yml", "--data", "bot/data"]
        )
        ours_model = work / "ours" / "bench.tar.gz"
        ours_size = ours_model.stat().st_size / 1e6
        stock_dir = work / "stock"
        stock_dir.mkdir()
        subprocess.run(
            [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(stock_dir)],
            cwd=work,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=900,
        )
        shutil.rmtree(stock_dir / "models", ignore_errors=True)
        stock_train = train(stock_dir, stock_dir / "models", [])
        stock_model = stock_dir / "models" / "bench.tar.gz"
        stock_size = stock_model.stat().st_size / 1e6
        ours = serve_and_measure(ROOT, ours_model, OURS, actions=True, tracker_store="memory")
        ours_sqlite = serve_and_measure(
            ROOT, ours_model, OURS, actions=True, tracker_store=f"sqlite:///{work}/bench-trackers.db"
        )
        stock = serve_and_measure(stock_dir, stock_model, STOCK, actions=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"training time       ours {ours_train:6.1f} s   stock rasa init {stock_train:6.1f} s")
    print(f"model size          ours {ours_size:6.1f} MB   stock {stock_size:6.1f} MB")
    print(f"Rasa server memory  ours {ours['rss_mb']:6.0f} MB   stock {stock['rss_mb']:6.0f} MB (RSS after the run)")
    print(f"first reply         ours {ours['first']:6.0f} ms   stock {stock['first']:6.0f} ms (once ready)")
    print("latency: ours with in-memory stores like the stock bot; ours+sqlite as `make run` keeps conversations")
    for mode in ("sequential", "concurrent"):
        label = "sequential" if mode == "sequential" else f"{CONCURRENT_CONVERSATIONS} concurrent"
        print(f"latency {label:14} ours  {stats(ours[mode])}")
        print(f"latency {label:14} ours+sqlite {stats(ours_sqlite[mode])}")
        print(f"latency {label:14} stock {stats(stock[mode])}")
        print(
            f"latency {label:14} ratio p50 {percentile(ours[mode], 50) / percentile(stock[mode], 50):.2f}  "
            f"p95 {percentile(ours[mode], 95) / percentile(stock[mode], 95):.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
