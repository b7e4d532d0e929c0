"""The back-office pages: a login form, open tickets answered through a form, stats drawn as SVG, FR or NL."""

import re
from datetime import datetime

import pytest
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from helpdesk import auth
from helpdesk.analytics import TIMEZONE
from helpdesk.db import session_scope
from helpdesk.models import Ticket
from helpdesk.tickets import create_ticket
from settings import get_settings
from tests.helpdesk.conftest import TOKEN, fill_scenario

FORM = {"content-type": "application/x-www-form-urlencoded"}
PASSWORD = "correct horse battery staple"


def _post(client, path, fields, **kwargs):
    from urllib.parse import urlencode

    return client.post(path, content=urlencode(fields), headers=FORM, follow_redirects=False, **kwargs)


def _login(client, lang="fr"):
    response = _post(client, "/helpdesk/login" + ("?lang=nl" if lang == "nl" else ""), {"token": TOKEN})
    assert response.status_code == 303
    return response


def _csrf(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _ticket(database_url, **fields):
    with session_scope(database_url) as session:
        return create_ticket(
            session,
            **{
                "conversation_id": "web-1",
                "question": "Un abonnement <b>internet</b> ?",
                "organisation": "CPAS de Liège",
                "email": "marie@cpasliege.be",
                **fields,
            },
        ).id


def test_the_login_form_is_french_by_default_with_labelled_fields(client):
    html = client.get("/helpdesk/login").text
    assert '<html lang="fr">' in html and "<h1>Connexion au helpdesk</h1>" in html
    for field in ("email", "password", "token"):
        assert f'<label for="{field}">' in html and f'id="{field}"' in html


def test_the_login_form_speaks_dutch_when_asked(client):
    html = client.get("/helpdesk/login", params={"lang": "nl"}).text
    assert (
        '<html lang="nl">' in html
        and "Aanmelden bij de helpdesk" in html
        and 'action="/helpdesk/login?lang=nl"' in html
    )


def test_pages_send_a_visitor_without_session_to_the_login_form(client):
    response = client.get("/helpdesk/tickets", params={"lang": "nl"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/helpdesk/login?lang=nl"


def test_a_wrong_token_or_password_is_refused(client, database_url):
    with session_scope(database_url) as session:
        auth.add_staff(session, email="agent@digilab.be", password=PASSWORD)
    for fields in (
        {"token": "nope"},
        {"email": "agent@digilab.be", "password": "wrong password!"},
        {"email": "nobody@digilab.be", "password": PASSWORD},
    ):
        response = _post(client, "/helpdesk/login", fields)
        assert response.status_code == 401 and "Identifiants incorrects." in response.text
        assert "set-cookie" not in response.headers


def test_the_login_form_says_when_nobody_can_get_in(client, monkeypatch):
    monkeypatch.delenv("HELPDESK_TOKEN")
    get_settings.cache_clear()
    assert "add-staff" in client.get("/helpdesk/login").text


def test_the_token_opens_a_session_with_the_open_tickets(client, database_url):
    open_id, closed_id = _ticket(database_url), _ticket(database_url, organisation="OCMW Gent")
    with session_scope(database_url) as session:
        session.get(Ticket, closed_id).status = "closed"
    response = _login(client)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/helpdesk" in cookie
    html = client.get(response.headers["location"]).text
    assert "<h1>Tickets ouverts</h1>" in html and "CPAS de Liège" in html and "OCMW Gent" not in html
    assert f'href="/helpdesk/tickets/{open_id}"' in html
    # What a CPAS typed is shown as text, never as markup.
    assert "Un abonnement &lt;b&gt;internet&lt;/b&gt; ?" in html


def test_staff_sign_in_with_their_password_until_their_account_is_removed(client, database_url):
    with session_scope(database_url) as session:
        auth.add_staff(session, email="agent@digilab.be", password=PASSWORD)
    response = _post(client, "/helpdesk/login", {"email": "Agent@digilab.be", "password": PASSWORD})
    assert response.status_code == 303
    assert "Connecté : agent@digilab.be" in client.get("/helpdesk/tickets").text
    with session_scope(database_url) as session:
        auth.remove_staff(session, email="agent@digilab.be")
    assert client.get("/helpdesk/tickets", follow_redirects=False).status_code == 303


def test_a_changed_token_ends_the_sessions_opened_with_the_old_one(client, monkeypatch):
    _login(client)
    assert client.get("/helpdesk/tickets", follow_redirects=False).status_code == 200
    monkeypatch.setenv("HELPDESK_TOKEN", "a-new-token-for-the-helpdesk-2")
    get_settings.cache_clear()
    assert client.get("/helpdesk/tickets", follow_redirects=False).status_code == 303


def test_a_ticket_is_answered_and_closed_through_the_form(client, database_url):
    ticket_id = _ticket(database_url)
    _login(client)
    page = client.get(f"/helpdesk/tickets/{ticket_id}").text
    assert '<label for="answer">Votre réponse</label>' in page and 'name="close" value="1" aria-describedby' in page
    assert "checked" not in page  # closing is never the default
    response = _post(
        client,
        f"/helpdesk/tickets/{ticket_id}/answer",
        {"csrf": _csrf(page), "answer": "Oui, pendant la durée du projet.", "close": "1"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/helpdesk/tickets/{ticket_id}?saved=stored"
    with session_scope(database_url) as session:
        ticket = session.get(Ticket, ticket_id)
        assert (ticket.status, ticket.answer) == ("closed", "Oui, pendant la durée du projet.")
    shown = client.get(response.headers["location"]).text
    assert '<p class="alert" role="alert">Réponse enregistrée. <strong>Elle n&#39;a PAS été envoyée' in shown
    assert "Écrivez-lui vous-même à marie@cpasliege.be" in shown and "Le ticket est pourtant fermé" in shown
    assert 'class="ok"' not in shown


def test_the_ticket_page_says_which_staff_member_answered(client, database_url):
    with session_scope(database_url) as session:
        auth.add_staff(session, email="agent@digilab.be", password=PASSWORD)
    ticket_id = _ticket(database_url)
    _post(client, "/helpdesk/login", {"email": "agent@digilab.be", "password": PASSWORD})
    page = client.get(f"/helpdesk/tickets/{ticket_id}").text
    response = _post(client, f"/helpdesk/tickets/{ticket_id}/answer", {"csrf": _csrf(page), "answer": "Oui."})
    shown = client.get(response.headers["location"]).text
    assert re.search(r"Réponse enregistrée le [\d/: ]+ — <span class=\"answered-by\">agent@digilab.be</span>", shown)
    with session_scope(database_url) as session:
        assert session.get(Ticket, ticket_id).answered_by == "agent@digilab.be"


def test_a_form_posted_without_its_csrf_token_is_refused(client, database_url):
    ticket_id = _ticket(database_url)
    _login(client)
    response = _post(client, f"/helpdesk/tickets/{ticket_id}/answer", {"answer": "Oui.", "close": "1"})
    assert response.status_code == 403 and "Le formulaire a expiré" in response.text
    with session_scope(database_url) as session:
        assert session.get(Ticket, ticket_id).status == "open"


def test_an_empty_answer_is_refused_in_dutch_and_the_page_stays(client, database_url):
    ticket_id = _ticket(database_url, language="nl")
    _login(client, lang="nl")
    page = client.get(f"/helpdesk/tickets/{ticket_id}", params={"lang": "nl"}).text
    response = _post(client, f"/helpdesk/tickets/{ticket_id}/answer?lang=nl", {"csrf": _csrf(page), "answer": " "})
    assert response.status_code == 422 and "Het antwoord mag niet leeg zijn." in response.text
    assert f'href="/helpdesk/tickets/{ticket_id}"' in response.text  # the language link reloads the ticket


def test_the_answer_is_mailed_to_the_asker_when_smtp_is_set(client, database_url, smtp, monkeypatch):
    controller, inbox = smtp
    monkeypatch.setenv("SMTP_HOST", controller.hostname)
    monkeypatch.setenv("SMTP_PORT", str(controller.port))
    get_settings.cache_clear()
    ticket_id = _ticket(database_url, language="nl")
    _login(client)
    page = client.get(f"/helpdesk/tickets/{ticket_id}").text
    response = _post(client, f"/helpdesk/tickets/{ticket_id}/answer", {"csrf": _csrf(page), "answer": "Ja."})
    assert response.headers["location"].endswith("saved=mailed")
    [(recipients, message)] = inbox.received
    assert recipients == ["marie@cpasliege.be"] and "Antwoord op uw vraag" in message["Subject"]
    assert "envoyée par e-mail à marie@cpasliege.be" in client.get(response.headers["location"]).text


def test_the_stats_page_draws_both_charts_as_svg(client, conversations, database_url):
    fill_scenario(conversations, database_url, now=datetime.now(TIMEZONE))
    _login(client)
    html = client.get("/helpdesk/stats").text
    assert html.count('role="img"') == 2 and html.count("<svg") == 2
    assert '<title id="chart-conversations-title">Conversations par jour</title>' in html
    assert html.count('<rect class="bar"') == 30
    assert html.count('<circle class="point"') == 3  # three days had conversations
    assert "60,0 %" in html and "Utiles (pouce levé)" in html and "<code>ask_cluster</code>" in html


def test_the_stats_page_in_dutch(client, conversations, database_url):
    fill_scenario(conversations, database_url, now=datetime.now(TIMEZONE))
    _login(client, lang="nl")
    html = client.get("/helpdesk/stats", params={"lang": "nl", "days": 7}).text
    assert "Statistieken van de voorbije 7 dagen" in html and html.count('<rect class="bar"') == 7
    assert "Meest voorkomende intenties in het Nederlands" in html


def test_the_fallback_list_links_to_its_export(client, conversations, database_url):
    fill_scenario(conversations, database_url, now=datetime.now(TIMEZONE))
    _login(client)
    html = client.get("/helpdesk/fallbacks").text
    assert "wat is het leefloon?" in html and "Exporter en YAML Rasa NLU (3 questions)" in html
    export = client.get(re.search(r'href="(/helpdesk/fallbacks\.yml[^"]*)"', html).group(1).replace("&amp;", "&"))
    assert export.status_code == 200
    assert len(RasaYAMLReader().reads(export.text).intent_examples) == 3


def test_logging_out_ends_the_session(client):
    _login(client)
    page = client.get("/helpdesk/tickets").text
    assert _post(client, "/helpdesk/logout", {"csrf": _csrf(page)}).status_code == 303
    assert client.get("/helpdesk/tickets", follow_redirects=False).status_code == 303


def test_logging_out_revokes_the_cookie_wherever_it_was_copied(client):
    # Issue 10: the cookie stayed valid for 8 hours after logout.
    cookie = _login(client).headers["set-cookie"].split(";", 1)[0].split("=", 1)[1].strip('"')
    page = client.get("/helpdesk/tickets").text
    _post(client, "/helpdesk/logout", {"csrf": _csrf(page)})
    client.cookies.set("digilab_helpdesk", cookie, path="/helpdesk")
    assert client.get("/helpdesk/tickets", follow_redirects=False).status_code == 303


def test_the_cookie_carries_a_random_key_and_nothing_of_the_token(client):
    import hashlib

    cookie = _login(client).headers["set-cookie"].split(";", 1)[0].split("=", 1)[1].strip('"')
    assert TOKEN not in cookie and hashlib.sha256(TOKEN.encode()).hexdigest()[:16] not in cookie
    assert "." not in cookie and len(cookie) >= 43  # 32 random bytes, no payload


def _login_staff(client, database_url, role):
    with session_scope(database_url) as session:
        auth.add_staff(session, email=f"{role}@digilab.be", password=PASSWORD, role=role)
    assert _post(client, "/helpdesk/login", {"email": f"{role}@digilab.be", "password": PASSWORD}).status_code == 303


def test_an_agent_reviews_but_does_not_export(client, conversations, database_url):
    fill_scenario(conversations, database_url, now=datetime.now(TIMEZONE))
    _login_staff(client, database_url, "agent")
    page = client.get("/helpdesk/fallbacks")
    assert page.status_code == 200 and "fallbacks.yml" not in page.text
    refused = client.get("/helpdesk/fallbacks.yml", follow_redirects=False)
    assert refused.status_code == 403 and "Réservé aux administrateurs" in refused.text


def test_an_admin_exports(client, conversations, database_url):
    fill_scenario(conversations, database_url, now=datetime.now(TIMEZONE))
    _login_staff(client, database_url, "admin")
    assert "fallbacks.yml" in client.get("/helpdesk/fallbacks").text
    assert client.get("/helpdesk/fallbacks.yml").status_code == 200


@pytest.mark.parametrize("path", ["/helpdesk/stats", "/helpdesk/fallbacks", "/helpdesk/fallbacks.yml"])
def test_every_page_needs_a_session(client, path):
    assert client.get(path, follow_redirects=False).status_code == 303


def test_every_intent_has_a_name_in_french_and_dutch(domain):
    from api.routes.helpdesk.rendering import intent_name

    for intent in [*domain.intents, "nlu_fallback"]:
        if intent in ("restart", "back", "session_start"):  # Rasa's own, never predicted by our model
            continue
        assert intent_name(intent, "fr") != intent and intent_name(intent, "nl") != intent, intent


def test_the_stats_page_shows_each_outcome_and_how_it_is_counted(client, conversations, database_url):
    from tests.helpdesk.conftest import fill_outcomes

    fill_outcomes(conversations, database_url, now=datetime.now(TIMEZONE))
    _login(client)
    html = client.get("/helpdesk/stats", params={"days": 7}).text
    for outcome, count in (
        ("answered", 3),
        ("fell_back", 1),
        ("handed_off", 1),
        ("thumbs_down", 1),
        ("abandoned", 2),
        ("no_answer", 2),
    ):
        assert f'data-outcome="{outcome}">{count}</td>' in html
    assert "30,0 %" in html and "citait une source" in html and "Résolues sans le helpdesk" not in html
    assert 'href="/helpdesk/feedback?days=7">Pouce baissé</a>' in html


def test_the_thumbs_down_are_a_list_with_question_and_answer_masked(client, database_url):
    from helpdesk.feedback import record_feedback

    with session_scope(database_url) as session:
        record_feedback(
            session,
            conversation_id="web-9",
            question="avance pour marie@cpasliege.be ?",
            answer="L'avance est de 30 %.",
            rating=-1,
            reason="wrong",
        )
        record_feedback(session, conversation_id="web-9", question="merci", answer="Avec plaisir.", rating=1)
    _login(client, lang="nl")
    html = client.get("/helpdesk/feedback", params={"lang": "nl"}).text
    assert "avance pour [e-mail] ?" in html and "marie@cpasliege.be" not in html
    assert "L&#39;avance est de 30 %." in html and "Fout antwoord" in html and "Avec plaisir" not in html


def test_unanswered_questions_are_grouped_filtered_and_paged(client, conversations, database_url):
    from tests.helpdesk.conftest import session_start, user

    now = datetime.now(TIMEZONE).timestamp() - 3600
    for n in range(30):
        conversations.save(
            f"s{n}",
            session_start(now + n)
            + user(f"question {n % 27} ?", "nlu_fallback", at=now + n + 0.5, lang="nl" if n % 27 % 2 else "fr"),
        )
    _login(client)
    html = client.get("/helpdesk/fallbacks").text
    assert "27 questions distinctes (30 fois sans réponse" in html and "Page 1 sur 2" in html
    assert html.count("data-count>") == 25 and html.count("data-count>2<") == 3
    second = client.get("/helpdesk/fallbacks", params={"page": 2}).text
    assert second.count("data-count>") == 2 and 'rel="prev"' in second
    only = client.get("/helpdesk/fallbacks", params={"language": "nl", "q": "question 13"}).text
    assert only.count("data-count>") == 1 and "question 13 ?" in only


def test_the_ticket_list_shows_answer_sent_waiting_time_and_likely_duplicates(client, database_url):
    first = _ticket(database_url)
    second = _ticket(database_url, question="un abonnement internet ?", organisation="OCMW Gent")
    _ticket(database_url, question="Quand rentrer la première déclaration de créance ?")
    _login(client)
    page = client.get(f"/helpdesk/tickets/{first}").text
    _post(client, f"/helpdesk/tickets/{first}/answer", {"csrf": _csrf(page), "answer": "Oui."})
    html = client.get("/helpdesk/tickets").text
    assert "Réponse envoyée" in html and "Non : enregistrée, pas envoyée" in html
    assert re.search(r'<td class="n">\d+ min</td>', html)
    assert f'href="/helpdesk/tickets/{second}" aria-label="Ouvrir le ticket n° {second}">n° {second}</a>' in html
    ticket_page = client.get(f"/helpdesk/tickets/{first}").text
    assert 'href="/helpdesk/conversations/web-1">Lire la conversation</a>' in ticket_page


def test_conversations_are_found_by_language_intent_and_words_and_read_whole_masked(
    client, conversations, database_url
):
    from tests.helpdesk.conftest import answer, session_start, user

    now = datetime.now(TIMEZONE).timestamp() - 3600
    conversations.save(
        "web-7",
        session_start(now)
        + user("quelle avance pour marie@cpasliege.be ?", "ask_advance", at=now + 1, lang="fr")
        + answer("L'avance est de 30 %.\n\nSource : Arrêté royal, art. 5", at=now + 2),
    )
    conversations.save("web-8", session_start(now) + user("hoeveel voorschot?", "ask_advance", at=now + 1, lang="nl"))
    _login(client)
    html = client.get("/helpdesk/conversations", params={"language": "fr", "intent": "ask_advance"}).text
    assert "1 conversations" in html and 'href="/helpdesk/conversations/web-7"' in html and "web-8" not in html
    assert "Répondues avec une source" in html
    assert "web-8" in client.get("/helpdesk/conversations", params={"q": "voorschot"}).text
    read = client.get("/helpdesk/conversations/web-7").text
    assert "quelle avance pour [e-mail] ?" in read and "marie@cpasliege.be" not in read
    assert "Source : Arrêté royal, art. 5" in read and "Avance (93 %)" in read
    assert client.get("/helpdesk/conversations/nobody").status_code == 404


def test_an_admin_adds_promotes_and_removes_staff_and_an_agent_cannot(client, database_url):
    _login(client)
    page = client.get("/helpdesk/staff").text
    assert "Comptes du personnel" in page
    added = _post(
        client,
        "/helpdesk/staff",
        {"csrf": _csrf(page), "action": "add", "email": "jan@digilab.be", "password": PASSWORD, "role": "agent"},
    )
    assert added.status_code == 303 and "done=added" in added.headers["location"]
    short = _post(
        client,
        "/helpdesk/staff",
        {"csrf": _csrf(page), "action": "add", "email": "x@digilab.be", "password": "short", "role": "agent"},
    )
    assert short.status_code == 422 and "au moins 12 caractères" in short.text
    _post(
        client, "/helpdesk/staff", {"csrf": _csrf(page), "action": "role", "email": "jan@digilab.be", "role": "admin"}
    )
    with session_scope(database_url) as session:
        assert auth.role_of(session, "jan@digilab.be") == "admin"
    _post(client, "/helpdesk/staff", {"csrf": _csrf(page), "action": "remove", "email": "jan@digilab.be"})
    with session_scope(database_url) as session:
        assert auth.find_staff(session, "jan@digilab.be") is None
    client.cookies.clear()
    _login_staff(client, database_url, "agent")
    assert client.get("/helpdesk/staff").status_code == 403
    assert 'href="/helpdesk/staff"' not in client.get("/helpdesk/tickets").text
    refused = _post(
        client,
        "/helpdesk/staff",
        {"csrf": "x", "action": "add", "email": "y@digilab.be", "password": PASSWORD, "role": "admin"},
    )
    assert refused.status_code == 403
    with session_scope(database_url) as session:
        assert auth.find_staff(session, "y@digilab.be") is None


def test_a_demoted_admin_loses_the_exports_at_the_next_page(client, database_url):
    _login_staff(client, database_url, "admin")
    assert client.get("/helpdesk/tickets.csv").status_code == 200
    with session_scope(database_url) as session:
        auth.set_role(session, email="admin@digilab.be", role="agent")
    assert client.get("/helpdesk/tickets.csv").status_code == 403


def test_conversations_are_found_by_the_fact_an_answer_gave(client, conversations, database_url):
    from knowledge.loader import default_knowledge
    from tests.helpdesk.conftest import answer, session_start, user

    fact = default_knowledge().fact("cpas_2023.advance_rate")
    now = datetime.now(TIMEZONE).timestamp() - 3600
    conversations.save(
        "web-5",
        session_start(now)
        + user("hoeveel voorschot?", "ask_advance", at=now + 1, lang="nl")
        + answer(f"{fact.nl}\n\nBron: KB", at=now + 2),
    )
    conversations.save(
        "web-6",
        session_start(now)
        + user("quelle avance ?", "ask_advance", at=now + 1, lang="fr")
        + answer("Autre chose.\n\nSource : Arrêté", at=now + 2),
    )
    _login(client)
    html = client.get("/helpdesk/conversations", params={"fact": "cpas_2023.advance_rate"}).text
    assert "web-5" in html and "web-6" not in html
    unknown = client.get("/helpdesk/conversations", params={"fact": "no.such.fact"}).text
    assert "Choisissez un fait de la liste" in unknown and "web-5" not in unknown
