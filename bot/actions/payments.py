"""Advance, claim declarations and what is left to claim: computed when the amounts are known, else the rule."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.answers import answer, asked_part, call_events, calls_named
from bot.actions.replies import (
    kb,
    lang_of,
    latest_text,
    previous_texts,
    say_dont_know,
    say_error,
    say_facts,
    say_issues,
)
from bot.actions.values import (
    COST_TYPES,
    FIRST_CLAIM,
    GRANT_WORDS,
    PaymentInput,
    beneficiary,
    payment_input,
    planned_for,
    remembered_beneficiary,
    unknown_cpas,
)
from bot.sentences import unaccent
from knowledge.models import Beneficiary
from knowledge.search import association_of
from rules.deadlines import next_deadline
from rules.errors import RuleError
from rules.money import as_amount, format_date, format_eur, format_percent, to_cents
from rules.parsing import read_quantities
from rules.payments import PaymentTerms, advance_for, first_claim_due, remaining_for, second_claim_due
from rules.transfers import category_ceiling

# A grant said within this share of a named project's annex total is that total, rounded by the asker.
ROUNDED = Decimal("0.02")
DEADLINES = ("cpas_2023.first_claim_deadline", "cpas_2023.second_claim_deadline")
RULES = ("cpas_2023.advance_rate", "cpas_2023.first_claim_cap_rate")
DOCUMENTS_WITHOUT_CLAIM = "cpas_2023.documents_without_claim"
# A question on the first claim's cap that names no advance and nothing left over.
FIRST_CLAIM_ASKED = re.compile(
    r"^(?!.*\b(?:avance|voorschot|reste\w*|restant|over|nog|encore|solde|saldo)\b).*" + FIRST_CLAIM.pattern
)
# "When do we get the advance, and how much?": the rule says when.
WHEN = re.compile(r"\b(quand|wanneer|a quel moment|op welk moment|when)\b")
DEADLINE_ASKED = re.compile(r"\b(date limite|deadline|uiterlijk|pour quand|delai|termijn|tegen wanneer)\b")
# The second (or last) claim declaration, beside values.FIRST_CLAIM.
SECOND_CLAIM = re.compile(r"\b(?:2e|2eme|2de|deuxieme|seconde|tweede|laatste|derniere)\b")
# The balance, which the second claim declaration asks for (Art. 7 §3).
BALANCE = re.compile(r"\b(?:solde|saldo)\b")


def payments(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
    """Compute from what this message and the conversation give; without a grant, state the rule and offer."""
    lang, text = lang_of(tracker), latest_text(tracker)
    plain = unaccent(text)
    given = payment_input(text)
    stranger = None if beneficiary(tracker) else unknown_cpas(text)
    if stranger and not given.grant:
        return say_unknown_cpas(dispatcher, stranger, lang)
    remembered = remembered_beneficiary(tracker)
    if remembered:
        # "on a 86.550,16 HTVA et 102.800,68 TVAC, et reçu 30.840,20": the annex's amount excluding VAT and its VAT,
        # quoted, are no money received.
        quoted = {remembered.amount_excl_vat, remembered.vat}
        given = replace(
            given,
            grant=None if given.grant in quoted else given.grant,
            received=[a for a in given.received if a not in quoted],
        )
    if given.grant and remembered and abs(given.grant - remembered.total) <= remembered.total * ROUNDED:
        # "Jemeppe-sur-Sambre, subside de nonante-deux mille et des poussières": the annex's exact grant.
        given = replace(given, grant=None)
    elif given.grant and remembered and given.grant < remembered.total and not GRANT_WORDS.search(plain):
        # "En 1re décla on a demandé …" from a CPAS of the annex: its grant is the annex's, the amount was claimed
        # (after the advance, when it was the first claim's).
        first = given.first_claim or bool(FIRST_CLAIM.search(plain))
        given = replace(given, grant=None, received=[given.grant, *given.received], first_claim=first)
    named = None if given.grant else remembered
    grant = given.grant or (named.total if named else None) or _slot_amount(tracker, "grant")
    if grant is None and len(given.received) == 1 and FIRST_CLAIM_ASKED.search(plain):
        # "we hebben … € gekregen, hoeveel max in onze eerste schuldvordering?": what they got is the grant.
        grant, given = given.received[0], PaymentInput()
    if given.spent is None and (FIRST_CLAIM_ASKED.search(plain) or SECOND_CLAIM.search(plain)):
        # "tegen eind april hebben we 50.000 uitgegeven", then "hoeveel kunnen we dan vragen in de eerste
        # schuldvordering?" (or "en daarna nog met de tweede?"): the costs of the turn before.
        before = next((s for t in previous_texts(tracker, 1) if (s := payment_input(t).spent) is not None), None)
        given = replace(given, spent=before)
    calls = calls_named(text) or [tracker.get_slot("call")]
    if given.annual and not named and "cpas_2023" not in calls:
        # "ons goedgekeurd jaarbudget is 180.000 euro": an annual budget is the 2022 call's (its advance is 30 % of it).
        calls = ["cpas_2022"]
    if "cpas_2022" in calls and not named:
        return _call_2022(dispatcher, tracker, given, grant)
    if "ict_2008" in calls and not named:
        # The 2008 manual has no advance or claim schedule like the decree's: what it says, not a 2023 computation.
        if not answer(dispatcher, tracker):
            say_dont_know(dispatcher, lang)
        return [SlotSet("pending", None), SlotSet("call", "ict_2008")]
    if grant is None:
        if not answer(dispatcher, tracker):
            say_facts(dispatcher, [kb().fact(f) for f in RULES], lang)
        dispatcher.utter_message(response="utter_offer_payments")
        return [SlotSet("pending", "payments"), *call_events(tracker)]
    try:
        return _compute(dispatcher, tracker, grant, given, named)
    except RuleError as error:
        say_error(dispatcher, error, lang)
        return [SlotSet("pending", None)]


def _slot_amount(tracker: Tracker, slot: str) -> Decimal | None:
    value = tracker.get_slot(slot)
    return Decimal(value) if value else None


def _received(grant: Decimal, given: PaymentInput, terms: PaymentTerms) -> list[Decimal]:
    """What the message says was received: amounts, 'the advance', 'the first claim at its maximum'."""
    result = advance_for(grant, terms=terms)
    received = list(given.received)
    if (given.advance_received or given.first_claim) and result.advance not in received:
        received.insert(0, result.advance)
    if given.first_claim_at_max and result.first_claim_max not in received[1:]:
        if result.advance not in received:
            received.append(result.advance)
        received.append(result.first_claim_max)
    return received


def _compute(
    dispatcher: CollectingDispatcher, tracker: Tracker, grant: Decimal, given: PaymentInput, named: Beneficiary | None
) -> list[dict]:
    lang, terms = lang_of(tracker), PaymentTerms.of(kb())
    eur = lambda amount: format_eur(amount, lang)  # noqa: E731
    result = advance_for(grant, terms=terms)
    received = _received(result.grant, given, terms)
    earlier = _slot_amount(tracker, "received") if not given.grant else None
    if earlier is not None and given.received:
        # "and after the first claim we got 55.000 more": what was received before still counts (the advance among
        # it, when this message gives the first claim's amount).
        received = [earlier, *(given.received if given.first_claim else received)]
    elif earlier is not None and not received:
        received = [earlier]
    facts = [kb().fact(f) for f in RULES]
    refs = [*([named.source] if named else []), *[f.source for f in facts], kb().fact(DEADLINES[1]).source]
    source = kb().cite(*refs, lang=lang)
    plain = unaccent(latest_text(tracker))
    spent = to_cents(as_amount(given.spent)) if given.spent is not None else None
    second = bool(SECOND_CLAIM.search(plain) or BALANCE.search(plain))
    # The second claim is due once the first is behind them (more than the advance received), or when only it is asked.
    first_behind = sum(received, Decimal(0)) > result.advance
    second_due = spent is not None and bool(received) and (first_behind or (second and not FIRST_CLAIM.search(plain)))
    if second_due:
        # Spent in all, and the advance and first claim received: the second claim is what was spent beyond them.
        left = remaining_for(result.grant, received, terms=terms)
        dispatcher.utter_message(
            response="utter_second_claim_due",
            spent=eur(spent),
            received_total=eur(left.received_total),
            due=eur(second_claim_due(result.grant, given.spent, received, terms=terms)),
            remaining=eur(left.remaining),
        )
    if received and not second_due:
        left = remaining_for(result.grant, received, terms=terms)
        dispatcher.utter_message(
            response="utter_remaining",
            received_total=eur(left.received_total),
            remaining=eur(left.remaining),
            grant=eur(left.grant),
        )
    nothing_to_claim = False
    if spent is not None and not second_due:
        due = first_claim_due(result.grant, given.spent, terms=terms)
        nothing_to_claim = due == 0
        beyond = max(spent - result.advance, Decimal("0.00"))
        dispatcher.utter_message(
            # Capped: the uncapped difference is no amount to claim, and is not said as one.
            response="utter_first_claim_capped" if beyond > due else "utter_first_claim_due",
            spent=eur(spent),
            advance=eur(result.advance),
            beyond=eur(beyond),
            due=eur(due),
            first_claim_max=eur(result.first_claim_max),
            cap_rate=format_percent(terms.first_claim_rate, lang),
            left=eur(remaining_for(result.grant, [result.advance, due], terms=terms).remaining),
        )
    if named:
        dispatcher.utter_message(
            response="utter_payments_annex",
            organisation=named.name(lang),
            project=named.project,
            published=eur(named.advance),
            rate=format_percent(terms.advance_rate, lang),
            total=eur(named.total),
        )
    if second_due or (first_behind and given.received and second):
        # The first claim is behind them: what is left was said, the schedule's "if the first claim reached its cap"
        # would only mislead.
        dispatcher.utter_message(response="utter_payments_source", source=source)
    else:
        dispatcher.utter_message(
            response="utter_payments",
            grant=eur(result.grant),
            advance=eur(result.advance),
            rate=format_percent(terms.advance_rate, lang),
            cap_rate=format_percent(terms.first_claim_rate, lang),
            first_claim_max=eur(result.first_claim_max),
            max_after_first_claim=eur(result.max_after_first_claim),
            after_rate=format_percent(terms.advance_rate + terms.first_claim_rate, lang),
            balance=eur(result.balance_after_first_claim),
            source=source,
            after_advance=eur(remaining_for(result.grant, [result.advance], terms=terms).remaining),
            rest_rate=format_percent(1 - terms.advance_rate, lang),
        )
    if nothing_to_claim:
        # The advance covers what was spent: nothing to claim, but the documents are due all the same (Art. 7 §2).
        say_facts(dispatcher, [kb().fact(DOCUMENTS_WITHOUT_CLAIM)], lang)
    upcoming = next_deadline(date.today(), deadlines=[kb().fact(d) for d in DEADLINES])
    if received and not upcoming.next:
        dispatcher.utter_message(
            response="utter_claim_deadlines_passed",
            dates=" ; ".join(format_date(f.as_date, lang) for f in upcoming.passed),
        )
    if WHEN.search(plain) or DEADLINE_ASKED.search(plain):
        # "… et c'est pour quand la date limite ?": the deadline of the claim asked about, else when the advance comes.
        claim = 1 if SECOND_CLAIM.search(plain) or BALANCE.search(plain) else 0 if FIRST_CLAIM.search(plain) else None
        say_facts(dispatcher, [kb().fact(DEADLINES[claim] if claim is not None else RULES[0])], lang)
    if named:
        say_issues(dispatcher, kb().issues_of(named.id), lang)
    total = sum(received, Decimal(0))
    return [
        SlotSet("grant", str(result.grant)),
        SlotSet("received", str(total) if received else None),
        SlotSet("organisation", named.id if named else tracker.get_slot("organisation")),
        SlotSet("pending", None),
        *call_events(tracker),
    ]


def _call_2022(
    dispatcher: CollectingDispatcher, tracker: Tracker, given: PaymentInput, grant: Decimal | None
) -> list[dict]:
    """The 2022 call pays its advance on the annual budget (slides, payment schedule)."""
    lang = lang_of(tracker)
    fact = kb().fact("cpas_2022.advance_rate")
    # "budget total 360k (donc 120k par an)", then "sur les 360k ou sur l'annuel ?": the annual budget said before.
    before = next((a for t in previous_texts(tracker, 1) if (a := payment_input(t).annual)), None)
    base = given.annual or before or grant
    if base is None:
        say_facts(dispatcher, [fact], lang)
        dispatcher.utter_message(response="utter_offer_payments")
        return [SlotSet("pending", "payments"), SlotSet("call", "cpas_2022")]
    dispatcher.utter_message(
        response="utter_advance_2022",
        annual=format_eur(base, lang),
        rate=format_percent(fact.decimal, lang),
        advance=format_eur(to_cents(base * fact.decimal), lang),
        rule=fact.text(lang),
        source=kb().cite(fact.source, lang=lang),
    )
    return [SlotSet("pending", None), SlotSet("call", "cpas_2022"), SlotSet("grant", str(base))]


def cofinancing(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
    """2022 call: from the 2nd year, 20 % of the eligible expenses are the CPAS's own share (slides)."""
    lang = lang_of(tracker)
    fact = kb().fact("cpas_2022.cofinancing_rate")
    # The amounts of this message, else of the one before ("dépenses prévues en année 2 : 100.000", then "le
    # cofinancement, ça fait combien ?").
    texts = [latest_text(tracker), *previous_texts(tracker, 1)]
    given = next((g for g in map(payment_input, texts) if g.given), PaymentInput())
    base = given.spent or given.grant or given.annual
    if base is None:
        say_facts(dispatcher, [fact], lang)
        return [SlotSet("call", "cpas_2022")]
    dispatcher.utter_message(
        response="utter_cofinancing",
        expenses=format_eur(base, lang),
        rate=format_percent(fact.decimal, lang),
        share=format_eur(to_cents(base * fact.decimal), lang),
        rule=fact.text(lang),
        source=kb().cite(fact.source, lang=lang),
    )
    return [SlotSet("call", "cpas_2022")]


