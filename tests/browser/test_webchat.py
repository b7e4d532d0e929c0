"""The web chat in a real Chromium against the real assistant: FR/NL, keyboard, phone, reload, feedback, axe."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select

from helpdesk.db import engine_for, session_scope
from helpdesk.models import Feedback
from tests.e2e.servers import ROOT, assistant, free_port, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
ANSWERS = ".message.bot:not(.welcome)"
STORAGE = "JSON.parse(sessionStorage.getItem('digilab.webchat.v1'))"


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[dict[str, str]]:
    workdir = tmp_path_factory.mktemp("webchat")
    with assistant(workdir) as urls:
        yield {**urls, "database_url": f"sqlite:///{workdir}/digilab.db"}
    engine_for(f"sqlite:///{workdir}/digilab.db").dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs it, or set CHROMIUM")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def open_chat(browser: Browser, url: str, **context_options) -> Page:
    context = browser.new_context(**{"locale": "fr-BE", "viewport": {"width": 1280, "height": 800}, **context_options})
    context.set_default_timeout(90_000)
    page = context.new_page()
    page.goto(url + "/")
    return page


@pytest.fixture
def page(browser, servers) -> Iterator[Page]:
    page = open_chat(browser, servers["api"])
    yield page
    page.context.close()


def wait_for_answer(page: Page, before: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('.message.bot:not(.welcome), .message.error').length > n"
        " && !document.getElementById('typing').textContent",
        arg=before,
    )


def ask(page: Page, text: str) -> None:
    """Types a question and sends it with Enter, as a user does, then waits for the reply."""
    before = page.locator(f"{ANSWERS}, .message.error").count()
    page.locator("#message").fill(text)
    page.locator("#message").press("Enter")
    wait_for_answer(page, before)


def axe_violations(page: Page) -> list:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in Axe().run(page).response["violations"]
    ]


# ---- answers, in French and in Dutch ------------------------------------------------------------------------------


def test_a_french_question_gets_its_answer_with_the_source_under_it(page):
    ask(page, "subside de 235 022,50 €, on a reçu 70 506,75 €, combien peut-on encore réclamer ?")
    answer = page.locator(ANSWERS).filter(has_text="Encore à réclamer")
    expect(answer.locator(".message-text")).to_contain_text("Encore à réclamer : 164\u202f515,75 €")
    expect(answer.locator(".message-text")).not_to_contain_text("Source :")
    expect(answer.locator(".source .source-label")).to_have_text("Source")
    expect(answer.locator(".source")).to_contain_text("Art.")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    answer.evaluate("node => node.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(ARTIFACTS / "webchat-fr-answer.png"))


def test_a_dutch_question_turns_the_page_dutch(page):
    expect(page.locator("label[for=message]")).to_have_text("Votre question")
    ask(page, "Hoeveel voorschot krijgt OCMW Genk?")
    answer = page.locator(ANSWERS).last
    expect(answer.locator(".message-text")).to_contain_text("€ 70.506,75")
    expect(answer.locator(".source .source-label")).to_have_text("Bron")
    expect(answer).to_have_attribute("lang", "nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("label[for=message]")).to_have_text("Uw vraag")
    expect(page.locator("#send")).to_have_text("Versturen")
    expect(page.locator(".lang-button[data-lang=nl]")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=str(ARTIFACTS / "webchat-nl-answer.png"))


def test_the_fr_nl_switch_changes_the_page_and_the_bot_language(page):
    before = page.locator(ANSWERS).count()
    page.get_by_role("button", name="NL – Nederlands").click()
    wait_for_answer(page, before)
    expect(page.locator(ANSWERS).last).to_contain_text("Goed, ik ga verder in het Nederlands.")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_text("Digilab-assistent")
    # The switch itself is no question: nothing appears as said by the user.
    expect(page.locator(".message.user")).to_have_count(0)

    ask(page, "hallo")
    expect(page.locator(ANSWERS).last).to_contain_text("Digilab-assistent")

    before = page.locator(ANSWERS).count()
    page.get_by_role("button", name="FR – Français").click()
    wait_for_answer(page, before)
    expect(page.locator(ANSWERS).last).to_contain_text("D'accord, je continue en français.")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".lang-button[data-lang=fr]")).to_have_attribute("aria-pressed", "true")


# ---- keyboard only ------------------------------------------------------------------------------------------------


def focused(page: Page) -> dict[str, str]:
    return page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {id: e.id, cls: e.className, text: e.textContent.trim(), outline: s.outlineStyle,
                width: s.outlineWidth}; }""")


