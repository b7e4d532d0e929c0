"""Every question comes here: a computation when the message or the conversation gives its numbers,
a granted project when one is asked about, else the knowledge item that answers it.

The intent is a hint, not a verdict: "subside de … €, combien en première déclaration ?" is a
payment computation whatever intent the classifier gave it, and "6 mois" is never a population.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.answers import (
    CARRIES_ON,
    SWAPS,
    answer,
    asked_part,
    asks,
    asks_two_things,
    best_items,
    call_events,
    calls_named,
    carries_on,
    points_back,
    score_events,
)
from bot.actions.beneficiary import (
    BEYOND_ANNEX,
    beneficiary_answer,
    beyond_annex,
    describe,
    is_list_question,
    is_ranking_question,
    list_beneficiaries,
    project_described,
)
from bot.actions.cluster import cluster
from bot.actions.payments import cofinancing, payments, say_unknown_cpas, transfers
from bot.actions.period import duration_years, expense_period, expense_span, funding_period
from bot.actions.replies import intent_of, kb, lang_of, latest_text, previous_texts, say_dont_know
from bot.actions.values import (
    ABOVE_PLAN,
    COST_TYPES,
    GRANT_WORDS,
    beneficiary,
    named_earlier,
    numbers,
    payment_input,
    remember,
    remembered_beneficiary,
    unknown_cpas,
)
from bot.retrieval import answerable, clearly_unanswerable, ranked
from bot.sentences import unaccent
from knowledge.search import association_of
from rules.money import format_number
from rules.parsing import read_quantities

BUTTON_ROUTES = {
    "ask_cluster": "cluster",
    "ask_advance": "payments",
    "ask_remaining": "payments",
    "ask_beneficiary": "beneficiary",
}
# Words that ask for a payment figure, and words that ask for an amount at all (accents dropped).
PAYMENT_WORDS = re.compile(
    r"\b(avance|voorschot|declarations?|decla|sv|dc|schuldvordering\w*|reste\w*|restant|overblijft|over"
    r"|solde|saldo|reclamer|vorderen|terugvragen|(?:6|six|zes) (?:premiers |eerste )?(?:mois|maand\w*)"
    r"|claim\w*|deuxieme|2e|2eme|2de|tweede|seconde|m ?\+ ?\d+)\b"
)
HOW_MUCH = re.compile(
    r"\b(combien|hoeveel|montant|bedrag|max\w*|quel\w* somme|ca fait|reste|over|krijgen|krijgt"
    r"|recevoir|recoit|recevons|toucher|touche|ontvangen we|plafond\w*|limite|hoogstens|ten hoogste|hooguit)\b"
)
COFINANCING_WORDS = re.compile(
    r"\b(co-?financ\w*|bijleggen|zelf betalen|eigen inbreng|eigen middelen|eigen geld|part propre|fonds propres"
    r"|propres moyens|moyens propres|de notre poche|uit eigen zak"
    r"|payer nous-memes|payer nous memes|a (?:notre|votre|leur) charge|ten laste)\b"
)
CLUSTER_WORDS = re.compile(r"\b(clusters?|tranches?|categories?|taille|habitants?|inwoners|inw|hab)\b")
MONEY_WORDS = re.compile(
    r"\b(combien|montants?|bedrag\w*|hoeveel|recu|ontvangen|gekregen|kregen|touche|subside"
    r"|subsidie|btw|tva|htva|excl\w*|totaal|total)\b"
)
# Asking for an amount ("en hoeveel voorschot is da?"), not merely naming the grant ("payer avec le subside ?").
AMOUNT_ASKED = re.compile(
    r"\b(combien|montants?|bedrag\w*|hoeveel|recu|ontvangen|gekregen|kregen|touche|ca fait|quel\w* somme)\b"
)
# A number given right after a payment question is that question's grant.
PAYMENT_HINT = re.compile(
    r"\b(avance|voorschot|declaration|schuldvordering|reclamer|vorderen|subside|subsidie|(?:jaar)?budget|subvention)"
)
# Asking how much one may apply for.
ASK_FOR_WORDS = re.compile(r"\b(demander|aanvragen|vragen|plafond|maximum|max|peut-on|mogen|recevoir|krijgen)\b")
# The 2008 manual's rule on moving money between cost types.
TRANSFER_WORDS = re.compile(
    r"\b(15 ?%|15 pour ?cent|15 procent|transfer\w*|\w*verschuiv\w*|overdracht\w*"
    r"|(?:deplac|gliss|bascul|verplaats|overhevel|schuiv)\w*[^?.]{0,60}\b(?:types?|categories?|postes?|soorten|posten)\b)"
)
# Asking whether a CPAS is among those selected.
SELECTED_WORDS = re.compile(
    r"\b(retenu\w*|selectionn\w*|fait partie|font partie|soutenu\w*|beneficiaire\w*|laureat\w*"
    r"|geselecteerd|gekozen|gesteund|begunstigde\w*|erbij|bij de|concerne\w*|betrokken|figur\w*|trouve pas|dedans"
    r"|erin|staan|staat|vermeld\w*|repris|annexe|bijlage|ne trouve|vind\w* (?:ik |we |wij )?(?:niet|geen))\b"
)
# Words about the annex row itself (amount excl. VAT, VAT, total): the project's figures, not a computation.
ANNEX_WORDS = re.compile(r"\b(excl\w*|htva|hors tva|btw|tva|totaal\w*|total|totale|bijlage|annexe|publie\w*)\b")
RECEIVED_OR_SPENT = re.compile(
    r"\b(recu|percu\w*|encaisse\w*|ontvangen|ontving\w*|gekregen|kregen|binnen|touche|depense\w*|uitgegeven|uitgaven"
    r"|reste\w*|over)\b"
)


# Asking when a period starts or ends.
PERIOD_WORDS = re.compile(
    r"\b(periode|quand|wanneer|jusqu|vanaf|a partir|debut|fin|einde|begin|loopt|termine|eindigt|lopen|looptijd)\b"
)
# Asking how many CPAS or projects (a count of the documents, whoever was named before).
HOW_MANY_PROJECTS = re.compile(
    r"\b(combien de|hoeveel)\s+(cpas|ocmw\w*|projets?|projecten|beneficiaires|begunstigden|laureats)\b"
)
# A question this short on the advance, once the grant is known, asks it for that grant.
ADVANCE_WORDS = re.compile(r"\b(avance|voorschot)\b")
SHORT_ADVANCE_QUESTION = 8
# A message this short that names a project asks the question before again, for this project.
SHORT_FOLLOW_UP = 6
# "leur", "notre", "hun project": the message is about the project named earlier.
REFERS_BACK = re.compile(
    r"\b(ils|elles|leur|leurs|eux|nous|notre|nos|on|we|ons|onze|ze|zij|hun|projet|project|da|dat|die|ca|cela"
    r"|daar\w*|ervan|hiervan|dont)\b"
)
# "leur projet", "hun project", "ce projet", "le projet": a project named before, not the asker's own.
THEIR_PROJECT = re.compile(
    r"\b(ils|elles|leur|leurs|eux|ze|zij|hun|(?:ce|cet|le|dat|da|dit|die|het) (?:projet|project))\b"
)
# Asking what a project is, does or whom it is for: its description in the decree.
ABOUT_A_PROJECT = re.compile(
    r"\b(doet|doen ze|que fait|que font|fait quoi|font quoi|consiste|inhoud|beschrijving|description|omschrijving"
    r"|waarover gaat|qu'est-ce que c'est|s'adresse\w*|destine a qui|pour qui|voor wie|richt\w* (?:zich|het)"
    r"|doelgroep\w*|doelpubliek|public cible|cible\w* qui|vise\w* qui|mikt\w* op wie"
    r"|fondateur\w*|membres|leden|oprichter\w*|compose\w*|samengesteld|profil\w*|prevoi\w*|voorzie\w*|houdt|inhoudt|behelst)\b"
    r"|\b(?:(?:wat|wa) is (?:da|dat|dit|het)(?: (?:eigenlijk|juist|precies))?|c'?est quoi(?: ce projet)?)\s*(?:\?|$)"
    # "c'est aussi un bus ?", "is dat ook een bus?": what the project is.
    r"|\b(?:c'est|est-ce) (?:aussi |egalement )?un\b|\bis (?:het|dat|da|dit) (?:ook )?een\b"
)
# Counting what a project does ("combien d'heures par semaine ?", "hoeveel workshops?"): the annex gives its money only.
COUNTED_IN_A_PROJECT = re.compile(
    r"\b(?:combien d(?:e |')|hoeveel)\s*(?:heures|uren|jours|dagen|semaines|weken|ateliers|workshops|sessions|sessies"
    r"|formations|opleidingen|permanences|zitdagen|digicoach\w*|coachs?|collaborateurs|medewerkers|etp|vte|fte"
    r"|animateurs|begeleiders|ordinateurs|computers|laptops|tablettes|tablets)\b"
)
# A project the asker's CPAS takes part in through an association of CPAS (chapter XII).
VIA_ASSOCIATION = re.compile(r"\b(association\w*|vereniging\w*|chapitre xii|hoofdstuk xii|intercommunal\w*)\b")
CLUSTER_YEAR = 2022
# The cost items on expenses outside a call's period: said by the period check, not after it.
OUTSIDE_PERIOD = ("cpas_2023.outside_period", "cpas_2022.outside_period")
# Asking how many inhabitants a commune has (not saying it).
POPULATION_ASKED = re.compile(
    r"\b(combien d'habitants (?:compte|y a|avait|comptait|a|ont)|quelle est la population (?:de|du|d')"
    r"|hoeveel inwoners (?:heeft|telt|had|telde)|hoe groot is de bevolking)\b"
)
# Asking whether an amount may be asked for: "on visait 300.000 €, c'était jouable ?", "mogen we 100.000 euro vragen?".
FITS_ASKED = re.compile(
    r"\b(jouable|possible|faisable|autorise\w*|permis|admis|acceptable|recevable|trop|peut|peux|pouvait|pourrait"
    r"|pouvions|pourrions|demander|viser|visait|mogen|mocht|mag|kunnen|konden|kon|haalbaar|toegelaten|aanvragen"
    r"|vragen|te veel|te hoog|ok|oke)\b"
)
ORDINAL = re.compile(rf"\b(?:{'|'.join(SWAPS[0].values())}|derniere?|laatste)\b")
MIN_MAX = re.compile(
    r"\b(min\w*|max\w*|plafond|plancher|bovengrens|ondergrens|fourchette|bandbreedte|vork|marge|montants?|bedrag\w*)\b"
)


def _population_aside(text: str) -> bool:
    """Whether a population is said only to introduce the asker, its question about something else: "petit CPAS de
    +/- 12 000 hab ici. La formation déjà payée par la Région, on peut la mettre aussi sur e-inclusion ?"."""
    asked = asked_part(text)
    if not asked or any(q.role == "inhabitants" for q in read_quantities(asked)):
        return False
    plain = unaccent(asked)
    return not any(p.search(plain) for p in (CLUSTER_WORDS, MIN_MAX, ASK_FOR_WORDS, HOW_MUCH))