def say_unknown_cpas(dispatcher: CollectingDispatcher, name: str, lang: str) -> list[dict]:
    """Not among the annex's beneficiaries: say so, never give another CPAS's figures, offer the helpdesk. A CPAS that
    an association of the annex brings together (Hotton in Integra Plus) gets that association's row instead, and the
    association is the project the next questions are about ("et leur avance ?"). Returns the slots to set."""
    association = association_of(kb(), name)
    if association:
        dispatcher.utter_message(
            response="utter_member_of_association",
            name=name,
            association=association.name(lang),
            project=association.project,
            total=format_eur(association.total, lang),
            advance=format_eur(association.advance, lang),
            source=kb().cite(association.source, association.description_source, lang=lang),
        )
        return [SlotSet("unknown_cpas", None), SlotSet("organisation", association.id)]
    dispatcher.utter_message(
        response="utter_unknown_cpas",
        name=name,
        count=len(kb().beneficiaries),
        contact=kb().contact(lang),
        source=kb().cite(kb().fact("cpas_2023.beneficiaries").source, lang=lang),
    )
    return [SlotSet("unknown_cpas", name), SlotSet("organisation", None)]


def transfers(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
    """2008 manual: a cost type may grow by at most 15 % of the grant, the total unchanged."""
    lang = lang_of(tracker)
    fact = kb().fact("ict_2008.transfer_rate")
    text = latest_text(tracker)
    given = payment_input(text)
    plan = next((t for t in previous_texts(tracker, 1) if payment_input(t).grant), None)
    if plan and (not given.grant or not GRANT_WORDS.search(unaccent(text))):
        # The amounts given just before: "subside de 20.000 dont 4.000 en investissement", then "jusqu'où ?" (or "on
        # peut faire monter l'investissement à 8.000 € ?": 8 000 is where it would go, not the grant).
        text, given = plan, payment_input(plan)
    if not given.grant:
        # No grant to compute with, now or just before: what the manual says.
        if not answer(dispatcher, tracker):
            say_dont_know(dispatcher, lang)
        return [SlotSet("call", "ict_2008")]
    # The cost type's planned amount: the amount of the cost type named now ("les investissements vont coûter plus
    # cher" after "… / 3 000 investissement"), else the other amount of the message ("dont 4.000 en investissement").
    # ("verdeeld als 8.000 personeel, 2.500 werking en 1.500 investering. Tot hoeveel mag de investering oplopen?":
    # the cost type of the question, not the plan's first.)
    named = COST_TYPES.search(unaccent(asked_part(latest_text(tracker)))) or COST_TYPES.search(
        unaccent(latest_text(tracker))
    )
    if named and (planned_now := planned_for(text, named.group(1))) is not None and planned_now != given.grant:
        others = [planned_now]
    else:
        others = [
            q.value
            for q in read_quantities(text)
            if q.role in ("eur", None) and q.value >= 100 and q.value != given.grant
        ]
    planned = others[0] if others else Decimal(0)
    try:
        ceiling = category_ceiling(given.grant, planned, rate=fact.decimal)
    except RuleError as error:
        say_error(dispatcher, error, lang)
        return []
    if not others:
        # No planned amount given: how much any cost type may move.
        dispatcher.utter_message(
            response="utter_transfer_shift",
            grant=format_eur(given.grant, lang),
            rate=format_percent(fact.decimal, lang),
            shift=format_eur(ceiling, lang),
            rule=fact.text(lang),
            source=kb().cite(fact.source, lang=lang),
        )
        return [SlotSet("call", "ict_2008")]
    dispatcher.utter_message(
        response="utter_transfer_ceiling",
        grant=format_eur(given.grant, lang),
        planned=format_eur(planned, lang),
        rate=format_percent(fact.decimal, lang),
        shift=format_eur(category_ceiling(given.grant, Decimal(0), rate=fact.decimal), lang),
        ceiling=format_eur(ceiling, lang),
        rule=fact.text(lang),
        source=kb().cite(fact.source, lang=lang),
    )
    return [SlotSet("call", "ict_2008")]