def test_the_chat_works_with_the_keyboard_alone(page):
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Aller à la question"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "message"
    page.keyboard.type("Bonjour")
    page.keyboard.press("Enter")
    wait_for_answer(page, 0)
    expect(page.locator(".quick-reply").first).to_be_visible()

    # The quick replies sit just before the question box.
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
        if focused(page)["text"] == "Quel cluster ?":
            break
    now = focused(page)
    assert "quick-reply" in now["cls"] and now["text"] == "Quel cluster ?"
    assert now["outline"] == "solid" and now["width"] == "3px"  # a visible focus ring
    page.screenshot(path=str(ARTIFACTS / "webchat-keyboard-focus.png"))

    before = page.locator(ANSWERS).count()
    page.keyboard.press("Enter")
    wait_for_answer(page, before)
    expect(page.locator(".message.user .message-text").last).to_have_text("Quel cluster ?")
    expect(page.locator(ANSWERS).last).to_contain_text("Combien d'habitants")
    assert focused(page)["id"] == "message"  # back in the box, ready for the answer

    page.keyboard.type("42 000")
    before = page.locator(ANSWERS).count()
    page.keyboard.press("Enter")
    wait_for_answer(page, before)
    expect(page.locator(ANSWERS).last).to_contain_text("Projets de taille moyenne")


# ---- memory, feedback, errors -------------------------------------------------------------------------------------


def test_the_conversation_survives_a_reload(page):
    ask(page, "Bonjour")
    sender = page.evaluate(STORAGE)["sender"]
    texts = page.locator(".message").all_inner_texts()
    page.reload()
    expect(page.locator(".message")).to_have_count(len(texts))
    assert page.locator(".message").all_inner_texts() == texts
    assert page.evaluate(STORAGE)["sender"] == sender
    # The same conversation goes on: the last answer's buttons still work and the form remembers its question.
    before = page.locator(ANSWERS).count()
    page.locator(ANSWERS).last.get_by_role("button", name="Quel cluster ?").click()
    wait_for_answer(page, before)
    expect(page.locator(ANSWERS).last).to_contain_text("Combien d'habitants")
    page.reload()
    ask(page, "42 000")
    expect(page.locator(ANSWERS).last).to_contain_text("Projets de taille moyenne")


