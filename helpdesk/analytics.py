"""What the assistant deflects: conversations, handoffs and unanswered questions, read from Rasa's tracker store.

Rasa's SQLTrackerStore keeps one row per event in `events` (sender_id, type_name, timestamp,
intent_name, action_name, data = the event as JSON). A conversation is one Rasa session of a
sender: its events from one `session_started` to the next, with at least one user message.

Each conversation has one outcome (`outcome`), the honest deflection figure:
- handed_off: a helpdesk ticket was made from it;
- abandoned: a person was asked for (the handoff intent or form) and the conversation ended without a ticket;
- otherwise the last of these decides: an answer that cited a source (answered), a fallback or "I don't know"
  (fell_back), a thumbs down on an answer (thumbs_down);
- no_answer: none of them, e.g. a greeting alone, or answers without a source.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import column, create_engine, inspect, or_, select, table
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from helpdesk.feedback import feedback_counts
from helpdesk.masking import mask_personal_data, mask_reply
from helpdesk.models import Feedback, Ticket
from knowledge.models import LANGUAGES

# Helpdesk staff count days in Belgian time, not UTC.
TIMEZONE = ZoneInfo("Europe/Brussels")
FALLBACK_INTENT = "nlu_fallback"
HANDOFF_INTENT = "human_handoff"
DONT_KNOW_ACTION = "action_dont_know"
# Answer actions utter this too when no fact matches: the question went unanswered all the same.
DONT_KNOW_RESPONSE = "utter_dont_know"
TOP_INTENTS = 10
HANDOFF_FORM = "handoff_form"
# The source line every factual answer ends with (domain.yml: "Source : {source}", "Bron: {source}", …).
SOURCE_LINE = re.compile(r"^(?:Sources? :|Bron(?:nen)?:) \S", re.MULTILINE)

# A conversation's outcome, in the order the statistics show them.
ANSWERED, FELL_BACK, HANDED_OFF, THUMBS_DOWN, ABANDONED, NO_ANSWER = (
    "answered",
    "fell_back",
    "handed_off",
    "thumbs_down",
    "abandoned",
    "no_answer",
)
OUTCOMES = (ANSWERED, FELL_BACK, HANDED_OFF, THUMBS_DOWN, ABANDONED, NO_ANSWER)
# Rasa writes events with json.dumps defaults, so a SlotSet of these slots always contains their quoted name.
_LANGUAGE_SLOT_MARK = '"language"'
_SCORE_SLOT_MARK = '"answer_score"'

EVENTS = table(
    "events",
    column("id"),
    column("sender_id"),
    column("type_name"),
    column("timestamp"),
    column("intent_name"),
    column("action_name"),
    column("data"),
)


@dataclass(frozen=True)
class EventRow:
    """The columns of one `events` row that the statistics need."""

    sender_id: str
    type_name: str
    timestamp: float
    intent_name: str | None = None
    action_name: str | None = None
    data: str | None = None


@dataclass
class Turn:
    """One user message and what came of it."""

    sender_id: str
    at: float
    text: str
    intent: str | None
    language: str
    fallback: bool = False
    form_input: bool = False  # typed while a form asked for it (an organisation, an e-mail)
    confidence: float | None = None  # of the intent the model read in it
    answer_score: float | None = None  # ranking score of the knowledge item given in answer (bot/retrieval.py)
    reply: str = ""  # what the assistant answered (masked)


@dataclass
class Conversation:
    sender_id: str
    turns: list[Turn] = field(default_factory=list)
    handoff: bool = False  # a person was asked for, or a ticket made
    ticket: bool = False
    # (epoch, ANSWERED | FELL_BACK | THUMBS_DOWN): what the assistant's answers came to, in order.
    marks: list[tuple[float, str]] = field(default_factory=list)

    @property
    def started(self) -> float:
        return self.turns[0].at

    @property
    def language(self) -> str:
        """The language of its last message: the one its outcome was reached in."""
        return self.turns[-1].language

    @property
    def outcome(self) -> str:
        if self.ticket:
            return HANDED_OFF
        if self.handoff:
            return ABANDONED
        if not self.marks:
            return NO_ANSWER
        return max(self.marks, key=lambda mark: mark[0])[1]


@dataclass(frozen=True)
class DayStats:
    day: date
    conversations: int
    handoffs: int

    @property
    def deflection_rate(self) -> float | None:
        return deflection_rate(self.conversations, self.handoffs)


@dataclass(frozen=True)
class Breakdown:
    """How many conversations came to each outcome: in all, per language, and per local day and language."""

    total: dict[str, int]
    per_language: dict[str, dict[str, int]]
    per_day: list[tuple[date, dict[str, dict[str, int]]]]

    @property
    def answered_rate(self) -> float | None:
        """Share of conversations the assistant answered by the rule above; None without conversations."""
        count = sum(self.total.values())
        return round(self.total[ANSWERED] / count, 4) if count else None


def _zero() -> dict[str, int]:
    return {outcome: 0 for outcome in OUTCOMES}


def breakdown(conversations: Sequence[Conversation], *, days: Sequence[date]) -> Breakdown:
    total, per_language = _zero(), {"fr": _zero(), "nl": _zero()}
    per_day = {day: {"fr": _zero(), "nl": _zero()} for day in days}
    for conversation in conversations:
        outcome, lang = conversation.outcome, conversation.language
        total[outcome] += 1
        per_language[lang][outcome] += 1
        per_day[local_day(conversation.started)][lang][outcome] += 1
    return Breakdown(total=total, per_language=per_language, per_day=list(per_day.items()))


@dataclass(frozen=True)
class Stats:
    since: date
    until: date
    conversations: int
    handoffs: int
    fallbacks: list[Turn]
    per_day: list[DayStats]
    top_intents: dict[str, list[tuple[str, int]]]
    feedback: dict[str, int]
    breakdown: Breakdown

    @property
    def deflection_rate(self) -> float | None:
        return deflection_rate(self.conversations, self.handoffs)


def deflection_rate(conversations: int, handoffs: int) -> float | None:
    """Share of conversations that ended without a person taking over; None without conversations."""
    return round((conversations - handoffs) / conversations, 4) if conversations else None


# ---- reading --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def tracker_engine(url: str) -> Engine:
    """An engine on Rasa's database; it never creates tables there (the statistics read, helpdesk/privacy.py
    deletes)."""
    args = {"check_same_thread": False} if url.startswith("sqlite") else {}
    return create_engine(url, future=True, pool_pre_ping=True, connect_args=args)


def _sqlite_file_missing(url: str) -> bool:
    # Connecting would create an empty file where Rasa has not written yet.
    path = url.split(":///", 1)[1] if url.startswith("sqlite") and ":///" in url else ""
    return bool(path) and path != ":memory:" and not Path(path.split("?", 1)[0]).exists()


def has_events(url: str) -> bool:
    """Whether Rasa has made its `events` table at `url` (never with `memory`, Rasa's in-memory store)."""
    if url == "memory" or _sqlite_file_missing(url):
        return False
    return inspect(tracker_engine(url)).has_table("events")


def read_events(url: str, *, since: float) -> list[EventRow]:
    """The events since `since` (epoch seconds) that say who spoke, in which language, and what followed."""
    if not has_events(url):
        return []
    engine = tracker_engine(url)
    query = (
        select(
            EVENTS.c.sender_id,
            EVENTS.c.type_name,
            EVENTS.c.timestamp,
            EVENTS.c.intent_name,
            EVENTS.c.action_name,
            EVENTS.c.data,
        )
        .where(EVENTS.c.timestamp >= since)
        .where(EVENTS.c.type_name.in_(("user", "slot", "bot", "action", "session_started", "active_loop")))
        .where(
            or_(
                EVENTS.c.type_name != "slot",
                EVENTS.c.data.like(f"%{_LANGUAGE_SLOT_MARK}%"),
                EVENTS.c.data.like(f"%{_SCORE_SLOT_MARK}%"),
            )
        )
        .order_by(EVENTS.c.sender_id, EVENTS.c.id)
    )
    with engine.connect() as connection:
        return [
            EventRow(r.sender_id, r.type_name, r.timestamp or 0.0, r.intent_name, r.action_name, r.data)
            for r in connection.execute(query)
        ]


def read_tickets(session: Session, *, since: datetime) -> list[tuple[str, datetime]]:
    """(conversation id, creation time) of the tickets created since `since`."""
    query = select(Ticket.conversation_id, Ticket.created_at).where(Ticket.created_at >= since)
    return [(conversation_id, created_at) for conversation_id, created_at in session.execute(query)]


def read_thumbs_down(session: Session, *, since: datetime) -> list[tuple[str, datetime]]:
    """(conversation id, time) of the thumbs down given since `since`."""
    query = (
        select(Feedback.conversation_id, Feedback.created_at)
        .where(Feedback.created_at >= since)
        .where(Feedback.rating == -1)
    )
    return [(conversation_id, created_at) for conversation_id, created_at in session.execute(query)]


# ---- computing ------------------------------------------------------------------------------------------------


def event_json(text: str | None) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def conversations_from(rows: Iterable[EventRow]) -> list[Conversation]:
    """Group the events, ordered by sender then id, into conversations; mark fallbacks, sourced answers, handoffs.

    What is typed while the handoff form runs (the question, an organisation, an e-mail) answers the form: it
    is never an unanswered question, whatever intent the model gave it.
    """
    conversations: list[Conversation] = []
    current: Conversation | None = None
    language, in_form = "fr", False
    for row in rows:
        if current is None or row.sender_id != current.sender_id:
            current, language, in_form = _start(conversations, row.sender_id), "fr", False
        if row.type_name == "session_started":
            in_form = False
            if current.turns:
                current = _start(conversations, row.sender_id)
        elif row.type_name == "user":
            # Masked here, so that neither the fallback page nor the export can show who asked.
            event = event_json(row.data)
            text = mask_personal_data(str(event.get("text") or ""))
            fallback = row.intent_name == FALLBACK_INTENT and not in_form
            current.turns.append(
                Turn(
                    row.sender_id,
                    row.timestamp,
                    text,
                    row.intent_name,
                    language,
                    fallback=fallback,
                    form_input=in_form,
                    confidence=_confidence(event),
                )
            )
            current.handoff = current.handoff or row.intent_name == HANDOFF_INTENT
            if fallback:
                current.marks.append((row.timestamp, FELL_BACK))
        elif row.type_name == "slot":
            event = event_json(row.data)
            if event.get("name") == "language" and event.get("value") in LANGUAGES:
                language = event["value"]
                # The language is set right after the message it was detected in.
                if current.turns:
                    current.turns[-1].language = language
            elif event.get("name") == "answer_score" and current.turns and isinstance(event.get("value"), int | float):
                current.turns[-1].answer_score = float(event["value"])
        elif row.type_name == "active_loop":
            in_form = bool(event_json(row.data).get("name"))
            current.handoff = current.handoff or event_json(row.data).get("name") == HANDOFF_FORM
        elif current.turns and not in_form:
            _answered(current, row)
    return [c for c in conversations if c.turns]


def _answered(conversation: Conversation, row: EventRow) -> None:
    """What the assistant did after the latest message: its reply, a fallback, an answer citing a source."""
    turn = conversation.turns[-1]
    text = str(event_json(row.data).get("text") or "") if row.type_name == "bot" else ""
    if text:
        turn.reply = f"{turn.reply}\n\n{mask_reply(text)}".strip()
    if _is_dont_know(row):
        turn.fallback = True
        conversation.marks.append((row.timestamp, FELL_BACK))
    elif SOURCE_LINE.search(text):
        conversation.marks.append((row.timestamp, ANSWERED))


def _confidence(event: dict) -> float | None:
    value = ((event.get("parse_data") or {}).get("intent") or {}).get("confidence")
    return float(value) if isinstance(value, int | float) else None


def _start(conversations: list[Conversation], sender_id: str) -> Conversation:
    conversation = Conversation(sender_id)
    conversations.append(conversation)
    return conversation


def _is_dont_know(row: EventRow) -> bool:
    if row.type_name == "action":
        return row.action_name == DONT_KNOW_ACTION
    if row.type_name == "bot":
        return (event_json(row.data).get("metadata") or {}).get("utter_action") == DONT_KNOW_RESPONSE
    return False


def mark_tickets(conversations: Sequence[Conversation], tickets: Iterable[tuple[str, datetime]]) -> None:
    """A ticket marks the conversation of its sender that was under way when it was created."""
    for conversation, _ in _under_way(conversations, tickets):
        conversation.handoff = conversation.ticket = True


def mark_thumbs_down(conversations: Sequence[Conversation], thumbs: Iterable[tuple[str, datetime]]) -> None:
    """A thumbs down marks the conversation of its sender that was under way, at the time it was given."""
    for conversation, at in _under_way(conversations, thumbs):
        conversation.marks.append((at, THUMBS_DOWN))


def _under_way(
    conversations: Sequence[Conversation], moments: Iterable[tuple[str, datetime]]
) -> Iterable[tuple[Conversation, float]]:
    by_sender: dict[str, list[Conversation]] = {}
    for conversation in conversations:
        by_sender.setdefault(conversation.sender_id, []).append(conversation)
    for sender_id, moment in moments:
        candidates = by_sender.get(sender_id)
        if not candidates:
            continue
        at = _epoch(moment)
        started = [c for c in candidates if c.started <= at]
        # A row stamped a little before the first message (clock skew) still belongs to that conversation.
        chosen = max(started, key=lambda c: c.started) if started else min(candidates, key=lambda c: c.started)
        yield chosen, at


def _epoch(moment: datetime) -> float:
    # SQLite hands back naive datetimes; the tickets are written in UTC.
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def local_day(epoch: float) -> date:
    return datetime.fromtimestamp(epoch, TIMEZONE).date()


def window(*, days: int, now: datetime) -> tuple[date, date, float]:
    """First and last local day of the last `days` days up to `now`, and the epoch where the first began."""
    until = now.astimezone(TIMEZONE).date()
    since = until - timedelta(days=days - 1)
    start = datetime(since.year, since.month, since.day, tzinfo=TIMEZONE).timestamp()
    return since, until, start


def top_intents(conversations: Sequence[Conversation], *, limit: int = TOP_INTENTS) -> dict[str, list[tuple[str, int]]]:
    counts: dict[str, Counter] = {"fr": Counter(), "nl": Counter()}
    for turn in (t for c in conversations for t in c.turns if t.intent):
        counts[turn.language][turn.intent] += 1
    return {lang: counter.most_common(limit) for lang, counter in counts.items()}


def compute_stats(
    conversations: Sequence[Conversation], *, since: date, until: date, feedback: dict[str, int]
) -> Stats:
    """The figures of the back office, one row per local day from `since` to `until`."""
    conversations = [c for c in conversations if since <= local_day(c.started) <= until]
    per_day = {since + timedelta(days=i): [0, 0] for i in range((until - since).days + 1)}
    for conversation in conversations:
        counts = per_day[local_day(conversation.started)]
        counts[0] += 1
        counts[1] += int(conversation.handoff)
    fallbacks = sorted((t for c in conversations for t in c.turns if t.fallback), key=lambda t: t.at, reverse=True)
    return Stats(
        since=since,
        until=until,
        conversations=len(conversations),
        handoffs=sum(1 for c in conversations if c.handoff),
        fallbacks=fallbacks,
        per_day=[DayStats(day, n, h) for day, (n, h) in per_day.items()],
        top_intents=top_intents(conversations),
        feedback=feedback,
        breakdown=breakdown(conversations, days=list(per_day)),
    )


def load_conversations(*, tracker_store_url: str, helpdesk_session: Session, since: float) -> list[Conversation]:
    """The conversations since `since` (epoch seconds), with their tickets and thumbs down: each has its outcome."""
    conversations = conversations_from(read_events(tracker_store_url, since=since))
    started = datetime.fromtimestamp(since, timezone.utc)
    mark_tickets(conversations, read_tickets(helpdesk_session, since=started))
    mark_thumbs_down(conversations, read_thumbs_down(helpdesk_session, since=started))
    return conversations


def helpdesk_stats(
    *, tracker_store_url: str, helpdesk_session: Session, days: int, now: datetime | None = None
) -> Stats:
    """Read the tracker store and the helpdesk tables, and compute the figures of the last `days` days."""
    since, until, start = window(days=days, now=now or datetime.now(timezone.utc))
    conversations = load_conversations(
        tracker_store_url=tracker_store_url, helpdesk_session=helpdesk_session, since=start
    )
    return compute_stats(conversations, since=since, until=until, feedback=feedback_counts(helpdesk_session))


# ---- unanswered questions, grouped ---------------------------------------------------------------------------


@dataclass
class QuestionGroup:
    """One unanswered question however often it was asked: its latest wording, how often, when last."""

    language: str
    text: str
    count: int
    last_at: float
    intents: Counter = field(default_factory=Counter)
    conversations: list[str] = field(default_factory=list)


def question_key(text: str) -> str:
    """What makes two questions the same: their words, case, punctuation and spacing aside."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def group_questions(turns: Iterable[Turn]) -> list[QuestionGroup]:
    """The unanswered questions grouped by language and wording, most asked first, then most recent."""
    groups: dict[tuple[str, str], QuestionGroup] = {}
    for turn in sorted(turns, key=lambda t: t.at, reverse=True):
        key = (turn.language, question_key(turn.text))
        if not key[1] or turn.text.startswith("/"):
            continue
        group = groups.setdefault(key, QuestionGroup(turn.language, turn.text, 0, turn.at))
        group.count += 1
        group.intents[turn.intent or "—"] += 1
        if turn.sender_id not in group.conversations:
            group.conversations.append(turn.sender_id)
    return sorted(groups.values(), key=lambda g: (-g.count, -g.last_at))


@dataclass(frozen=True)
class Page:
    """One page of a longer list."""

    rows: list
    number: int
    pages: int
    total: int


def page_of(rows: Sequence, *, number: int, size: int) -> Page:
    pages = max(1, -(-len(rows) // size))
    number = min(max(1, number), pages)
    return Page(list(rows[(number - 1) * size : number * size]), number, pages, len(rows))


def filter_groups(
    groups: Iterable[QuestionGroup], *, language: str | None = None, contains: str = ""
) -> list[QuestionGroup]:
    """The groups in `language` (None: both) whose wording contains `contains` (case, punctuation and spacing aside)."""
    wanted = question_key(contains)
    return [g for g in groups if (language is None or g.language == language) and wanted in question_key(g.text)]


# ---- export ---------------------------------------------------------------------------------------------------


def fallbacks_yaml(turns: Iterable[Turn], *, exported_on: date) -> str:
    """Rasa NLU YAML of the unanswered questions, one placeholder intent per language, to be sorted by hand."""
    texts: dict[str, list[str]] = {"fr": [], "nl": []}
    seen = set()
    for turn in turns:
        # One line each: a line break would end the example inside the block scalar.
        text = " ".join(turn.text.split())
        if text and not text.startswith("/") and (turn.language, text.lower()) not in seen:
            seen.add((turn.language, text.lower()))
            texts[turn.language].append(text)
    lines = [
        f"# Questions the assistant could not answer, exported {exported_on.isoformat()}.",
        "# Give each example its intent, then move it to bot/data/nlu/<language>.yml.",
        'version: "3.1"',
    ]
    if not any(texts.values()):
        return "\n".join(lines + ["nlu: []", ""])
    lines.append("nlu:")
    for lang, examples in texts.items():
        if examples:
            lines += [f"# TODO intent ({lang})", f"- intent: todo_{lang}", "  examples: |"]
            lines += [f"    - {text}" for text in examples]
    return "\n".join(lines + [""])
