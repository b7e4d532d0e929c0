"""The review queue: what the assistant may have got wrong, labelled by staff, exported as training data a person
reviews and commits (knowledge/data/reviewed/, learnt by `make train`). The assistant never learns silently."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpdesk.analytics import Conversation, Turn, load_conversations, question_key, window
from helpdesk.db import session_scope
from helpdesk.feedback import thumbs_down
from helpdesk.masking import mask_personal_data, mask_reply
from helpdesk.models import Feedback, ReviewLabel, Ticket
from knowledge.loader import KnowledgeBase
from settings import Settings

FALLBACK, THUMBS_DOWN, LOW_CONFIDENCE = "fallback", "thumbs_down", "low_confidence"
# An answer given on an intent read with less confidence than this is worth a look…
LOW_CONFIDENCE_BELOW = 0.6
# …and so is a knowledge item ranked below this: the assistant answers from -0.45 (bot/actions/answers.py THRESHOLD)
# and asks a closer match than -0.2 of questions it judged out of scope (STRICT_THRESHOLD).
LOW_ANSWER_SCORE_BELOW = -0.2
# Messages that are not questions: a low confidence on them says nothing about an answer.
NOT_QUESTIONS = {
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "stop",
    "request_language",
    "human_handoff",
    "bot_challenge",
}
# What staff say of an item, in one click.
FACT, NEW_FACT, OUT_OF_SCOPE, BOT_RIGHT = "fact", "new_fact", "out_of_scope", "bot_right"
LABELS = (FACT, NEW_FACT, OUT_OF_SCOPE, BOT_RIGHT)
EXPORT_PATH = "knowledge/data/reviewed/helpdesk.yml"


class ReviewError(ValueError):
    """A label cannot be stored; `code` keys a message in knowledge/messages.yml."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


@dataclass
class Item:
    """One message to review, with what the assistant replied and the messages around it."""

    key: str
    conversation_id: str
    at: float
    language: str
    question: str
    reply: str
    kinds: set[str] = field(default_factory=set)
    before: Turn | None = None
    after: Turn | None = None
    feedback_reason: str | None = None


def pending(settings: Settings, *, days: int, now: datetime | None = None) -> list[Item]:
    """The queue over the last `days` days up to `now` (this moment by default): what the helpdesk pages and the JSON
    API both show."""
    _, _, start = window(days=days, now=now or datetime.now(timezone.utc))
    with session_scope(settings.database_url) as session:
        found = load_conversations(tracker_store_url=settings.tracker_store_url, helpdesk_session=session, since=start)
        return queue(
            found,
            thumbs_down(session, since=datetime.fromtimestamp(start, timezone.utc)),
            labelled=labelled_keys(session),
        )


def item_key(turn: Turn) -> str:
    return f"{turn.sender_id}@{turn.at:.3f}"


def queue(conversations: Sequence[Conversation], thumbs_down: Iterable[Feedback], *, labelled: set[str]) -> list[Item]:
    """Every fallback, thumbs down and low-confidence answer, once each, newest first, leaving out the labelled."""
    items: dict[str, Item] = {}
    by_sender: dict[str, list[tuple[Conversation, int]]] = {}
    for conversation in conversations:
        for index, turn in enumerate(conversation.turns):
            by_sender.setdefault(turn.sender_id, []).append((conversation, index))
            kind = _kind(turn)
            if kind:
                _add(items, conversation, index).kinds.add(kind)
    for feedback in thumbs_down:
        found = _rated_turn(by_sender.get(feedback.conversation_id, []), _epoch(feedback.created_at))
        if found:
            item = _add(items, *found)
            item.kinds.add(THUMBS_DOWN)
            item.feedback_reason = feedback.reason
    return sorted((i for i in items.values() if i.key not in labelled), key=lambda i: i.at, reverse=True)


def _kind(turn: Turn) -> str | None:
    if turn.form_input or turn.text.startswith("/") or not question_key(turn.text):
        return None
    if turn.fallback:
        return FALLBACK
    doubtful = (turn.confidence is not None and turn.confidence < LOW_CONFIDENCE_BELOW) or (
        turn.answer_score is not None and turn.answer_score < LOW_ANSWER_SCORE_BELOW
    )
    return LOW_CONFIDENCE if doubtful and _is_question(turn) else None


def _is_question(turn: Turn) -> bool:
    return not (
        turn.form_input or turn.text.startswith("/") or turn.intent in NOT_QUESTIONS or not question_key(turn.text)
    )


def _add(items: dict[str, Item], conversation: Conversation, index: int) -> Item:
    turn = conversation.turns[index]
    key = item_key(turn)
    if key not in items:
        items[key] = Item(
            key,
            turn.sender_id,
            turn.at,
            turn.language,
            turn.text,
            turn.reply,
            before=conversation.turns[index - 1] if index else None,
            after=conversation.turns[index + 1] if index + 1 < len(conversation.turns) else None,
        )
    return items[key]


def _rated_turn(turns: list[tuple[Conversation, int]], at: float) -> tuple[Conversation, int] | None:
    """The last question asked before the thumbs down was given (not a button, a greeting or a form input)."""
    earlier = [(c, i) for c, i in turns if c.turns[i].at <= at and _is_question(c.turns[i])]
    return max(earlier, key=lambda found: found[0].turns[found[1]].at) if earlier else None


