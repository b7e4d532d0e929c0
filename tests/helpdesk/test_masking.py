"""E-mail addresses, phone numbers and national register numbers are masked; amounts, dates and articles are not."""

import io
import logging
import smtplib
import time
from urllib.parse import urlencode

import pytest
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from helpdesk.masking import PersonalDataFilter, mask_logs, mask_personal_data, public_contacts
from tests.helpdesk.conftest import TOKEN, action, session_start, user


@pytest.mark.parametrize(
    "text, masked",
    [
        ("Mon adresse : marie.dupont@cpas-liege.be, merci", "Mon adresse : [e-mail], merci"),
        ("mail naar jan_peeters+ocmw@gent.be.", "mail naar [e-mail]."),
        ("Mon NISS est 85.07.30-033.28", "Mon NISS est [NISS/INSZ]"),
        ("mijn rijksregisternummer: 85073003328", "mijn rijksregisternummer: [NISS/INSZ]"),
        ("INSZ 85 07 30 033 28 van de aanvrager", "INSZ [NISS/INSZ] van de aanvrager"),
        ("numéro bis 85.27.30-033.28", "numéro bis [NISS/INSZ]"),
        ("appelez-moi au 0475 12 34 56", "appelez-moi au [tel]"),
        ("bel me op 0475/12.34.56 aub", "bel me op [tel] aub"),
        ("tél. 02/123.45.67 ou 010 12 34 56", "tél. [tel] ou [tel]"),
        ("gsm +32 475 12 34 56", "gsm [tel]"),
        ("bereikbaar op 0032 9 123 45 67", "bereikbaar op [tel]"),
        ("au +32 (0)4 123 45 67", "au [tel]"),
        ("portable 0475123456", "portable [tel]"),
        ("mon numéro français +33 6 12 34 56 78", "mon numéro français [tel]"),
    ],
)
def test_personal_data_is_replaced_by_a_mark_in_french_and_dutch(text, masked):
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "notre subvention est de 235 022,50 €",
        "we kregen € 235.022,50 en daarna 70.506,75 euro",
        "un budget de 1 022 500 000 € au total",
        "à rentrer avant le 12/05/2024 ou le 01/05/2024 1 projet",
        "ten laatste op 12.05.2024, dus 2024-05-12",
        "selon l'article 57, § 1er, et l'art. 1.3.2",
        "artikel 3, 2° van het KB van 08/07/1976",
        "CPAS de 42 000 habitants, +/- 33.000 en 2022",
        "35 000 000 inwoners? 1e300000?",
        "numéro d'entreprise 0207.446.239",
        "IBAN BE68 5390 0754 7034",
        "de 8 h 30 à 12 h 30, van 8.30 tot 16.30 uur",
    ],
)
def test_amounts_dates_and_article_numbers_keep_their_digits(text):
    assert mask_personal_data(text) == text


def test_the_public_contacts_of_the_documents_stay_readable_and_the_askers_own_do_not():
    """The assistant's reply gives Digilab's e-mail and phone; staff read them as given, not as [e-mail] [tel]."""
    reply = "Digilab : digilab@mi-is.be, +32 2 508 85 86. Vous : jan.peeters@gmail.com, 0475 12 34 56, 02/508.85.86"
    shown = mask_personal_data(reply, public=public_contacts())
    assert shown == "Digilab : digilab@mi-is.be, +32 2 508 85 86. Vous : [e-mail], [tel], 02/508.85.86"
    assert mask_personal_data(reply) == "Digilab : [e-mail], [tel]. Vous : [e-mail], [tel], [tel]"


def test_a_number_that_is_not_a_date_of_birth_is_no_national_number():
    assert mask_personal_data("code 85.13.45-033.28") == "code 85.13.45-033.28"


def _log_through_filter(emit):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.masking")
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        mask_logs([logger])
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_the_log_shows_neither_the_address_nor_the_number_it_was_given():
    text = _log_through_filter(
        lambda log: log.warning("ticket for %s (%s), NISS %s", "marie@cpasliege.be", "0475 12 34 56", "85.07.30-033.28")
    )
    assert text == "WARNING ticket for [e-mail] ([tel]), NISS [NISS/INSZ]\n"


