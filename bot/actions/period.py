"""The 2022 call's funding period for a project of a given length: the slides' "11.2022 – 10.2023/24/25", read for
the 1, 2 or 3 years the asker's project lasts."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.replies import kb, lang_of, latest_text, previous_texts, say_facts
from rules.deadlines import project_end
from rules.money import format_month
from rules.parsing import read_quantities


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