def _epoch(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def labelled_keys(session: Session) -> set[str]:
    return set(session.execute(select(ReviewLabel.item_key)).scalars())


def label(
    session: Session,
    item: Item,
    *,
    label: str,
    by: str,
    kb: KnowledgeBase,
    fact_id: str = "",
    source_doc: str = "",
    source_ref: str = "",
) -> ReviewLabel:
    """Store what staff made of an item; the fact must exist, a fact to add names its document and article."""
    if label not in LABELS:
        raise ReviewError("hd_review_label_unknown")
    fact_id, source_doc, source_ref = fact_id.strip(), source_doc.strip(), source_ref.strip()
    if label == FACT and fact_id not in _item_ids(kb):
        raise ReviewError("hd_review_fact_unknown")
    if label == NEW_FACT and (source_doc not in kb.sources or not source_ref):
        raise ReviewError("hd_review_source_missing")
    row = ReviewLabel(
        item_key=item.key,
        kinds=",".join(sorted(item.kinds)),
        conversation_id=item.conversation_id,
        language=item.language,
        question=mask_personal_data(item.question)[:4000],
        reply=mask_reply(item.reply)[:8000],
        label=label,
        labelled_by=by[:320],
        fact_id=fact_id if label == FACT else None,
        source_doc=source_doc if label == NEW_FACT else None,
        source_ref=source_ref[:200] if label == NEW_FACT else None,
    )
    session.add(row)
    session.flush()
    return row


def _item_ids(kb: KnowledgeBase) -> set[str]:
    return {*kb.facts, *(c.id for c in kb.costs), *(d.id for d in kb.recorded_issues())}


def all_labels(session: Session) -> list[ReviewLabel]:
    return list(session.execute(select(ReviewLabel).order_by(ReviewLabel.labelled_at, ReviewLabel.id)).scalars())


# ---- what the queue knows of the knowledge base ----------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """How many example questions a knowledge item has, and how many real questions were labelled with it."""

    item_id: str
    examples: int
    labelled: int


def coverage(kb: KnowledgeBase, labels: Iterable[ReviewLabel]) -> list[Coverage]:
    """Every item with its examples and labelled questions, the never-asked (no labelled question) first."""
    counts: dict[str, int] = {}
    for row in labels:
        if row.label == FACT and row.fact_id:
            counts[row.fact_id] = counts.get(row.fact_id, 0) + 1
    rows = []
    for item_id in sorted(_item_ids(kb)):
        asked = kb.questions.get(item_id)
        reviewed = kb.reviewed.questions.get(item_id)
        examples = (len(asked.fr) + len(asked.nl) if asked else 0) + (
            len(reviewed.fr) + len(reviewed.nl) if reviewed else 0
        )
        rows.append(Coverage(item_id, examples, counts.get(item_id, 0)))
    return sorted(rows, key=lambda c: (c.labelled > 0, c.examples, c.item_id))


# ---- exports ----------------------------------------------------------------------------------------------------


def reviewed_yaml(labels: Iterable[ReviewLabel], *, exported_on: date) -> str:
    """The labelled questions as knowledge/data/reviewed/helpdesk.yml: examples per item, the rightly refused,
    the facts to add with their source. A person reads it, commits it, and `make train` learns it."""
    questions: dict[str, dict[str, list[str]]] = {}
    refused: dict[str, list[str]] = {"fr": [], "nl": []}
    missing: list[dict] = []
    for row in labels:
        text = " ".join(row.question.split())
        if row.label == FACT and row.fact_id:
            listed = questions.setdefault(row.fact_id, {"fr": [], "nl": []})[row.language]
            if text not in listed:
                listed.append(text)
        elif row.label == OUT_OF_SCOPE and text not in refused[row.language]:
            refused[row.language].append(text)
        elif row.label == NEW_FACT:
            missing.append(
                {"question": text, "lang": row.language, "source": {"doc": row.source_doc, "ref": row.source_ref}}
            )
    body = {
        "questions": {k: {lang: v for lang, v in qs.items() if v} for k, qs in sorted(questions.items())},
        "refused": {lang: v for lang, v in refused.items() if v},
        "missing_facts": missing,
    }
    header = (
        f"# Questions labelled in the helpdesk review queue, exported {exported_on.isoformat()}.\n"
        f"# Read every line (personal data is masked, check anyway), save as {EXPORT_PATH}, commit;\n"
        "# `make train` then learns `questions` for their item and `refused` as questions the documents do\n"
        "# not answer. `missing_facts` are not learnt: add each fact to knowledge/data/ from its source.\n"
    )
    return header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=120)


def labels_csv(labels: Iterable[ReviewLabel]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "labelled_at",
            "labelled_by",
            "label",
            "kinds",
            "language",
            "question",
            "reply",
            "fact_id",
            "source_doc",
            "source_ref",
            "conversation_id",
        ]
    )
    for row in labels:
        writer.writerow(
            [
                _iso(row.labelled_at),
                row.labelled_by,
                row.label,
                row.kinds,
                row.language,
                _cell(row.question),
                _cell(row.reply),
                row.fact_id or "",
                row.source_doc or "",
                row.source_ref or "",
                row.conversation_id,
            ]
        )
    return out.getvalue()


def tickets_csv(tickets: Iterable[Ticket]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "id",
            "created_at",
            "status",
            "language",
            "organisation",
            "email",
            "question",
            "answer",
            "answered_at",
            "answered_by",
            "answer_sent",
            "conversation_id",
        ]
    )
    for t in tickets:
        writer.writerow(
            [
                t.id,
                _iso(t.created_at),
                t.status,
                t.language,
                _cell(t.organisation),
                t.email,
                _cell(t.question),
                _cell(t.answer or ""),
                _iso(t.answered_at),
                t.answered_by or "",
                "yes" if t.answer_sent else "no",
                t.conversation_id,
            ]
        )
    return out.getvalue()


def _iso(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat()


def _cell(text: str) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula (CSV injection): what askers typed never does.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