def test_a_refused_recipient_in_a_traceback_is_masked_too():
    def emit(log):
        try:
            raise smtplib.SMTPRecipientsRefused({"marie@cpasliege.be": (550, b"unknown user")})
        except smtplib.SMTPRecipientsRefused:
            log.exception("answer to ticket %s stored, e-mail failed", 7)

    text = _log_through_filter(emit)
    assert "answer to ticket 7 stored" in text and "SMTPRecipientsRefused" in text and "[e-mail]" in text
    assert "marie@cpasliege.be" not in text


def test_numbers_in_a_log_line_keep_their_type():
    text = _log_through_filter(lambda log: log.info("%d tickets, %.2f € granted", 3, 235022.5))
    assert text == "INFO 3 tickets, 235022.50 € granted\n"


def test_the_filter_is_put_once_on_each_handler():
    handler = logging.StreamHandler(io.StringIO())
    logger = logging.getLogger("tests.masking.once")
    logger.addHandler(handler)
    try:
        mask_logs([logger])
        mask_logs([logger])
        assert sum(isinstance(f, PersonalDataFilter) for f in handler.filters) == 1
    finally:
        logger.removeHandler(handler)


def test_the_fallback_list_and_its_exports_do_not_show_who_asked(client, conversations):
    start = time.time() - 600
    conversations.save(
        "web-9",
        session_start(start)
        + user("mon NISS 85.07.30-033.28, écrivez à marie@cpasliege.be", "nlu_fallback", at=start + 1, lang="fr")
        + action("action_dont_know", at=start + 2)
        + user("bel 0475 12 34 56 over de 235 022,50 € van 12/05/2024", "nlu_fallback", at=start + 3, lang="nl")
        + action("action_dont_know", at=start + 4),
    )
    client.post(
        "/helpdesk/login",
        content=urlencode({"token": TOKEN}),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    page = client.get("/helpdesk/fallbacks").text
    export = client.get("/helpdesk/fallbacks.yml").text
    api_export = client.get("/api/v1/helpdesk/fallbacks.yml", headers={"Authorization": f"Bearer {TOKEN}"}).text
    for shown in (page, export, api_export):
        assert "marie@cpasliege.be" not in shown and "85.07.30" not in shown and "0475" not in shown
        assert "[e-mail]" in shown and "[NISS/INSZ]" in shown and "[tel]" in shown
        assert "235 022,50 € van 12/05/2024" in shown
    examples = {m.get("text") for m in RasaYAMLReader().reads(export).intent_examples}
    assert examples == {"mon NISS [NISS/INSZ], écrivez à [e-mail]", "bel [tel] over de 235 022,50 € van 12/05/2024"}


def test_the_api_log_does_not_show_the_address_an_answer_could_not_reach(settings, database_url, monkeypatch):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from api.routes.helpdesk import json_api as routes
    from helpdesk.db import session_scope
    from helpdesk.tickets import create_ticket

    def refuse(ticket, settings):
        raise smtplib.SMTPRecipientsRefused({ticket.email: (550, b"5.1.1 unknown user")})

    with session_scope(database_url) as session:
        ticket_id = create_ticket(
            session, conversation_id="web-1", question="?", organisation="CPAS de Liège", email="marie@cpasliege.be"
        ).id
    monkeypatch.setattr(routes, "notify_answer", refuse)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)  # what uvicorn has set up when it imports the app
    logging.getLogger().addHandler(handler)
    try:
        with TestClient(create_app()) as client:
            response = client.post(
                f"/api/v1/helpdesk/tickets/{ticket_id}/answer",
                json={"answer": "Oui."},
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
    finally:
        logging.getLogger().removeHandler(handler)
    assert response.status_code == 200 and response.json()["emailed"] is False
    assert f"answer to ticket {ticket_id} stored, e-mail failed" in stream.getvalue()
    assert "SMTPRecipientsRefused" in stream.getvalue() and "marie@cpasliege.be" not in stream.getvalue()
