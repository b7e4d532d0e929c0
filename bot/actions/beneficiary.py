"""A granted 2023 project by name (annex amounts and what it does), and values given outside a question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.answers import ANNEX, SECOND_YEAR, answer, calls_asked, calls_named, points_back
from bot.actions.payments import say_unknown_cpas
from bot.actions.replies import kb, lang_of, latest_text, previous_texts, say_dont_know, say_facts, say_issues
from bot.actions.values import beneficiaries_in, beneficiary, named_earlier, remembered_beneficiary, unknown_cpas
from bot.sentences import unaccent
from knowledge.models import Beneficiary
from knowledge.search import name_positions, project_doing
from rules.money import format_eur, format_percent
from rules.parsing import read_quantities

# Money questions about a project get its annex row; other questions also get what it does.
_MONEY = re.compile(
    r"\b(combien|montant|bedrag|hoeveel|avance|voorschot|tva|btw|htva|total\w*|subsid\w*|subvention"
    r"|recu|ontvangen|gekregen|touche|eur\w*|€)"
)
# Asking how much, or how it went for this project (not whether or when an amount is paid): the documents do not say.
PROJECT_OUTCOME_ASKED = re.compile(
    r"\b(combien|hoeveel|quel montant|welk bedrag|quel\w* (?:sera|serait|est) (?:exactement |precisement )?le montant"
    r"|montant exact|exacte? bedrag|goedgekeurd|approuve\w*|prolonge\w*|verlengd"
    r"|accorde\w*|toegekend|positi\w*|negati\w*|gelukt|reussi\w*)\b"
)
# A question about what the project does wants its description too, even beside an amount.
_WHAT_IT_DOES = re.compile(
    r"\b(doet|doen ze|que fait|que font|fait quoi|font quoi|consiste|inhoud|beschrijving|description|omschrijving"
    r"|waarover|c'est quoi|c quoi|principe|concept|idee|bedoeling|contenu|modules?|referents?|activites|acties|luiken"
    r"|volets|gebruik\w*|utilis\w*|prevoi\w*|voorzien|bestaat|outils?|middelen|combien de cpas|hoeveel ocmw\w*"
    r"|compose\w*|samengesteld|leden|membres|public|publiek|cible\w*|doelgroep\w*|s'adresse|richt|pour qui|voor wie"
    r"|ages?|leeftijd\w*|nouveau|nieuw\w*|precedent\w*|vorige|lien|verband|fondateurs?|oprichters?|houdt|inhoudt"
    r"|behelst|profil\w*)\b"
)
# What the annex row cannot say about a project: the people it reached, its results, its second year.
BEYOND_ANNEX = re.compile(
    r"\b(personnes|gens|mensen|burgers|citoyens|deelnemers|participants|gebruikers|usagers|bereikt|geholpen|atteint\w*"
    r"|resultat\w*|resultaten|impact|(?:2e|2eme|deuxieme|seconde) annee(?: de projet)?|annee 2"
    r"|(?:2e|2de|tweede) (?:project)?jaar|jaar 2)\b"
)
_LARGEST = re.compile(r"\b(plus gros(?:se)?s?|plus grande?s?|plus elevee?s?|le plus|hoogste|grootste|meeste)\b")
_SMALLEST = re.compile(r"\b(plus petite?s?|plus basse?s?|plus faibles?|le moins|kleinste|laagste|minste)\b")


def beneficiary_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
    """The project named now or earlier; the largest or smallest grant; else ask which one."""
    lang, text = lang_of(tracker), latest_text(tracker)
    compared = _compared(text, named_earlier(tracker))
    earlier = previous_texts(tracker, 1)
    if not compared and earlier and not beneficiaries_in(text) and _COMPARED.search(unaccent(text)):
        # "staan Eeklo en Maldegem in de bijlage?", then "wie van de twee krijgt het meest?": the two named before.
        compared = _compared(f"{earlier[0]} {text}")
    if compared:
        # "Ostende ou Roulers, lequel a reçu le plus ?": which, then each row; "et Tournai, plus ou moins que Genk ?":
        # Tournai first, with the difference.
        first, second = compared[0], compared[1]
        response = "utter_same_total"
        if first.total != second.total:
            response = "utter_larger_total" if first.total > second.total else "utter_smaller_total"
        dispatcher.utter_message(
            response=response,
            first=first.name(lang),
            second=second.name(lang),
            total=format_eur(first.total, lang),
            other=format_eur(second.total, lang),
            difference=format_eur(abs(first.total - second.total), lang),
        )
        for named in compared:
            describe(dispatcher, named, lang, money_only=True)
        return [SlotSet("organisation", compared[0].id)]
    ranked = _by_amount(text) if is_ranking_question(text, earlier) else None
    if ranked:
        describe(dispatcher, ranked, lang, money_only=True)
        return [SlotSet("organisation", ranked.id)]  # "en hoeveel voorschot is da?" is about this one
    doing = project_described(text)
    if doing:
        # "le CPAS qui fait des visites à domicile en vélo cargo, c'est lequel ?": that project, what it does first.
        describe(dispatcher, doing, lang, money_only=False)
        return [SlotSet("organisation", doing.id)]
    named = remembered_beneficiary(tracker)
    stranger = None if beneficiary(tracker) else unknown_cpas(text)
    if stranger:
        return say_unknown_cpas(dispatcher, stranger, lang)
    # The call asked about, now or in the turn before ("Liège avait un projet en 2022", then "ils avaient reçu
    # combien ?"): the annex gives the 2023 decree's amounts only.
    calls = calls_asked(text) or [c for t in previous_texts(tracker, 1) for c in calls_named(t)]
    if calls and "cpas_2023" not in calls and (not named or _MONEY.search(unaccent(text))):
        # The documents list the beneficiaries of the 2023 decree only: no other call's winners or amounts. A question
        # naming no project may be no beneficiary question at all ("projet TIC 2008 : la TVA on pouvait la compter ?").
        if named or points_back(text) or not answer(dispatcher, tracker):
            say_dont_know(dispatcher, lang)
        return []
    ranked = _by_amount(text)
    if ranked:
        describe(dispatcher, ranked, lang, money_only=True)
        return [SlotSet("organisation", ranked.id)]
    if named:
        plain = unaccent(text)
        check_stated(dispatcher, named, text, lang)
        describe(dispatcher, named, lang, money_only=bool(_MONEY.search(plain)) and not _WHAT_IT_DOES.search(plain))
        return [SlotSet("organisation", named.id), SlotSet("pending", None)]
    if tracker.get_slot("unknown_cpas"):
        say_unknown_cpas(dispatcher, tracker.get_slot("unknown_cpas"), lang)
        return []
    if not answer(dispatcher, tracker):
        dispatcher.utter_message(response="utter_ask_organisation")
        return [SlotSet("pending", "beneficiary")]
    return []


# Asking for an amount, not whether one said is right.
_AMOUNT_ASKED = re.compile(r"\b(combien|hoeveel|quel montant|welk bedrag|wat is|c'est quoi|c quoi)\b")
# An amount said about a project is its annex figure when this close to one (rounded by the asker).
_ROUNDED = Decimal("0.005")


def check_stated(dispatcher: CollectingDispatcher, b: Beneficiary, text: str, lang: str) -> None:
    """ "Genk a bien obtenu 250 000 € ?": whether the amount said is one of the project's annex figures, said first
    (the figures follow)."""
    if _AMOUNT_ASKED.search(unaccent(text)):
        return
    stated = [q.value for q in read_quantities(text) if q.role == "eur"]
    if not stated:
        return
    figures = [f for f in (b.amount_excl_vat, b.vat, b.total, b.advance) if f]
    wrong = [v for v in stated if not any(abs(v - f) <= f * _ROUNDED for f in figures)]
    dispatcher.utter_message(
        response="utter_annex_not_stated" if wrong else "utter_annex_stated",
        stated=format_eur((wrong or stated)[0], lang),
    )


def beyond_annex(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
    """A question on a granted project that its annex row does not answer: say what the documents hold on it, and
    that they do not hold this (with the year-one rule when the second year is asked about)."""
    lang, named = lang_of(tracker), remembered_beneficiary(tracker)
    plain = unaccent(latest_text(tracker))
    if SECOND_YEAR.search(plain):
        # The second year is answered for every project alike: the year-one rule and the evaluation it depends on;
        # how much it would bring, the documents do not say.
        first_year = kb().fact("cpas_2023.first_year_only")
        say_facts(dispatcher, [first_year, *(kb().fact(f) for f in first_year.see)], lang)
        if not PROJECT_OUTCOME_ASKED.search(plain):
            return [SlotSet("organisation", named.id)]
    dispatcher.utter_message(response="utter_beyond_annex", organisation=named.name(lang), project=named.project)
    say_dont_know(dispatcher, lang)
    return [SlotSet("organisation", named.id)]


# Asking which CPAS or projects the 2023 decree lists ("quels sont les CPAS bénéficiaires de l'AR 2023 ?").
LIST_ASKED = re.compile(
    r"\b(quels|quelles|lesquels|liste|welke|lijst|wie (?:zijn|staan|zitten)|noms|namen)\b[^?]{0,30}"
    r"\b(cpas|ocmw\w*|beneficiaires?|begunstigden|projets|projecten)\b"
)
# A region the documents do not sort the beneficiaries by.
REGION = re.compile(
    r"\b(bruxellois\w*|wallon\w*|flamand\w*|vlaams\w*|brussels\w*|waals\w*|vlaanderen|wallonie|walloni[eë]|bruxelles"
    r"|brussel|flandre|limburg\w*|limbourg|antwerp\w*|anvers|hainaut|henegouwen|liege|luik|namur|luxembourg)\b"
)


# Asking which CPAS or project does something: "quel CPAS fait …", "y a un CPAS qui …, c'est lequel ?", "welk OCMW werkt
# met een bakfiets?", "qui a un projet avec …" (not "quel barème pour le digicoach du projet ?").
WHICH_PROJECT = re.compile(
    r"\b(quel(?:le)?s? (?:cpas|projets?)|welke? (?:ocmw|project)\w*|(?:cpas|ocmw) (?:qui|die|dat)"
    r"|(?:qui|wie) (?:\w+ ){0,2}(?:un|een) (?:projet|project))\b"
)
# "c'est lequel ?" after the description.
_WHICH_ONE = re.compile(
    r"\b(lequel|laquelle|lesquels|c'est qui|welke? (?:is|zijn) (?:het|dat|da)|wie is (?:het|dat|da))\b"
)
_A_PROJECT = re.compile(r"\b(cpas|ocmw\w*|projets?|projecten|project)\b")


def project_described(text: str) -> Beneficiary | None:
    """The 2023 project a question names by what it does, not by its name ("y a un CPAS qui fait des visites à
    domicile avec un vélo cargo, c'est lequel ?"); not for questions ranking the grants."""
    plain = unaccent(text)
    asks_which = WHICH_PROJECT.search(plain) or (_WHICH_ONE.search(plain) and _A_PROJECT.search(plain))
    if not asks_which or _LARGEST.search(plain) or _SMALLEST.search(plain) or beneficiaries_in(text):
        return None
    return project_doing(kb(), text)


def is_list_question(text: str) -> bool:
    """'Which CPAS are in the 2023 decree?', 'welke OCMW's staan in de bijlage?' (not another call's winners)."""
    plain = unaccent(text)
    return bool(LIST_ASKED.search(plain) and ("cpas_2023" in calls_named(text) or ANNEX.search(plain)))


def list_beneficiaries(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
    """The annex's beneficiaries and their projects; a region asked for is said not to be in the documents."""
    lang, plain = lang_of(tracker), unaccent(latest_text(tracker))
    rows = kb().beneficiaries
    head = kb().message(
        "beneficiary_list_no_region" if REGION.search(plain) else "beneficiary_list", lang, count=len(rows)
    )
    lines = [kb().message("beneficiary_list_row", lang, organisation=b.name(lang), project=b.project) for b in rows]
    dispatcher.utter_message(
        response="utter_fact", answer="\n".join([head, *lines]), source=kb().cite(rows[0].source, lang=lang)
    )
    return [SlotSet("call", "cpas_2023")]


def is_ranking_question(text: str, earlier: Sequence[str] = ()) -> bool:
    """'Which project got the most in the annex?' (not 'what is the most we may ask for?'), and 'et le plus petit ?'
    right after one."""
    plain = unaccent(text)
    if not (_LARGEST.search(plain) or _SMALLEST.search(plain)):
        return False
    if earlier and len(plain.split()) <= RANKING_FOLLOW_UP and is_ranking_question(earlier[0]):
        return True
    return bool(
        _RANKED_WHAT.search(plain)
        and re.search(
            r"\b(montant|bedrag|subsid\w*|subvention|budget|recu|gekregen|ontvangen|geld|argent|avance|voorschot)\b",
            plain,
        )
    )


RANKING_FOLLOW_UP = 12


_RANKED_WHAT = re.compile(
    r"\b(quel\w* (?:cpas|projet)|welk\w* (?:ocmw|project)|annexe|bijlage|beneficiaire|begunstigde)"
)


# Setting a project beside another, even the one named before: "et Lessines, c'est plus ou moins ?", "le montant de
# chacun des deux", "lequel a reçu le plus", "evenveel", "le même montant".
_BESIDE_WORDS = (
    r"plus ou moins|plus que|moins que|meer of minder|meer dan|minder dan|chacun|chaque projet|(?:les |des )?deux"
    r"|beide|allebei|elk(?:e)? (?:project|van)|ieder|lequel|laquelle|welk(?:e)? van|verschil|difference|compar\w*"
    r"|(?:plus|moins|meer|minder)\b[^.?!]{0,40}\b(?:que|qu|dan)"
    r"|vergelijk\w*|autant|evenveel|meme montant|zelfde bedrag"
)
_BESIDE = re.compile(rf"\b({_BESIDE_WORDS})\b")
# Two projects named in one message are compared on looser words too ("Ostende ou Roulers, qui a eu plus ?").
_COMPARED = re.compile(rf"\b({_BESIDE_WORDS}|wie van|plus|meer|moins|minder)\b")


def _compared(text: str, before: Beneficiary | None = None) -> list[Beneficiary]:
    """The projects a message sets side by side (with the one named `before` when it names one), the largest grant
    first (the smallest when that is asked)."""
    plain = unaccent(text)
    named = list(beneficiaries_in(text))
    if len(named) == 1 and before and before.id != named[0].id and _BESIDE.search(plain):
        named.append(before)
    elif not _COMPARED.search(plain):
        return []
    if len(named) < 2:
        return []
    if _WHICH_ONE.search(plain) or _LARGEST.search(plain) or _SMALLEST.search(plain):
        # Asking which of the two: the larger (or smaller) one is the answer and comes first.
        return sorted(named, key=lambda b: b.total, reverse=not _SMALLEST.search(plain))
    # "et Tournai ? c'est plus ou moins que Genk ?": the one asked about first, as the asker set them.
    return sorted(named, key=lambda b: min(name_positions(b, text), default=len(text)))


def _by_amount(text: str) -> Beneficiary | None:
    """'Which project got the most?': the annex row with the largest (or smallest) total."""
    plain = unaccent(text)
    if _SMALLEST.search(plain):  # first: "le plus petit" holds "le plus"
        return min(kb().beneficiaries, key=lambda b: b.total)
    if _LARGEST.search(plain):
        return max(kb().beneficiaries, key=lambda b: b.total)
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
