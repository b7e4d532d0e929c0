"""The review queue: each doubtful answer once, labelled in one click, exported as training data a person commits."""

import csv
import io
import re
import shutil
from datetime import datetime, timezone

import pytest
import yaml

from helpdesk import review
from helpdesk.analytics import TIMEZONE, load_conversations
from helpdesk.db import session_scope
from helpdesk.feedback import record_feedback
from helpdesk.models import ReviewLabel
from knowledge.loader import DATA_DIR, MESSAGES_FILE, KnowledgeError, default_knowledge, load_knowledge
from tests.helpdesk.conftest import SOURCED_FR, action, answer, form, score, session_start, user
from tests.helpdesk.test_api import AUTH
from tests.helpdesk.test_pages import _csrf, _login, _post

FACT_ID = "cpas_2023.advance_rate"


def _fill(conversations, database_url):
    """Four questions to review (one low-confidence answer also got a thumbs down), and what stays out."""
    t = datetime.now(TIMEZONE).timestamp() - 3600
    conversations.save(
        "r1",
        session_start(t)
        + user("une avance pour marie@cpasliege.be ?", "nlu_fallback", at=t + 1, lang="fr")
        + action("action_dont_know", at=t + 2),
    )
    conversations.save(
        "r2",
        session_start(t)
        + user("hoeveel krijgen we vooraf?", "ask_remaining", at=t + 1, lang="nl", confidence=0.41)
        + answer("Het voorschot…\n\nBron: KB", at=t + 2),
    )
    conversations.save(
        "r3",
        session_start(t)
        + user("quelle avance ?", "ask_advance", at=t + 1, lang="fr")
        + answer(SOURCED_FR, at=t + 2)
        + user("/human_handoff", "human_handoff", at=t + 3, lang="fr")
        + form("handoff_form", at=t + 4)
        + user("Namur", "nlu_fallback", at=t + 5, lang="fr")
        + form(None, at=t + 6),
    )
    conversations.save(
        "r4",
        session_start(t)
        + user("bonjour", "greet", at=t + 1, lang="fr", confidence=0.2)
        + user("c'est quoi le DNSH", "ask_dnsh", at=t + 3, lang="fr", confidence=0.5)
        + answer("Le principe DNSH…\n\nSource : Arrêté", at=t + 4),
    )
    conversations.save(
        "r5",
        session_start(t)
        + user("et pour les tablettes ?", "ask_costs", at=t + 1, lang="fr")
        + answer("Les tablettes…\n\nSource : Arrêté", at=t + 2)
        + score(-0.31, at=t + 2.1)
        + user("et les laptops ?", "ask_costs", at=t + 3, lang="fr")
        + answer("Les laptops…\n\nSource : Arrêté", at=t + 4)
        + score(0.42, at=t + 4.1),
    )
    with session_scope(database_url) as session:
        for sender, moment in (("r2", t + 10), ("r3", t + 10)):
            item = record_feedback(session, conversation_id=sender, question="?", answer="?", rating=-1, reason="wrong")
            item.created_at = datetime.fromtimestamp(moment, timezone.utc)


def _queue(database_url, tracker_url):
    with session_scope(database_url) as session:
        found = load_conversations(tracker_store_url=tracker_url, helpdesk_session=session, since=0)
        return review.queue(found, session.query(review.Feedback).all(), labelled=review.labelled_keys(session))


def test_each_fallback_thumbs_down_and_low_confidence_answer_appears_once(conversations, database_url, tracker_url):
    _fill(conversations, database_url)
    items = {i.conversation_id: i for i in _queue(database_url, tracker_url)}
    assert {k: sorted(i.kinds) for k, i in items.items()} == {
        "r1": ["fallback"],
        "r2": ["low_confidence", "thumbs_down"],
        "r3": ["thumbs_down"],
        "r4": ["low_confidence"],
        "r5": ["low_confidence"],
    }
    # Masked, with the reply; the town typed into the handoff form and the greeting stay out.
    assert items["r1"].question == "une avance pour [e-mail] ?" and items["r2"].reply.startswith("Het voorschot")
    assert items["r3"].question == "quelle avance ?" and items["r3"].after.text == "/human_handoff"
    assert items["r4"].question == "c'est quoi le DNSH" and items["r4"].before.text == "bonjour"
    # A knowledge item ranked low is doubtful, whatever the intent's confidence; a well-ranked one is not.
    assert items["r5"].question == "et pour les tablettes ?"