def test_a_thumbs_down_is_stored_with_the_question(page, servers):
    question = "subside de 100 000 €, on a reçu 30 000 €, combien peut-on encore réclamer ?"
    ask(page, question)
    answer = page.locator(ANSWERS).filter(has_text="Encore à réclamer")
    down = answer.get_by_role("button", name="Réponse pas utile")
    expect(down).to_have_attribute("aria-pressed", "false")
    down.click()
    expect(down).to_have_attribute("aria-pressed", "true")
    # It asks what was wrong, then offers to pass the question to Digilab.
    reasons = answer.get_by_role("group", name="Qu'est-ce qui n'allait pas ?")
    expect(reasons.get_by_role("button")).to_have_text(["Mauvaise réponse", "Pas ma question", "Trop long", "Autre"])
    page.screenshot(path=str(ARTIFACTS / "webchat-thumbs-down-reasons.png"))
    reasons.get_by_role("button", name="Pas ma question").click()
    expect(answer.locator(".feedback-note")).to_have_text("Merci pour votre avis.")
    expect(answer.get_by_role("button", name="Transmettre ma question à Digilab")).to_be_focused()
    down.hover()  # the pressed thumb keeps its icon under the pointer
    colours = down.evaluate("b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]")
    assert colours[0] != colours[1] and colours[0] == "rgb(255, 255, 255)"
    page.screenshot(path=str(ARTIFACTS / "webchat-thumbs-down-handoff.png"))

    sender = page.evaluate(STORAGE)["sender"]
    with session_scope(servers["database_url"]) as session:
        rows = session.execute(select(Feedback).where(Feedback.conversation_id == sender)).scalars().all()
        assert [(f.question, f.rating, f.language, f.reason) for f in rows] == [(question, -1, "fr", "not_my_question")]
        assert "Encore à réclamer" in rows[0].answer and "Source : " in rows[0].answer

    before = page.locator(ANSWERS).count()
    answer.get_by_role("button", name="Transmettre ma question à Digilab").click()
    wait_for_answer(page, before)
    # The question rated is offered for the ticket, to confirm in one click or to type anew.
    offer = page.locator(ANSWERS).last
    expect(offer).to_contain_text(f"Est-ce la question à transmettre ?\n« {question} »")
    expect(offer.locator(".thumb")).to_have_count(0)  # a form prompt carries no thumbs
    before = page.locator(ANSWERS).count()
    offer.get_by_role("button", name="Oui, transmettre cette question").click()
    wait_for_answer(page, before)
    expect(page.locator(ANSWERS).last).to_contain_text("Pour quel CPAS ou quelle organisation")


