"""Funding periods: the 2022 call's for a project of a given length (the slides' "11.2022 – 10.2023/24/25", read for
the 1, 2 or 3 years the asker's project lasts), and the 2023 decree's against the day or month of an expense."""

from __future__ import annotations

import re
from datetime import date

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.answers import carries_on
from bot.actions.replies import kb, lang_of, latest_text, previous_texts, say_facts
from bot.sentences import unaccent
from rules.deadlines import place_in_period, project_end
from rules.money import format_date, format_month
from rules.parsing import parse_spans, read_quantities


def duration_years(tracker: Tracker) -> int | None:
    """The length of the asker's project in years, from this message or the one before ("notre projet dure 2 ans")."""
    for text in [latest_text(tracker), *previous_texts(tracker, 1)]:
        years = [q.value for q in read_quantities(text) if q.role == "years" and q.value == int(q.value)]
        if years:
            return int(years[0])
    return None


def funding_period(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
    lang, years = lang_of(tracker), duration_years(tracker)
    period, duration = kb().fact("cpas_2022.funding_period"), kb().fact("cpas_2022.duration")
    if years is None or not 1 <= years <= int(duration.decimal):
        # "un projet de 4 ans": the slides allow 1, 2 or 3; say so rather than compute a period they never give.
        say_facts(dispatcher, [duration, period], lang)
        return [SlotSet("call", "cpas_2022")]
    start = period.as_date
    dispatcher.utter_message(
        response="utter_funding_period",
        duration=f"{years} {'jaar' if lang == 'nl' else ('an' if years == 1 else 'ans')}",
        start=format_month(start, lang),
        end=format_month(project_end(start, years), lang),
        rule=period.text(lang),
        source=kb().cite(period.source, lang=lang),
    )
    return [SlotSet("call", "cpas_2022")]


# A day or month of spending in a question about claiming it: "laptops gekocht op 3 november 2024, kunde da nog op de
# subsidie zetten?", "une facture du 15/11/2024 dans la 2e décla ?" (accents dropped).
SPENT = re.compile(
    r"\b(achet\w*|achats?|paye\w*|factur\w*|depens\w*|salaires?|engag\w*|gekocht|aangekocht|kocht\w*|aankoop\w*|betaald|factu(?:ur|ren)"
    r"|uitgave\w*|loon|lonen|frais|kosten|workshops?|ateliers?|formations?|opleiding\w*|activit\w*|evenement\w*)\b"
)
CLAIMED = re.compile(
    r"\b(subsides?|subsidie|subvention|decla\w*|declaration\w*|schuldvordering\w*|sv|mettre|inbreng\w*|ingebracht|zetten"
    r"|eligible\w*|subsidiabel|rentrer|compter|couvert\w*|gedekt|financ\w*|inclure|opnemen|aller sur|op het project)\b"
)
_SENDING = (
    r"(?:parti\w*|envoy\w*|introdui\w*|transmi\w*|depos\w*|rentre\w*|ingediend|indienen|ingestuurd|verstuurd|versturen"
    r"|opgestuurd|doorgestuurd|vertrekt|vertrokken)"
)
_A_CLAIM = r"(?:declaration\w*|decla|creances?|schuldvordering\w*|rapports?|verslag\w*)"
CLAIM_SENT = re.compile(rf"\b{_A_CLAIM}\b[^.?!]{{0,60}}\b{_SENDING}\b|\b{_SENDING}\b[^.?!]{{0,40}}\b{_A_CLAIM}\b")
# The decree's own date names the call, not an expense: "le subside de l'AR de décembre 2023".
DECREE_DATE = re.compile(
    r"\b(?:ar|arrete(?: royal)?|kb|koninklijk besluit|besluit)\s+(?:du |de |van |d')?(?:8 )?(?:decembre|december) 2023"
)


def expense_span(tracker: Tracker) -> tuple[date, date] | None:
    """The day or month of an expense the asker wants to claim: in this message, or in the turn before when this one
    asks the claiming question ("we kochten laptops op 15 november 2024", then "kunnen die nog op het project?").
    The day a claim was sent is no expense's ("notre déclaration n'est partie que le 21 mai": its deadline decides)."""
    text = unaccent(latest_text(tracker))
    before = [unaccent(t) for t in previous_texts(tracker, 1)]
    # "en eentje van 15 nov 2024?" after "factuur van okt 2023 inbrengen?": the claiming question said before.
    carried = carries_on(text) and any(CLAIMED.search(t) and SPENT.search(t) for t in before)
    if not (CLAIMED.search(text) or carried) or CLAIM_SENT.search(text):
        return None
    for said in [text, *before]:
        spans = parse_spans(DECREE_DATE.sub(" ", said))
        # The spending said with the day ("gekocht op…"), or in the claiming question ("la facture du formateur").
        if spans and (SPENT.search(said) or SPENT.search(text) or carried):
            return spans[-1]
    return None


def expense_period(dispatcher: CollectingDispatcher, tracker: Tracker, span: tuple[date, date]) -> bool:
    """Whether an expense's day or month is outside the 2023 decree's period, said with the period and its source;
    inside, the period is said and False returned (the date does not settle the question: what is bought does)."""
    lang = lang_of(tracker)
    start, end = kb().fact("cpas_2023.period_start"), kb().fact("cpas_2023.period_end")
    place = place_in_period(span, start.as_date, end.as_date)
    first, last = span
    when = format_date(first, lang) if first == last else format_month(first, lang)
    dispatcher.utter_message(
        response="utter_expense_outside" if place != "within" else "utter_expense_within",
        when=when,
        side={"before": {"fr": "avant", "nl": "vóór"}, "after": {"fr": "après", "nl": "na"}}.get(place, {}).get(
            lang, ""
        ),
        start=format_date(start.as_date, lang),
        end=format_date(end.as_date, lang),
        source=kb().cite(start.source, lang=lang),
    )
    return place != "within"
