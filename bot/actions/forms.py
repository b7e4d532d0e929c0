"""Form validators: one extract_/validate_ pair per slot; values are stored as strings."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.replies import kb, lang_of, say_error
from bot.actions.values import beneficiary, numbers, says_advance_only, says_nothing
from rules.clusters import as_population
from rules.errors import RuleError
from rules.money import as_amount
from rules.payments import PaymentTerms, advance_for

Slots = Dict[Text, Any]


def _requested(tracker: Tracker, slot: str) -> bool:
    """True when the form just asked for `slot`, or is being activated by this message."""
    return tracker.get_slot("requested_slot") in (slot, None)


class ValidateClusterForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_cluster_form"

    async def extract_population(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Slots:
        found = numbers(tracker, "population")
        return {"population": str(found[0])} if found and _requested(tracker, "population") else {}

    def validate_population(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Slots:
        try:
            return {"population": str(as_population(value))}
        except RuleError as error:
            say_error(dispatcher, error, lang_of(tracker))
            return {"population": None}


class ValidateAdvanceForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_advance_form"

    async def extract_grant(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return _grant_from_message(tracker)

    def validate_grant(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> Slots:
        return _valid_amount("grant", value, dispatcher, tracker)


class ValidateRemainingForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_remaining_form"

    async def extract_grant(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return _grant_from_message(tracker)

    async def extract_received(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Slots:
        requested = tracker.get_slot("requested_slot")
        found = numbers(tracker, "amount")
        if requested is None and len(found) >= 2:
            # "grant 235 022,50, received 70 506,75": the largest is the grant, the rest was received.
            rest = sorted(found)[:-1]
            return {"received": str(sum(rest, Decimal(0)))}
        if requested != "received":
            return {}
        if found:
            return {"received": str(sum(found, Decimal(0)))}
        if says_nothing(tracker):
            return {"received": "0"}
        grant = tracker.get_slot("grant")
        if says_advance_only(tracker) and grant:
            return {"received": str(advance_for(grant, terms=PaymentTerms.of(kb())).advance)}
        return {}

    def validate_grant(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> Slots:
        return _valid_amount("grant", value, dispatcher, tracker)

    def validate_received(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Slots:
        return _valid_amount("received", value, dispatcher, tracker, allow_zero=True)


class ValidateBeneficiaryForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_beneficiary_form"

    async def extract_organisation(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Slots:
        found = beneficiary(tracker)
        if found:
            return {"organisation": found.id}
        if tracker.get_slot("requested_slot") == "organisation":
            dispatcher.utter_message(response="utter_unknown_organisation")
        return {}

    def validate_organisation(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Slots:
        return {"organisation": value}


def _grant_from_message(tracker: Tracker) -> Slots:
    """A grant typed as an amount, or the annex total of a named 2023 beneficiary.

    Only the form's own slots survive its validation, so the beneficiary is found again
    afterwards by `values.recent_beneficiary`."""
    if not _requested(tracker, "grant"):
        return {}
    named = beneficiary(tracker)
    if named:
        return {"grant": str(named.total)}
    found = numbers(tracker, "amount")
    return {"grant": str(max(found))} if found else {}


def _valid_amount(slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, *,
                  allow_zero: bool = False) -> Slots:
    try:
        return {slot: str(as_amount(value, field=slot, allow_zero=allow_zero))}
    except RuleError as error:
        say_error(dispatcher, error, lang_of(tracker))
        return {slot: None}
