"""The back office in a real Chromium against the real assistant: one question carried from a fallback to a
labelled training example, and every page checked by axe-core."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
import yaml
from playwright.sync_api import Page, expect

from helpdesk.db import engine_for
from knowledge.loader import DATA_DIR, MESSAGES_FILE, load_knowledge
from tests.browser.test_webchat import ARTIFACTS, ask, axe_violations, browser, open_chat  # noqa: F401 (fixture)
from tests.e2e.servers import assistant

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

TOKEN = "browser-helpdesk-token-7c21d9"
# Below the answer threshold today (the assistant says it does not know); the advance rate answers it.
QUESTION = "le pognon qu'on touche en premier, ça fait quelle part du gâteau ?"
FACT = "cpas_2023.advance_rate"


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[dict[str, str]]:
    workdir = tmp_path_factory.mktemp("helpdesk")
    with assistant(workdir, {"HELPDESK_TOKEN": TOKEN}) as urls:
        yield urls
    engine_for(urls["database_url"]).dispose()


@pytest.fixture(scope="module")
def staff(browser, servers) -> Iterator[Page]:  # noqa: F811
    page = open_chat(browser, servers["api"])
    ask(page, QUESTION)
    page.goto(servers["api"] + "/helpdesk/login")
    page.locator("#token").fill(TOKEN)
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tickets ouverts")
    yield page
    page.context.close()


def test_a_fallback_is_labelled_exported_and_then_learnt(staff, servers, tmp_path):
    from bot.actions.answers import THRESHOLD, choose
    from bot.retrieval import Retriever, answerable, examples, unanswerable

    staff.goto(servers["api"] + "/helpdesk/review")
    item = staff.locator("section.review-item").filter(has_text=QUESTION)
    expect(item).to_contain_text("Fallback")
    item.get_by_label("Fait qui répond (chercher)").fill(FACT)
    staff.screenshot(path=str(ARTIFACTS / "helpdesk-review-fr.png"), full_page=True)
    item.get_by_role("button", name="La réponse existe").click()
    expect(staff.get_by_role("status")).to_have_text("Étiquette enregistrée.")
    expect(staff.locator("section.review-item").filter(has_text=QUESTION)).to_have_count(0)

    export = staff.request.get(servers["api"] + "/helpdesk/review/helpdesk.yml")
    assert export.ok and yaml.safe_load(export.text())["questions"] == {FACT: {"fr": [QUESTION]}}

    # What `make train` does with the committed file: the knowledge index learns the question for its fact.
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "reviewed").mkdir(exist_ok=True)
    (data / "reviewed" / "helpdesk.yml").write_text(export.text(), encoding="utf-8")
    kb = load_knowledge(data, MESSAGES_FILE)
    retriever = Retriever([*examples(kb), *unanswerable(kb)], version="test")
    chosen = choose(answerable(retriever.rank(QUESTION)), calls=[], threshold=THRESHOLD, two=False)
    assert [s.id for s in chosen] == [FACT]


@pytest.mark.parametrize(
    "path",
    [
        "/helpdesk/tickets",
        "/helpdesk/stats",
        "/helpdesk/fallbacks",
        "/helpdesk/feedback",
        "/helpdesk/review",
        "/helpdesk/conversations",
        "/helpdesk/staff",
        "/helpdesk/stats?lang=nl",
        "/helpdesk/review?lang=nl",
    ],
)
def test_every_page_passes_axe(staff, servers, path):
    staff.goto(servers["api"] + path)
    name = path.strip("/").replace("/", "-").replace("?lang=", "-")
    staff.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert axe_violations(staff) == []


def test_a_transcript_passes_axe(staff, servers):
    staff.goto(servers["api"] + "/helpdesk/conversations")
    staff.locator("tbody a").first.click()
    expect(staff.locator(".transcript")).to_contain_text(QUESTION)
    staff.screenshot(path=str(ARTIFACTS / "helpdesk-transcript.png"), full_page=True)
    assert axe_violations(staff) == []