def test_the_json_api_lists_the_same_queue_for_the_token_holder_only(client, conversations, database_url):
    _fill(conversations, database_url)
    assert client.get("/api/v1/helpdesk/review").status_code == 401
    response = client.get("/api/v1/helpdesk/review", headers=AUTH)
    assert response.status_code == 200
    items = {i["conversation"]: i for i in response.json()}
    assert {k: i["kinds"] for k, i in items.items()} == {
        "r1": ["fallback"],
        "r2": ["low_confidence", "thumbs_down"],
        "r3": ["thumbs_down"],
        "r4": ["low_confidence"],
        "r5": ["low_confidence"],
    }
    assert items["r1"]["question"] == "une avance pour [e-mail] ?" and items["r2"]["language"] == "nl"
    assert items["r2"]["feedback_reason"] == "wrong" and items["r2"]["reply"].startswith("Het voorschot")
    assert client.get("/api/v1/helpdesk/review", params={"days": 0}, headers=AUTH).status_code == 422


def test_a_labelled_question_leaves_the_queue(conversations, database_url, tracker_url):
    _fill(conversations, database_url)
    first = next(i for i in _queue(database_url, tracker_url) if i.conversation_id == "r1")
    with session_scope(database_url) as session:
        review.label(session, first, label="fact", fact_id=FACT_ID, by="agent@digilab.be", kb=default_knowledge())
    assert "r1" not in {i.conversation_id for i in _queue(database_url, tracker_url)}


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"label": "maybe"}, "hd_review_label_unknown"),
        ({"label": "fact", "fact_id": "no.such.fact"}, "hd_review_fact_unknown"),
        ({"label": "new_fact", "source_doc": "decree_2023"}, "hd_review_source_missing"),
        ({"label": "new_fact", "source_doc": "a_blog", "source_ref": "p. 3"}, "hd_review_source_missing"),
    ],
)
def test_a_label_without_what_it_needs_is_refused(database_url, fields, code):
    item = review.Item("x@1.000", "x", 1.0, "fr", "?", "")
    with pytest.raises(review.ReviewError) as refused, session_scope(database_url) as session:
        review.label(session, item, by="agent@digilab.be", kb=default_knowledge(), **fields)
    assert refused.value.code == code


def _labels():
    rows = [
        ("fr", "une avance pour [e-mail] ?", "fact", FACT_ID, None, None),
        ("nl", "hoeveel krijgen we vooraf?", "fact", FACT_ID, None, None),
        ("fr", "la météo à Namur ?", "out_of_scope", None, None, None),
        ("nl", "wat kost een tablet van de stad?", "new_fact", None, "press_dossier", "p. 2"),
        ("fr", "c'est quoi le DNSH", "bot_right", None, None, None),
    ]
    return [
        ReviewLabel(
            item_key=f"k{i}",
            kinds="fallback",
            conversation_id="c",
            language=lang,
            question=q,
            reply="",
            label=label,
            fact_id=fact,
            source_doc=doc,
            source_ref=ref,
            labelled_by="agent@digilab.be",
            labelled_at=datetime(2024, 5, 10, tzinfo=timezone.utc),
        )
        for i, (lang, q, label, fact, doc, ref) in enumerate(rows)
    ]


def test_the_export_is_a_knowledge_file_that_make_train_learns(tmp_path):
    from bot.retrieval import REJECT, examples, unanswerable

    text = review.reviewed_yaml(_labels(), exported_on=datetime(2024, 5, 10).date())
    assert text.startswith("# Questions labelled in the helpdesk review queue, exported 2024-05-10.")
    assert yaml.safe_load(text)["questions"] == {
        FACT_ID: {"fr": ["une avance pour [e-mail] ?"], "nl": ["hoeveel krijgen we vooraf?"]}
    }
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "reviewed").mkdir(exist_ok=True)
    (data / "reviewed" / "helpdesk.yml").write_text(text, encoding="utf-8")
    kb = load_knowledge(data, MESSAGES_FILE)
    assert (FACT_ID, "hoeveel krijgen we vooraf?") in examples(kb)
    assert (REJECT, "la météo à Namur ?") in unanswerable(kb)
    assert kb.reviewed.missing_facts[0].source.doc == "press_dossier"
    assert "c'est quoi le DNSH" not in text  # "the bot was right" teaches nothing