def _after_a_population(tracker: Tracker) -> bool:
    """Whether the user's message before this one gave a number of inhabitants."""
    return any(q.role == "inhabitants" for t in previous_texts(tracker, 1) for q in read_quantities(t))


def named_before(tracker: Tracker) -> str | None:
    """The CPAS outside the annex the conversation named: remembered, or in the turn before (a greeting naming it,
    "bjr, CPAS de Namur", runs no action that would remember it)."""
    return tracker.get_slot("unknown_cpas") or next(
        (name for t in previous_texts(tracker, 1) if (name := unknown_cpas(t))), None
    )


def route(tracker: Tracker) -> str:
    """cluster | population_asked | payments | cofinancing | transfers | funding_period | expense_period | beneficiary |
    beneficiary_list | beyond_annex | unknown_cpas | association | facts"""
    text, intent = latest_text(tracker), intent_of(tracker)
    if not text.strip():
        # A button ("/ask_cluster"): its intent is all there is to go by.
        return BUTTON_ROUTES.get(intent or "", "facts")
    plain = unaccent(text)
    quantities = read_quantities(text)
    if any(q.role == "inhabitants" for q in quantities) and not _population_aside(text):
        return "cluster"
    if POPULATION_ASKED.search(plain):
        # "combien d'habitants compte Wingene ?": no document gives a commune's population.
        return "population_asked"
    short = len(plain.split()) <= SHORT_FOLLOW_UP
    # The clusters' own call named ("in de oproep 2022") is no number the question gives; another year is ("et dans
    # l'appel 2024 ?": a call the documents do not describe).
    counted = [q for q in quantities if q.role != "article" and not (q.role == "year" and q.value == CLUSTER_YEAR)]
    if not PAYMENT_WORDS.search(plain) and (
        (
            _after_a_population(tracker)
            and (any(q.role is None for q in counted) or (not counted and MIN_MAX.search(plain)))
        )
        or (tracker.get_slot("population") and short and not counted and MIN_MAX.search(plain))
    ):
        # "et si on était 140 000 ?", "en het minimum?" right after a question with a population: still the cluster.
        return "cluster"
    if tracker.get_slot("pending") == "cluster" and short and not counted and ORDINAL.search(plain):
        # The clusters just listed, then "en de tweede?": that cluster is in the table, said again.
        return "cluster"
    if (
        _after_a_population(tracker)
        and not PAYMENT_WORDS.search(plain)
        and len(counted) == 1
        and counted[0].role == "eur"
        and FITS_ASKED.search(plain)
    ):
        # "75 000 habitants." then "on visait 300.000 €, c'était jouable ?": that amount against the cluster's range.
        return "cluster"
    money_given = payment_input(text).given
    named = beneficiary(tracker)
    # Named now, else earlier: looked up once (naming is a fuzzy search of every project's names).
    remembered = named or named_earlier(tracker)
    if (BEYOND_ANNEX.search(plain) or COUNTED_IN_A_PROJECT.search(plain)) and (
        named or ((REFERS_BACK.search(plain) or CARRIES_ON.match(plain.lower())) and remembered)
    ):
        return "beyond_annex"
    if remembered and VIA_ASSOCIATION.search(plain) and association_of(kb(), remembered.organisation):
        # "Et l'autre ? On est aussi dedans via une association." from Fléron: SPOT's project, which it belongs to.
        return "association"
    if is_ranking_question(text, previous_texts(tracker, 1)):
        return "beneficiary"
    if not named and project_described(text):
        return "beneficiary"
    if not named and is_list_question(text) and not unknown_cpas(text):
        return "beneficiary_list"
    if not named and HOW_MANY_PROJECTS.search(plain):
        # "et combien de CPAS ont été retenus ?" after a project: the decree's count, not that project again.
        return "facts"
    about_it = THEIR_PROJECT.search(plain) or points_back(text) or (remembered and carries_on(text))
    # "hoeveel btw zat er in hun subsidiebedrag?" after a project was named: its annex row, however far the words.
    its_row = remembered and about_it and ANNEX_WORDS.search(plain)
    if (
        not money_given
        and not named
        and not its_row
        and (clearly_unanswerable(text) or (not quantities and not remembered and not answerable(ranked(text))))
        and not expense_span(tracker)
    ):
        # "the IBAN to pay back what we received too much?" is no computation: with no figure to compute with, the
        # questions the documents do not answer need only be closest to have it said.
        return "facts"
    if named and ANNEX_WORDS.search(plain) and not RECEIVED_OR_SPENT.search(plain):
        return "beneficiary"
    if (named or (remembered and about_it)) and ABOUT_A_PROJECT.search(plain) and not money_given:
        # "die Digikar van Puurs-Sint-Amands, wa is da eigenlijk?", "leur projet s'adresse à qui ?", "et ça cible qui ?"
        # after a project was named: its description.
        return "beneficiary"
    own = None if named else unknown_cpas(text)
    before = named_before(tracker)
    # A CPAS outside the annex named before stays the one asking, even once its association's project is remembered.
    member = before and remembered and association_of(kb(), before) == remembered
    stranger = own or (before if not remembered or member else None)
    introduces = own and len(plain.split()) <= SHORT_FOLLOW_UP and "?" not in text
    if stranger and (MONEY_WORDS.search(plain) or SELECTED_WORDS.search(plain) or introduces) and not money_given:
        # "wij zijn OCMW Hasselt", then "hoeveel bedraagt ons voorschot?": not among the 27, said at once.
        return "unknown_cpas"
    if (
        not named
        and (REFERS_BACK.search(plain) or carries_on(text))
        and (AMOUNT_ASKED.search(plain) or ANNEX_WORDS.search(plain))
        and not money_given
        and remembered
    ):
        # "en hoeveel krijgen ze incl. btw?", "en hoeveel voorschot is da?" after a project was named or found.
        # (A computation under way is carried on: "hoeveel kunnen we nog vragen?" once the amounts received were given.)
        computing = tracker.get_slot("received") and not ANNEX_WORDS.search(plain)
        return "payments" if PAYMENT_WORDS.search(plain) or computing else "beneficiary"
    earlier = previous_texts(tracker, 1)
    if (
        COFINANCING_WORDS.search(plain)
        and (money_given or any(payment_input(t).given for t in earlier) or HOW_MUCH.search(plain))
    ) or (
        money_given and not PAYMENT_WORDS.search(plain) and any(COFINANCING_WORDS.search(unaccent(t)) for t in earlier)
    ):
        # With the amounts (now or just before) the share is computed; asked "how much" without them, the rule.
        return "cofinancing"
    if TRANSFER_WORDS.search(plain) and (money_given or any(payment_input(t).given for t in earlier)):
        # "… jusqu'où avec la règle des 15 % ?" after "subside de 20.000 dont 4.000 en investissement".
        return "transfers"
    calls_in_conversation = [
        *calls_named(text),
        *(c for t in earlier for c in calls_named(t)),
        tracker.get_slot("call"),
    ]
    in_2008 = "ict_2008" in calls_in_conversation
    if (
        in_2008
        and money_given
        and GRANT_WORDS.search(plain)
        and COST_TYPES.search(plain)
        and not PAYMENT_WORDS.search(plain)
    ):
        # "et avec un subside de 25.000 dont 5.000 d'investissement ?" on the 2008 manual: its 15 % rule (not "une
        # imprimante à 350 €, investissement ou fonctionnement ?": a price, no grant).
        return "transfers"
    if (
        in_2008
        and COST_TYPES.search(plain)
        and ABOVE_PLAN.search(plain)
        and any(payment_input(t).grant for t in earlier)
    ):
        # "subside 24 000 €, dont 3 000 investissement", then "les investissements vont coûter plus cher, jusqu'où ?".
        return "transfers"
    if (
        intent == "ask_cluster"
        and not PAYMENT_WORDS.search(plain)
        and (
            CLUSTER_WORDS.search(plain)
            # ("et les 23.000 qui dépassent, on les perd ?" after euros spent: euros, not inhabitants.)
            or (any(q.role is None for q in quantities) and not any(payment_input(t).given for t in earlier))
        )
    ):
        # After the 15 % rule: "subsidie van 25.000 en geplande personeelskosten van 18.000" is no population.
        return "cluster"
    if (
        "cpas_2022" in calls_in_conversation
        and PERIOD_WORDS.search(plain)
        and not COFINANCING_WORDS.search(plain)
        and duration_years(tracker) is not None
        and not money_given
    ):
        # "notre projet (appel 2022) dure 2 ans", then "nos dépenses, entre quand et quand ?": its own period.
        return "funding_period"
    amounts_before = any(payment_input(t).given for t in earlier)
    if (
        not {"cpas_2022", "ict_2008"} & set(calls_in_conversation)
        and not money_given
        and not (amounts_before and PAYMENT_WORDS.search(plain))
        and expense_span(tracker)
    ):
        # (With amounts spent by a date, now or just before, the question is how much to claim, not whether that month
        # is covered.)
        # "laptops gekocht op 3 november 2024, kunde da nog op de subsidie zetten?": the decree's period decides.
        return "expense_period"
    about_payments = PAYMENT_WORDS.search(plain) or any(PAYMENT_WORDS.search(unaccent(t)) for t in earlier)
    if money_given and (about_payments or intent in ("ask_advance", "ask_remaining")):
        return "payments"
    if money_given and GRANT_WORDS.search(plain) and not asks(text) and not in_2008:
        # "Subvention de 320.000 € (AR du 8 décembre 2023)." asks nothing yet: what the grant brings, computed.
        return "payments"
    if ADVANCE_WORDS.search(plain) and tracker.get_slot("grant") and len(plain.split()) <= SHORT_ADVANCE_QUESTION:
        # The grant given the turn before, then "en het voorschot? wanneer wordt da gestort?": computed on it.
        return "payments"
    money_words = [HOW_MUCH, PAYMENT_WORDS, ADVANCE_WORDS, RECEIVED_OR_SPENT, MONEY_WORDS]
    if (intent in ("ask_advance", "ask_remaining") and any(p.search(plain) for p in money_words)) or (
        PAYMENT_WORDS.search(plain) and HOW_MUCH.search(plain) and (tracker.get_slot("grant") or remembered)
    ):
        # (Not "c'est encore bon ou pas ?" after a claim sent on 15 May, whatever the classifier said: no money asked.)
        return "payments"
    if tracker.get_slot("population") and ASK_FOR_WORDS.search(plain) and not about_payments:
        # "on a … habitants" then "donc on peut demander … € ?": the cluster says how much.
        return "cluster"
    if named and len(plain.split()) <= SHORT_FOLLOW_UP:
        # "et pour nous à Anderlues ?" after a question on another project: the same question, for this one.
        return "payments" if about_payments else "beneficiary"
    if intent == "ask_beneficiary" or (named and MONEY_WORDS.search(plain)):
        return "beneficiary"
    return "facts"


