"""Play every case through the real Rasa server and score the last replies, per topic and language."""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tests.e2e.servers import Chat
from tests.eval.checks import LANGS, Case


@dataclass
class Result:
    case: Case
    reply: str
    missed: list[str]

    @property
    def passed(self) -> bool:
        return not self.missed


def play(rasa_url: str, case: Case) -> Result:
    """One fresh conversation: every turn said in order; only the last reply is checked."""
    chat = Chat(rasa_url, f"eval-{case.id}-{uuid.uuid4().hex[:6]}")
    reply = ""
    for turn in case.turns:
        reply = chat.say(turn)
    return Result(case, reply, case.failures(reply))


def run_cases(rasa_url: str, cases: Sequence[Case], *, workers: int = 4) -> list[Result]:
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda c: play(rasa_url, c), cases))


def accuracy(results: Sequence[Result], lang: str) -> float:
    mine = [r for r in results if r.case.lang == lang]
    return sum(r.passed for r in mine) / len(mine) if mine else 0.0


def table(results: Sequence[Result]) -> str:
    """Accuracy per topic and language, then the totals and the median reply length."""
    cells: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for r in results:
        cells[r.case.topic][r.case.lang].append(r.passed)
        cells["ALL"][r.case.lang].append(r.passed)
    lines = [f"{'topic':<16}" + "".join(f"{lang:>14}" for lang in LANGS)]
    for topic in sorted(cells, key=lambda t: (t == "ALL", t)):
        row = "".join(
            f"{sum(v)}/{len(v)} {sum(v) / len(v):5.2f}".rjust(14) if (v := cells[topic][lang]) else " " * 14
            for lang in LANGS
        )
        lines.append(f"{topic:<16}{row}")
    lengths = [len(r.reply) for r in results]
    multi = sum(len(r.case.turns) > 1 for r in results)
    out = sum(r.case.out_of_scope for r in results)
    lines.append(
        f"median reply length {statistics.median(lengths):.0f} characters; "
        f"{multi} multi-turn ({multi / len(results):.0%}), {out} out of scope ({out / len(results):.0%})"
    )
    return "\n".join(lines)