@pytest.fixture(scope="module")
def api_without_rasa(tmp_path_factory) -> Iterator[str]:
    """The API alone, its Rasa stopped: what users see while the assistant restarts."""
    workdir = tmp_path_factory.mktemp("no-rasa")
    port = free_port()
    env = {
        **os.environ,
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
        "DATABASE_URL": f"sqlite:///{workdir}/digilab.db",
    }
    with open(workdir / "api.log", "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--ws",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/health", proc)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_a_stopped_assistant_gets_a_friendly_message_and_a_retry(browser, api_without_rasa):
    page = open_chat(browser, api_without_rasa)
    try:
        ask(page, "Bonjour")
        error = page.locator(".message.error")
        expect(error).to_contain_text("L'assistant Digilab ne répond pas pour le moment.")
        expect(error.get_by_role("button", name="Réessayer")).to_be_visible()
        expect(page.locator(".message.user")).to_have_count(1)  # the question is kept
        assert axe_violations(page) == []
    finally:
        page.context.close()


def test_a_lost_network_gets_a_friendly_message_in_the_page_language(browser, servers):
    page = open_chat(browser, servers["api"], locale="nl-BE")
    try:
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        page.context.set_offline(True)
        ask(page, "Hoeveel voorschot krijgt OCMW Genk?")
        expect(page.locator(".message.error")).to_contain_text("De assistent is niet bereikbaar.")
        page.context.set_offline(False)
        before = page.locator(ANSWERS).count()
        page.get_by_role("button", name="Opnieuw proberen").click()
        wait_for_answer(page, before)
        expect(page.locator(ANSWERS).last).to_contain_text("€ 70.506,75")
        expect(page.locator(".message.error")).to_have_count(0)
    finally:
        page.context.close()


# ---- phone and accessibility --------------------------------------------------------------------------------------


def test_the_chat_fits_a_phone(browser, servers):
    page = open_chat(
        browser,
        servers["api"],
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        ask(page, "Bonjour")
        ask(page, "Hoeveel voorschot krijgt OCMW Genk?")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        expect(page.locator("#send")).to_be_in_viewport()
        expect(page.locator("#message")).to_be_in_viewport()
        # The page scrolled to the new answer: its source and thumbs are on screen, not under the question box.
        answer = page.locator(ANSWERS).last
        expect(answer.locator(".source")).to_contain_text("Koninklijk besluit")
        expect(answer.locator(".thumb").first).to_be_in_viewport()
        box, composer = answer.bounding_box(), page.locator("#composer").bounding_box()
        assert box["y"] + box["height"] <= composer["y"] + 1
        page.screenshot(path=str(ARTIFACTS / "webchat-phone.png"))
        assert axe_violations(page) == []
    finally:
        page.context.close()


def test_axe_finds_no_accessibility_violation(page):
    assert axe_violations(page) == []  # the empty page
    ask(page, "Bonjour")
    ask(page, "subside de 235 022,50 €, on a reçu 70 506,75 €, combien peut-on encore réclamer ?")
    page.locator(ANSWERS).last.get_by_role("button", name="Réponse utile").click()
    expect(page.locator(".feedback-note").last).to_have_text("Merci pour votre avis.")
    page.locator("#message").focus()
    assert axe_violations(page) == []


# ---- issue 13: first screen, citations, header, new conversation, phone, docs ------------------------------------


@pytest.mark.parametrize(
    "locale, names",
    [
        ("fr-BE", ["Quel cluster ?", "Calculer l'avance", "Que peut-on encore réclamer ?", "Échéances"]),
        ("nl-BE", ["Welke cluster?", "Voorschot berekenen", "Wat kunnen we nog vorderen?", "Deadlines"]),
    ],
)
def test_the_first_screen_offers_four_suggestions_in_the_page_language(browser, servers, locale, names):
    page = open_chat(browser, servers["api"], locale=locale)
    try:
        expect(page.locator("#welcome .quick-reply")).to_have_text(names)
        page.screenshot(path=str(ARTIFACTS / f"webchat-first-screen-{locale[:2]}.png"))
        before = page.locator(ANSWERS).count()
        page.locator("#welcome .quick-reply").first.click()
        wait_for_answer(page, before)
        expect(page.locator(ANSWERS).last).to_contain_text("Combien d'habitants" if locale == "fr-BE" else "inwoners")
        expect(page.locator(ANSWERS).last.locator(".thumb")).to_have_count(0)  # a prompt, not an answer
    finally:
        page.context.close()


def test_a_source_link_opens_its_passage(page):
    ask(page, "Quel est le montant de l'avance pour une subvention de 235 022,50 € ?")
    link = page.locator(ANSWERS).last.locator(".source a", has_text="Art. 6 §1")
    expect(link).to_have_attribute("href", "/sources/decree_2023?lang=fr#art-6-1")
    with page.context.expect_page() as opened:
        link.click()
    source = opened.value
    source.wait_for_load_state()
    passage = source.locator("#art-6-1")
    expect(passage).to_be_in_viewport()
    expect(passage).to_contain_text("Une avance de 30 %")
    assert (
        source.evaluate("getComputedStyle(document.querySelector('#art-6-1')).backgroundColor") != "rgb(255, 255, 255)"
    )  # the opened passage is marked
    source.screenshot(path=str(ARTIFACTS / "sources-decree-art-6-1-fr.png"))
    assert axe_violations(source) == []
    source.close()


def test_the_header_stays_on_screen_as_the_conversation_grows(browser, servers):
    page = open_chat(
        browser,
        servers["api"],
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        for question in [
            "Quelles sont les dépenses éligibles ?",
            "Quelles sont les échéances ?",
            "Quels documents joindre à une déclaration de créance ?",
        ]:
            ask(page, question)
        assert page.evaluate("window.scrollY") > 300
        expect(page.get_by_role("button", name="NL – Nederlands")).to_be_in_viewport()
        expect(page.locator("#new-chat")).to_be_in_viewport()
        page.screenshot(path=str(ARTIFACTS / "webchat-phone-sticky-header-fr.png"))
    finally:
        page.context.close()


def test_a_long_answer_on_a_phone_folds_after_two_sentences_and_keeps_its_source(browser, servers):
    page = open_chat(
        browser,
        servers["api"],
        locale="nl-BE",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        ask(page, "subsidie van 100.000 euro, we ontvingen 30.000 euro, hoeveel kunnen we nog vorderen?")
        answer = page.locator(ANSWERS).last
        more = answer.get_by_role("button", name="Meer details")
        expect(more).to_have_attribute("aria-expanded", "false")
        expect(answer.locator(".source")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "webchat-phone-folded-nl.png"))
        more.click()
        expect(answer.get_by_role("button", name="Minder details")).to_have_attribute("aria-expanded", "true")
        assert axe_violations(page) == []
    finally:
        page.context.close()


def test_new_conversation_asks_to_confirm_and_keeps_the_ticket_number(page):
    for text in ["/human_handoff", "Peut-on financer un minibus ?", "CPAS de Namur", "agent@cpas-namur.be"]:
        before = page.locator(ANSWERS).count()
        page.locator("#message").fill(text)
        page.locator("#message").press("Enter")
        wait_for_answer(page, before)
    expect(page.locator(ANSWERS).last).to_contain_text("ticket n°")
    ticket = page.evaluate(STORAGE)["tickets"][0]
    page.locator("#new-chat").click()
    dialog = page.get_by_role("dialog", name="Commencer une nouvelle conversation ?")
    expect(dialog).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "webchat-new-conversation-confirm-fr.png"))
    dialog.get_by_role("button", name="Annuler").click()
    expect(page.locator(".message.user")).to_have_count(4)  # nothing lost
    page.locator("#new-chat").click()
    dialog.get_by_role("button", name="Oui, recommencer").click()
    expect(page.locator(".message.user")).to_have_count(0)
    expect(page.locator("#welcome .tickets")).to_have_text(f"Vos tickets Digilab : n° {ticket}")


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("Appel TIC 2008 : les frais d'amortissement sont-ils éligibles ?", "Pas éligible."),
        ("AR 2023 : peut-on acheter des laptops avec le subside ?", "Sous conditions."),
    ],
)
def test_a_verdict_shows_an_icon_and_its_word_not_an_emoji(page, question, word):
    """Every verdict the domain can give ("⚖️ Sous conditions" too) is a drawn icon beside its word, no emoji that a
    stock machine shows as an empty box."""
    ask(page, question)
    answer = page.locator(ANSWERS).last
    text = answer.locator(".message-text").first.inner_text()
    assert text.startswith(word) and not any(mark in text for mark in "✅❌⚠⚖❔"), text
    icon = answer.locator(".verdict svg path").first
    expect(icon).to_be_attached()
    box = answer.locator(".verdict svg").first.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0


def test_the_api_docs_render_with_no_request_leaving_the_machine(browser, servers):
    context = browser.new_context()
    outside = []

    def record(route):
        host = route.request.url.split("/")[2].split(":")[0]
        if host not in {"127.0.0.1", "localhost"}:
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", record)
    page = context.new_page()
    try:
        page.goto(servers["api"] + "/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Digilab assistant API")
        expect(page.locator(".opblock-summary-path", has_text="/api/v1/cluster")).to_be_visible()
        page.locator(".opblock-summary-path", has_text="/api/v1/cluster").click()
        expect(page.locator(".parameters-col_description", has_text="42 000")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "docs-offline.png"), full_page=False)
        assert outside == []
    finally:
        context.close()


@pytest.mark.parametrize("doc", ["slides_2022", "decree_2023", "project_page", "manual_2008", "press_dossier"])
@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_axe_finds_no_violation_on_the_source_pages(browser, servers, doc, lang):
    page = open_chat(browser, servers["api"])
    try:
        page.goto(f"{servers['api']}/sources/{doc}?lang={lang}")
        assert axe_violations(page) == []
    finally:
        page.context.close()