# "klopt da?", "c'est vrai ?" after a claim the user made ("notre responsable dit que la 1re décla devait partir fin
# mai"): the message before is the question.
CONFIRM = re.compile(
    r"^\W*(?:(?:et|en|ok|bon|dus|donc|alors|mais|maar)\W+)?(?:klopt (?:da|dat|het|dit)(?: wel| echt| nu)?"
    r"|is (?:da|dat|het|dit) (?:zo|juist|correct|waar)|(?:c'est|cest|c) (?:vrai|correct|juste|exact|bien ca|ca)"
    r"|est-ce (?:vrai|correct|exact|juste)|correct|exact|juist|vrai|echt waar|waar|right)\W*$"
)


def asked_again(tracker: Tracker) -> Tracker | None:
    """The conversation as it was at the message before, when the latest only asks whether that one is right."""
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    if len(users) < 2 or not CONFIRM.match(unaccent(latest_text(tracker)).lower()):
        return None
    before = tracker.events[users[-2]]
    if not (before.get("text") or "").strip() or before["text"].startswith("/"):
        return None
    return Tracker(
        tracker.sender_id,
        tracker.current_slot_values(),
        {**(before.get("parse_data") or {}), "text": before["text"]},
        tracker.events[: users[-1]],
        tracker.is_paused(),
        tracker.followup_action,
        tracker.active_loop,
        tracker.latest_action_name,
    )


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        tracker = asked_again(tracker) or tracker
        return [*remember(tracker), *call_events(tracker), *self.answer(dispatcher, tracker)]

    @staticmethod
    def answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
        chosen = route(tracker)
        if chosen == "cluster":
            return cluster(dispatcher, tracker)
        if chosen == "payments":
            return payments(dispatcher, tracker)
        if chosen == "beneficiary":
            return beneficiary_answer(dispatcher, tracker)
        if chosen == "association":
            member_of = association_of(kb(), remembered_beneficiary(tracker).organisation)
            describe(dispatcher, member_of, lang_of(tracker), money_only=True)
            return [SlotSet("organisation", member_of.id)]
        if chosen == "beyond_annex":
            return beyond_annex(dispatcher, tracker)
        if chosen == "beneficiary_list":
            return list_beneficiaries(dispatcher, tracker)
        if chosen == "unknown_cpas":
            name = unknown_cpas(latest_text(tracker)) or named_before(tracker)
            return say_unknown_cpas(dispatcher, name, lang_of(tracker))
        if chosen == "population_asked":
            say_dont_know(dispatcher, lang_of(tracker))
            return []
        if chosen == "cofinancing":
            return cofinancing(dispatcher, tracker)
        if chosen == "transfers":
            return transfers(dispatcher, tracker)
        if chosen == "funding_period":
            return funding_period(dispatcher, tracker)
        if chosen == "expense_period":
            # Outside the period, that settles it; inside, what was bought decides: the item that answers follows.
            if expense_period(dispatcher, tracker, expense_span(tracker)):
                if asks_two_things(latest_text(tracker)):
                    # "Deadline de la 2e DC ? et des factures de début novembre 2024 ?": the other question too.
                    answer(dispatcher, tracker, leaving=OUTSIDE_PERIOD)
                return call_events(tracker)
            # Within the period: what was bought decides (never the rule on expenses outside it, just answered).
            return [*call_events(tracker), *score_events(answer(dispatcher, tracker, leaving=OUTSIDE_PERIOD))]
        said = answer(dispatcher, tracker)
        if not said:
            if intent_of(tracker) == "out_of_scope":
                dispatcher.utter_message(response="utter_out_of_scope")
            say_dont_know(dispatcher, lang_of(tracker))
        return [*call_events(tracker), *score_events(said)]