@pytest.mark.parametrize(
    "text, where",
    [
        ('questions:\n  no.such.fact:\n    fr: ["?"]\n', r"questions\[no.such.fact\]"),
        (
            'missing_facts:\n- {question: "?", lang: fr, source: {doc: a_blog, ref: p. 1}}\n',
            r"missing_facts.0.source.doc: unexpected value",
        ),
        ("questionz: {}\n", "questionz"),
    ],
)
def test_a_reviewed_file_naming_what_does_not_exist_is_refused(tmp_path, text, where):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "reviewed").mkdir(exist_ok=True)
    (data / "reviewed" / "helpdesk.yml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=where):
        load_knowledge(data, MESSAGES_FILE)


def test_the_csv_exports_keep_formulas_out(database_url):
    rows = list(csv.reader(io.StringIO(review.labels_csv(_labels()))))
    assert rows[0][:3] == ["labelled_at", "labelled_by", "label"] and len(rows) == 6
    from helpdesk.models import Ticket

    ticket = Ticket(
        id=1,
        created_at=datetime(2024, 5, 10),
        status="open",
        language="fr",
        organisation="=HYPERLINK()",
        email="a@b.be",
        question="-2+3",
        answer=None,
        conversation_id="c",
        answers=[],
    )
    [_, line] = list(csv.reader(io.StringIO(review.tickets_csv([ticket]))))
    assert line[4] == "'=HYPERLINK()" and line[6] == "'-2+3" and line[10] == "no"


def test_an_agent_labels_in_one_click_and_an_admin_exports(client, conversations, database_url):
    from helpdesk import auth
    from tests.helpdesk.test_pages import PASSWORD

    _fill(conversations, database_url)
    with session_scope(database_url) as session:
        auth.add_staff(session, email="agent@digilab.be", password=PASSWORD)
    _post(client, "/helpdesk/login", {"email": "agent@digilab.be", "password": PASSWORD})
    page = client.get("/helpdesk/review").text
    assert "5 questions à revoir" in page and f'<option value="{FACT_ID}"' in page and "helpdesk.yml" not in page
    key = re.search(r'data-key="(r1@[^"]+)"', page).group(1)
    response = _post(
        client,
        "/helpdesk/review/label",
        {"csrf": _csrf(page), "key": key, "label": "fact", "fact": FACT_ID, "days": "30"},
    )
    assert response.status_code == 303 and "done=labelled" in response.headers["location"]
    after = client.get(response.headers["location"]).text
    assert "4 questions à revoir" in after and "Étiquette enregistrée." in after
    assert client.get("/helpdesk/review/helpdesk.yml").status_code == 403
    client.cookies.clear()
    _login(client)
    export = client.get("/helpdesk/review/helpdesk.yml").text
    assert yaml.safe_load(export)["questions"] == {FACT_ID: {"fr": ["une avance pour [e-mail] ?"]}}
    assert "agent@digilab.be" in client.get("/helpdesk/review/labels.csv").text
    assert client.get("/helpdesk/tickets.csv").status_code == 200


def test_a_label_naming_no_fact_keeps_the_item_and_says_why(client, conversations, database_url):
    _fill(conversations, database_url)
    _login(client, lang="nl")
    page = client.get("/helpdesk/review", params={"lang": "nl"}).text
    key = re.search(r'data-key="(r1@[^"]+)"', page).group(1)
    response = _post(
        client,
        "/helpdesk/review/label?lang=nl",
        {"csrf": _csrf(page), "key": key, "label": "fact", "fact": "geen feit"},
    )
    assert response.status_code == 422 and "Kies een feit uit de lijst" in response.text
    assert "5 vragen na te kijken" in response.text
