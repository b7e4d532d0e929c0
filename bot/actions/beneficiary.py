"""A granted 2023 project by name (annex amounts and what it does), and values given outside a question."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.answers import answer, calls_named
from bot.actions.payments import say_unknown_cpas
from bot.actions.replies import kb, lang_of, latest_text, say_dont_know, say_issues
from bot.actions.values import beneficiary, remembered_beneficiary, unknown_cpas
from bot.sentences import unaccent
from knowledge.models import Beneficiary
from rules.money import format_eur, format_percent

# Money questions about a project get its annex row; other questions also get what it does.
_MONEY = re.compile(
    r"\b(combien|montant|bedrag|hoeveel|avance|voorschot|tva|btw|htva|total\w*|subsid\w*|subvention"
    r"|recu|ontvangen|gekregen|touche|eur\w*|€)"
)
_LARGEST = re.compile(r"\b(plus gros|plus grand|plus eleve|le plus|hoogste|grootste|meeste)\b")
_SMALLEST = re.compile(r"\b(plus petit|plus bas|le moins|kleinste|laagste|minste)\b")


def beneficiary_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
    """The project named now or earlier; the largest or smallest grant; else ask which one."""
    lang, text = lang_of(tracker), latest_text(tracker)
    named = remembered_beneficiary(tracker)
    stranger = None if beneficiary(tracker) else unknown_cpas(text)
    if stranger:
        say_unknown_cpas(dispatcher, stranger, lang)
        return [SlotSet("unknown_cpas", stranger), SlotSet("organisation", None)]
    calls = calls_named(text)
    if calls and "cpas_2023" not in calls and not named:
        # The documents list the beneficiaries of the 2023 decree only: no other call's winners or amounts.
        say_dont_know(dispatcher, lang)
        return []
    ranked = _by_amount(text)
    if ranked:
        describe(dispatcher, ranked, lang, money_only=True)
        return []
    if named:
        describe(dispatcher, named, lang, money_only=bool(_MONEY.search(unaccent(text))))
        return [SlotSet("organisation", named.id), SlotSet("pending", None)]
    if tracker.get_slot("unknown_cpas"):
        say_unknown_cpas(dispatcher, tracker.get_slot("unknown_cpas"), lang)
        return []
    if not answer(dispatcher, tracker):
        dispatcher.utter_message(response="utter_ask_organisation")
        return [SlotSet("pending", "beneficiary")]
    return []


def _by_amount(text: str) -> Beneficiary | None:
    """'Which project got the most?': the annex row with the largest (or smallest) total."""
    plain = unaccent(text)
    if _LARGEST.search(plain):
        return max(kb().beneficiaries, key=lambda b: b.total)
    if _SMALLEST.search(plain):
        return min(kb().beneficiaries, key=lambda b: b.total)
    return None


def describe(dispatcher: CollectingDispatcher, b: Beneficiary, lang: str, *, money_only: bool) -> None:
    """The annex row of one beneficiary, its project (and what it does), its source and any data issue."""
    dispatcher.utter_message(
        response="utter_beneficiary",
        organisation=b.name(lang),
        project=b.project,
        excl=format_eur(b.amount_excl_vat, lang),
        vat=format_eur(b.vat, lang),
        total=format_eur(b.total, lang),
        advance=format_eur(b.advance, lang),
        rate=format_percent(kb().fact("cpas_2023.advance_rate").decimal, lang),
        description="" if money_only else f"\n\n{b.description(lang)}",
        source=kb().cite(b.source, *([] if money_only else [b.description_source]), lang=lang),
    )
    say_issues(dispatcher, kb().issues_of(b.id), lang)