# Small talk answered by its response, unless the message asks something the documents answer: "wat zijn de gevolgen
# daarvan?" after a question on a late claim was read as "what can you do?" (0.41).
SMALL_TALK = {
    "greet": "utter_greet",
    "ask_capabilities": "utter_capabilities",
    "thank": "utter_thank",
    "affirm": "utter_affirm",
    "deny": "utter_deny",
}
SURE_SMALL_TALK = 0.8


class ActionSmallTalk(Action):
    def name(self) -> str:
        return "action_small_talk"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        confidence = ((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0
        if asked_again(tracker) or (
            confidence < SURE_SMALL_TALK and asks(latest_text(tracker)) and best_items(tracker).items
        ):
            return ActionAnswer().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response=SMALL_TALK.get(intent_of(tracker) or "", "utter_capabilities"))
        # "Bonjour, notre projet de l'appel 2022 a un budget annuel de 75.000 €.": kept for the questions that follow.
        return [*remember(tracker), *call_events(tracker)]


class ActionInform(Action):
    """A value given on its own: the computation offered just before, a project, else read as a question."""

    def name(self) -> str:
        return "action_inform"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        return [*remember(tracker), *call_events(tracker), *self.inform(dispatcher, tracker)]

    @staticmethod
    def inform(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
        lang, pending, text = lang_of(tracker), tracker.get_slot("pending"), latest_text(tracker)
        earlier = previous_texts(tracker, 1)
        if _after_a_population(tracker) and route(tracker) == "cluster":
            return cluster(dispatcher, tracker)  # "et si on était 140 000 ?" after a population: another population
        asked_payment = pending == "payments" or any(PAYMENT_HINT.search(unaccent(t)) for t in [text, *earlier])
        if asked_payment and payment_input(text).given:
            return payments(dispatcher, tracker)
        if pending == "cluster" and numbers(tracker, "population"):
            return cluster(dispatcher, tracker)
        named = beneficiary(tracker)
        if named and not asks(text):
            # "Genk, Vlotte balie": the project; a question about it ("le Digikar a accompagné combien de
            # personnes ?") is routed below.
            describe(dispatcher, named, lang, money_only=False)
            return [SlotSet("organisation", named.id), SlotSet("pending", None)]
        stranger = unknown_cpas(text)
        if stranger:
            return say_unknown_cpas(dispatcher, stranger, lang)
        if "?" in text or route(tracker) != "facts":
            return ActionAnswer.answer(dispatcher, tracker)
        found = numbers(tracker, "population") or numbers(tracker, "amount")
        if found:
            dispatcher.utter_message(
                response="utter_what_for_number", number=format_number(found[0], lang), raw=str(found[0])
            )
            return []
        return ActionAnswer.answer(dispatcher, tracker)
