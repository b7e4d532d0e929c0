"""Answer a question with the knowledge item that answers it: one, or two when it asks two things.

The items (facts, cost items, recorded disagreements) are ranked by bot/retrieval.py. The answer is
for the call the question names, else the call named earlier in the conversation; the 2008 call is
brought in only when asked about. Below THRESHOLD nothing answers: the bot says it does not know.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.replies import intent_of, kb, lang_of, latest_text, previous_texts, say_dont_know, say_items
from bot.retrieval import Scored, answerable, letter_body, ranked
from bot.sentences import unaccent
from knowledge.loader import DIGILAB_CONTACT, DataIssue
from knowledge.models import CostItem
from rules.money import format_date
from rules.parsing import parse_dates, read_quantities, without_dates

# Measured on the dev half of `make eval`: below it, the best item answers another question.
THRESHOLD = -0.45
# Questions the NLU judged out of scope need a closer match to be answered (not its low-confidence fallback:
# on the dev half that refused four answerable questions for one out-of-scope one).
STRICT_THRESHOLD = -0.2
# A follow-up is read with the turn before it when that reading matches better by this much.
CONTEXT_MARGIN = 0.05
# Read with the turn before, a follow-up's own words still count this much: "elle sera payée directement ?" after
# the first claim's deadline asks when a claim is paid, not for the deadline again (chosen on the dev half among
# 0.2, 0.3, 0.5, 0.7, 1.0 and a rule refusing to repeat the earlier answer; 0.3 then 0.5 once the example
# questions grew, all within two cases of each other).
OWN_WORDS = 0.5
# A question that asks two things gets a second item this close to the first; any question gets one when the
# two are too close to tell apart ("ingediend en geselecteerd": two facts, nearly one score).
SECOND_MARGIN = 0.65
TIE_MARGIN = 0.3
SECOND_SLACK = 0.15
# A question for a figure, an amount or a date that the best items do not state: the first RESCUE_DEPTH items are
# searched for one that does, down to RESCUE_SLACK below the threshold.
RESCUE_DEPTH = 3
RESCUE_SLACK = 0.15
PAIR_SLACK = 0.1
# Asking for the names of a set the documents only count ("liste des 8 projets bruxellois", "welke 24 vzw's").
NAMES_OF_COUNTED = re.compile(
    r"\b(liste|lijst|quel\w*|welke|noms?|namen)\b[^?]{0,20}?\b\d+\s+(?:\w+\s+)?"
    r"(asbl|vzw\w*|projets|projecten|organisations|organisaties|cpas|ocmw\w*)\b"
)
ANNEX = re.compile(r"\b(annexe|bijlage)\b")
# Asking for both bounds of an amount, and how an item states one.
BOTH_BOUNDS = re.compile(
    r"\bmin\w*\b.{0,25}\b(?:et|en|/|-|ou|of)\s*(?:le |het |de )?max|\bmax\w*\b.{0,25}\b(?:et|en|/|-)\s*min"
    r"|\b(fourchette|vork|bandbreedte|marge|entre combien et combien|van hoeveel tot hoeveel|plancher et plafond)\b"
)
# Asked for a range ("la fourchette"), an item stating a bound answers even this much below the threshold.
BOUNDS_SLACK = 0.3
_MIN = re.compile(r"\b(minimum|minimaal|minstens|au moins|ten minste)\b")
_MAX = re.compile(r"\b(maximum|maximaal|hoogstens|au plus|au maximum|ne peut pas depasser|mag niet meer)\b")


def _bound_of(item_id: str) -> str | None:
    """'min' or 'max' for an item stating one bound of an amount only, else None."""
    text = unaccent(kb().item(item_id).fr)
    low, high = bool(_MIN.search(text)), bool(_MAX.search(text))
    return "min" if low and not high else "max" if high and not low else None


# A question about one bound of an amount: "le maximum", "au plus", "plafond" (the minimum is _MIN).
ONE_BOUND = re.compile(r"\b(max\w*|min|hoogstens|au plus|plafond\w*|plancher|cap|tout au plus|hooguit|ten hoogste)\b")


def _is_amount(item_id: str) -> bool:
    item = kb().item(item_id)
    return getattr(item, "unit", None) == "eur" and _bound_of(item_id) is not None


def _other_bound(item_id: str, around: Sequence[Scored]) -> str | None:
    """The other bound of the same call and topic (the 2008 manual's minimum for its maximum), the best ranked first,
    ranked or not: whoever asks for the range wants both whatever the score."""
    first, item = _bound_of(item_id), kb().item(item_id)
    if first is None or isinstance(item, CostItem | DataIssue):
        return None
    same = [f.id for f in kb().about(item.topic, item.call)]
    ranked_first = [s.id for s in around if s.id in same]
    return next((i for i in [*ranked_first, *same] if _bound_of(i) not in (None, first)), None)


# Saying a claim or a document is, or will be, late.
_LATE = r"te laat|en retard|trop tard|hors delai|pas a temps|niet op tijd|loupe\w*|gemist|overschreden"
LATE = re.compile(rf"\b({_LATE})")
# Asking what happens when a rule is not kept: the refusal or refund item that says it comes second, even ranked
# further down (the question's other words are about the rule).
CONSEQUENCE = re.compile(
    rf"\b(et sinon|sinon|si on ne|si nous ne|se passe\w*|risque\w*|consequences?|sanctions?|gevolg\w*|riskeren"
    rf"|risico\w*"
    rf"|wat als|en als|et si|wat gebeurt|{_LATE}|respecte pas|respecte\w* pas|niet naleven|niet nale\w*"
    rf"|niet respecte\w*"
    rf"|rate la date|depasse la date|un probleme|c'est grave|een probleem|is da erg|is dat erg)\b"
)
SANCTIONS = ("refusal", "refund")
# What a rule not kept costs, wherever the documents say it: "il est tenu de rembourser" closes the article on controls.
# (Money already paid must be given back: REPAYS; or a claim is not paid.)
_REPAY = r"tenu de rembourser|remboursement du subside"
SANCTION_WORDS = re.compile(rf"\b({_REPAY}|rembourser sans delai|est refuse|non-liquidation|pas liquide)")


def is_sanction(item_id: str) -> bool:
    return _topic_of(item_id) in SANCTIONS or SANCTION_WORDS.search(unaccent(kb().item(item_id).fr)) is not None


SANCTION_SLACK = 0.6
# Asking in which cases money paid must be given back: every item saying a case, not one.
CASES_ASKED = re.compile(
    r"\b(dans quels cas|en quels cas|quels sont les cas|dans quelles? (?:circonstances|situations)|in welke gevallen"
    r"|in welk geval|wanneer (?:moeten|moet|kunnen|kan)\b[^?]{0,40}\bterug\w*|quand (?:doit|devons|peut|peuvent)\b"
    r"[^?]{0,40}\brembours\w*)"
)
REPAYS = re.compile(rf"\b({_REPAY})")
LATE_TOPICS = ("deadlines", "claim_documents", "payment")
# The intent is a hint: items of its topics get a small lead over items of other topics.
INTENT_BONUS = 0.1
INTENT_TOPICS: dict[str, Sequence[str]] = {
    "ask_eligibility": ["eligibility", "selection"],
    "ask_target_groups": ["target_groups"],
    "ask_objectives": ["objectives", "definitions"],
    "ask_deadlines": ["deadlines", "period"],
    "ask_duration": ["period"],
    "ask_double_funding": ["double_funding"],
    "ask_cofinancing": ["cofinancing"],
    "ask_payment_schedule": ["payment"],
    "ask_claim_documents": ["claim_documents"],
    "ask_refusal_refund": ["refusal", "refund"],
    "ask_controls": ["controls"],
    "ask_evaluation": ["evaluation"],
    "ask_obligations": ["obligations", "intervisions", "communication"],
    "ask_dnsh": ["dnsh"],
    "ask_application": ["application", "selection"],
    "ask_programme": ["programme", "amounts"],
    "ask_definition": ["definitions", "digilab"],
    "ask_figures": ["figures"],
    "ask_contact": ["contacts"],
    "ask_costs": ["costs", "procurement", "transfers", "de_minimis", "double_funding"],
}
# What a button asking about an intent answers (it has no words to rank by).
BUTTON_ITEMS: dict[str, Sequence[str]] = {
    "ask_deadlines": ["cpas_2023.first_claim_deadline", "cpas_2023.second_claim_deadline"],
    "ask_costs": ["cpas_2023.eligible_expense_rule"],
    "ask_claim_documents": ["cpas_2023.claim_documents_list"],
    "ask_advance": ["cpas_2023.advance_rate", "cpas_2023.first_claim_cap_rate"],
    "ask_remaining": ["cpas_2023.claims_number", "cpas_2023.second_claim_deadline"],
}
# What names a call in a message (accents dropped, lowercase).
CALL_WORDS = {
    "ict_2008": r"\b200[89]\b|\bmanuel\b|\bhandleiding\b|\btic\b|\bict\b|fracture numerique 2008",
    "cpas_2022": r"\b2022\b",
    # (The calls after 2022, "les appels suivants", are those of 2023 and 2024.)
    "cpas_2023": r"\b2023\b|\bar\b|\bkb\b|arrete|besluit|\b8 dec|\b8/12|appels (?:suivants|ulterieurs)"
    r"|(?:latere|volgende) oproepen",
    "social_actors": r"acteurs? sociaux|sociale actoren|sociale organisaties",
}
# Items of these calls always fit: the programme as a whole, and the later calls beside 2023.
GENERAL = {"programme"}
RELATED = {
    "cpas_2023": {"calls_2023_2024"},
    "cpas_2022": set(),
    "ict_2008": set(),
    "social_actors": {"calls_2023_2024"},
}
_QUESTION_WORDS = (
    r"\b(quand|combien|comment|quel\w*|qui|quoi|ou|pourquoi|est-ce|wanneer|hoeveel|hoe|welk\w*|wie"
    r"|waar|waarom|wat|mag|mogen|moet|moeten|kan|kunnen|kunde|peut|peuvent|doit|doivent|faut)\b"
)
# A question for a figure ("combien", "à quel taux", "hoeveel") is not answered by an item that states none: the
# documents say what must be repaid, not at what interest. Measured on the held-out questions: 73 of the 77 that ask
# "how much" are answered by an item with a figure; the others ask how long (the law's periods) or how many
# documents (a list), which a list or a rule answers without a figure.
HOW_MUCH = re.compile(
    r"\b(combien(?! de (?:temps|documents?|pieces?))|hoeveel(?! (?:verschillende )?(?:tijd|documenten|stukken))"
    r"|quel(?:le)?s? (?:montant|taux|somme|pourcentage|prix|tarif)"
    r"|welk(?:e)? (?:bedrag|percentage|tarief)|hoe hoog|a quel taux|aan welk tarief)\b"
)
QUANTITY = re.compile(
    r"(?<![\d/])(?!(?:19|20)\d\d\b)\d|\b(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|vingt|cent"
    r"|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twintig|honderd|moitie|helft|double|dubbel"
    # "un rapport tous les combien ?" is answered by how often: "rapportage annuel".
    r"|annuel\w*|mensuel\w*|trimestriel\w*|jaarlijks\w*|maandelijks\w*|driemaandelijks\w*)\b"
)
# "How much money" is answered only by an item that states an amount of money ("each ASBL received how much?" is
# not answered by "24 ASBL were selected").
MONEY_ASKED = re.compile(
    r"\b(combien|hoeveel|quel montant|welk bedrag)\b[^?]{0,40}\b(recu|touche|obtenu|subsides?|subventions?|montant"
    r"|budget|euros?|subsidie|geld|kreeg|kregen|gekregen|ontvangen|bedrag)\b"
    r"|\b(recu|touche|obtenu|kreeg|kregen|gekregen|ontvangen)\b[^?]{0,30}\b(combien|hoeveel)\b"
)
# A share of the grant answers it too: "hoeveel hebben we na 6 maanden max ontvangen?" -> "hoogstens 60 %".
MONEY = re.compile(r"\d[\d .,\u202f]*\s?(?:€|eur\b|euros?|millions?|miljoen|k€|%)|€\s?\d")
# "When" is answered only by an item that states a date or a time (a year alone names a call, it says no when).
WHEN_ASKED = re.compile(
    r"\b(quand(?! meme)|wanneer|quelle date|welke datum|date limite|jusqu'a quand|tot wanneer|tegen wanneer|deadline)\b"
)
TIME = re.compile(
    r"\b(janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|januari|februari"
    r"|maart|april|mei|juni|juli|augustus|oktober|trimestres?|kwarta\w*|mois|maand\w*|jours?|dag\w*|semaines?"
    r"|we(?:e|)k\w*|ans?|annees?|jaar|jaren|debut|fin|begin|einde|avant|apres|voor|na|m\+\d+)\b|\d{1,2}[/.]\d{1,2}"
)
# Asking when money is paid.
_PAID = (
    r"(?:verse\w*|paye\w*|paie\w*|paient|vire\w*|rembourse\w*|uitbetaald|betaald|gestort|overgemaakt|storten"
    r"|uitbetalen|betalen)"
)
PAID_WHEN = re.compile(
    rf"\b(?:quand(?! meme)|wanneer|delai|termijn|combien de temps|hoe lang|hoelang)\b.{{0,40}}\b{_PAID}\b"
    rf"|\b{_PAID}\b.{{0,30}}\b(?:quand(?! meme)|wanneer)\b"
    # "le paiement arrivait en combien de temps ?", "de betaling, hoe lang duurt da?"
    r"|\b(?:paiement|versement|betaling|uitbetaling)\b.{0,40}\b(?:quand(?! meme)|wanneer|combien de temps|hoe lang"
    r"|hoelang|delai|termijn)\b"
)
# Asked when money is paid, the items saying when it is paid come this much ahead, and the deadlines for sending
# claims this much behind ("wanneer wordt het saldo betaald?" is no question about the date to send the claim); with
# a claim or the advance named, only the payment items about it.
PAID_BONUS = 0.5
REPORTS = re.compile(r"\b(rapports?|verslag\w*|documents?|pieces?|stukken|bewijsstukken)\b")
_CLAIM = re.compile(r"\b(creances?|decla\w*|schuldvordering\w*|sv|saldo|solde)\b")
_ADVANCE = re.compile(r"\b(avance|voorschot)\b")
SEND_BY_ASKED = re.compile(
    r"\b(tot wanneer|tegen wanneer|date limite|deadline|jusqu'a quand|pour quand|uiterlijk|au plus tard)\b"
)


def with_paid(ranking: Sequence[Scored], text: str) -> list[Scored]:
    plain = unaccent(text)
    if not PAID_WHEN.search(plain):
        return list(ranking)
    subject = _CLAIM if _CLAIM.search(plain) else _ADVANCE if _ADVANCE.search(plain) else None

    def shift(item_id: str) -> float:
        topic = _topic_of(item_id)
        if topic == "deadlines":
            # Asked too ("… et les pièces à rendre pour quand ?"): as far ahead as the payment items.
            return PAID_BONUS if SEND_BY_ASKED.search(plain) else -PAID_BONUS
        return PAID_BONUS if topic == "payment" and (subject is None or states(subject, item_id)) else 0.0

    return sorted((Scored(s.id, s.score + shift(s.id)) for s in ranking), key=lambda s: -s.score)


# Years that name no call of the documents (2024 deadlines aside): an answer must mention them.
_YEAR = re.compile(r"\b20[2-3]\d\b")
KNOWN_YEARS = {"2022", "2023"}


_ASKED_SENTENCE = re.compile(r"[^.!?]*\?")
SECOND_YEAR = re.compile(r"\b((?:2e|2eme|deuxieme|seconde) annee|annee 2|(?:2e|2de|tweede) (?:project)?jaar|jaar 2)\b")
# What the 2023 decree sets for its one year (deadlines, claims, payments): no answer for a second year.
YEAR_ONE_TOPICS = ("deadlines", "claims", "payment", "claim_documents")


def asked_part(text: str) -> str:
    """The sentences of a message that ask something (ending with "?"), or "" when none does."""
    return " ".join(_ASKED_SENTENCE.findall(text))


def years_asked(text: str) -> list[str]:
    """The years the documents do not cover that the question is about: in its sentences asking something, when it
    has any ("le montant de la 2e année est acquis ? on voudrait engager le coach pour 2025." is not about 2025). Two
    years joined name a period ("projet 2023-2024"), not a call."""
    part = asked_part(text)
    if part and POINTS_BACK.search(unaccent(part)) and not _YEAR.search(part):
        # "… un appel e-inclusion en 2025. Savez-vous quand il sera lancé ?": the year of what "il" points back to,
        # said before the question (not after it: "… est-elle acquise ? On aimerait garder le coach en 2025.").
        part = text[: text.find(_ASKED_SENTENCE.search(text).group(0))] + part
    asked = _YEAR_SPAN.sub(" ", without_dates(part or text))
    return [y for y in _YEAR.findall(asked) if y not in KNOWN_YEARS]


_YEAR_SPAN = re.compile(r"\b20[2-3]\d\s*[-/–]\s*(?:20)?[2-3]\d\b")


def calls_named(text: str) -> list[str]:
    plain = unaccent(text)
    return [call for call, pattern in CALL_WORDS.items() if re.search(pattern, plain)]


def calls_asked(text: str) -> list[str]:
    """The calls the question is about: those its sentences asking something name, when they name one ("Dans le
    manuel de 2008 on pouvait transférer 15 %. Pour notre projet CPAS 2023, on peut faire pareil ?" asks about 2023),
    else those the message names."""
    return calls_named(asked_part(text)) or calls_named(text)


def asks(text: str) -> bool:
    """Any question at all: a question mark or a question word ("subside de 320.000 €." asks nothing)."""
    return "?" in text or re.search(_QUESTION_WORDS, unaccent(text).lower()) is not None


def asks_two_things(text: str) -> bool:
    """'quand et combien ?', 'originaux ou copies ? et faut-il les numéroter ?'"""
    lowered = unaccent(text)
    if text.count("?") >= 2 or re.search(r"\bmin\w*\b.{0,12}\b(et|en|ou|of|/|-)\s*max", lowered):
        return True
    return len(re.findall(_QUESTION_WORDS, lowered)) >= 2 and bool(re.search(r"\b(et|en|ou|of)\b", lowered))


# Where a message asking two things turns to the second: after a "?", or at "et"/"en"/"ou"/"of" before a question
# word ("… par mail ? et on peut utiliser notre modèle ?", "het min en max bedrag en tot wanneer kon je indienen?").
_SECOND_QUESTION = re.compile(
    r"\?\s*"
    r"|\s(?:et|ou)\s+(?=(?:jusqu'|a partir de |pour |est-ce |ce sera |c'est |ca fait |ca sera )?"
    r"(?:quand|combien|comment|quel\w*|qui|quoi|ou|pourquoi"
    r"|est-ce|peut|peuvent|doit|doivent|faut|on peut|on doit|il faut)\b)"
    r"|\s(?:en|of)\s+(?=(?:tot |vanaf |voor |tegen )?"
    r"(?:wanneer|hoeveel|hoe|welk\w*|wie|waar|waarom|wat|mag|mogen|moet|moeten|kan|kunnen|kunde|is|zijn)\b)"
)


# A figure offered as an answer to the question before ("combien d'années ? 5 ans ? 10 ans ?"): no question of its own.
_OPTION = re.compile(r"\W*(?:ou|of|or)?\s*\d[\d.,]*\s*[^\W\d]{0,8}\s*\W*")


def question_parts(text: str) -> list[str]:
    """The questions of a message that asks two things, each alone; a part of two words or less stays with its
    neighbour ("quand et combien ?" is one question about one item)."""
    cuts = [0]
    for match in _SECOND_QUESTION.finditer(unaccent(text)):
        cuts.append(match.end() if "?" in match.group() else match.start())
    pieces = [text[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)]
    parts: list[str] = []
    for piece in filter(None, pieces):
        if parts and (len(piece.split()) <= 2 or len(parts[-1].split()) <= 2 or _OPTION.fullmatch(unaccent(piece))):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return parts


# "is da nog op tijd?" after "we dienen ze in op 15 mei": the day said the turn before is the one asked about.
ON_TIME = re.compile(
    r"\b(op tijd|nog (?:goed|ok|mogelijk)|a temps|dans les temps|encore (?:bon|ok|possible)|trop tard|te laat"
    r"|erg|een probleem|grave|un probleme|un souci)\b"
)


def late_day(item_id: str, text: str, earlier: Sequence[str] = ()) -> tuple[date, date] | None:
    """ "Can we still send it on 20 May 2024?": the day the message names after the deadline `item_id` states, and
    that deadline; the day said the turn before when the message asks whether it is on time ("is da nog op tijd?",
    "is da erg?"). None when no day said is after it."""
    item = kb().item(item_id)
    if getattr(item, "unit", None) != "date" or _topic_of(item_id) != "deadlines" or not item.value:
        return None
    deadline = date.fromisoformat(str(item.value))
    said = [text, *(earlier[:1] if ON_TIME.search(unaccent(text)) else [])]
    # "le 21 mai" without a year: the deadline's year (staff name the day of the month the claim went).
    return next(((day, deadline) for t in said for day in parse_dates(t, year=deadline.year) if day > deadline), None)


# Staff write to Digilab; the press contact is for journalists, said only when the press is named.
PRESS_CONTACT, DIGILAB_ADDRESS = "programme.press_contact", "cpas_2023.digilab_address"
POSTAL = re.compile(r"\b(post\s?adres\w*|adresse postale|adres\w*|courrier|par la poste|per post|brief)\b")
PRESS = re.compile(r"\b(press?e?|pers\w*|journalist\w*|media)\b")
# A way to reach someone: whoever asks for it among other things (an address) gets Digilab's e-mail and phone.
REACH = re.compile(
    r"\b(e-?mail\w*|mail\w*|courriel|tel\w*|bell\w*|appel(?:er|le)|joindre|joint|contact\w*|bereik\w*)\b"
)


# Asking for a phone number or an e-mail address: "je téléphone à quel numéro ?", "welk e-mailadres gebruik ik?".
CONTACT_ASKED = re.compile(
    r"\b(quel numero|numero de (?:telephone|tel)|je telephone|on telephone|telephoner|welk (?:telefoon)?nummer"
    r"|telefoonnummer|bel ik|bellen we|quelle adresse (?:e-?)?mail|adresse (?:e-?)?mail|quel (?:e-?)?mail"
    r"|welk (?:e-?)?mailadres|e-?mailadres|a qui (?:ecrire|telephoner)|naar wie (?:mail|bel|schrijf)\w*)\b"
)
# An item giving a way to reach someone: an e-mail address or a phone number.
REACH_STATED = re.compile(r"@|\+32|\b0\d{1,3}[ .]\d{2,3}")


def for_staff(chosen: list[Scored], plain: str, before: str = "") -> list[Scored]:
    """Contact answers for CPAS staff: the press contact only when the press is asked about (now or in the turn
    `before`: "un journaliste nous demande des infos" then "je le renvoie vers quelle adresse ?"); Digilab's own
    contact whenever a way to reach it is asked, beside an address or opening hours."""
    if not chosen or _topic_of(chosen[0].id) != "contacts":
        return chosen
    score = chosen[0].score
    if not PRESS.search(plain):
        if PRESS.search(before):
            return [Scored(PRESS_CONTACT, score)]
        chosen = [s for s in chosen if s.id != PRESS_CONTACT] or [Scored(DIGILAB_CONTACT, score)]
    if REACH.search(plain) and not any(_topic_of(s.id) == "contacts" and s.id.endswith("contact") for s in chosen):
        chosen = [*chosen[:1], Scored(DIGILAB_CONTACT, score), *chosen[1:]][:2]
    if POSTAL.search(plain) and not any(s.id.endswith("address") for s in chosen):
        chosen = [*chosen[:1], Scored(DIGILAB_ADDRESS, score)]
    return chosen


def _topic_of(item_id: str) -> str:
    item = kb().item(item_id)
    return "costs" if isinstance(item, CostItem) else item.topic


def with_intent(ranking: Sequence[Scored], intent: str | None) -> list[Scored]:
    """The ranking with the intent's topics a little ahead."""
    topics = INTENT_TOPICS.get(intent or "", ())
    scored = [Scored(s.id, s.score + (INTENT_BONUS if _topic_of(s.id) in topics else 0.0)) for s in ranking]
    return sorted(scored, key=lambda s: -s.score)


# "(art 7 §4)", "art. 8 de l'AR", "artikel 7, §2": staff cite the article they read.
ARTICLE = re.compile(r"\bart(?:icle|ikel)?\.?\s*(\d+)(?:\s*,?\s*§\s*(\d+))?")
ARTICLE_BONUS = 0.3


def _refs_of(item_id: str) -> list[str]:
    item = kb().item(item_id)
    return [s.ref for s in item.sources] if isinstance(item, DataIssue) else [item.source.ref]


# How a message names its call: "oproep OCMW 2023", "appel CPAS 2022", "AR du 8 décembre 2023", "KB 2023".
CALL_NAMES = re.compile(
    r"\b(?:(?:de |het |l'|la |le )?(?:(?:ocmw|cpas)-?)?(?:oproep|appel|call)(?: a projets)?(?: e-inclusion)?"
    r"(?: (?:ocmw|cpas|tic|ict))?"
    r"(?: (?:19|20)\d\d)?|(?:l'|het |de )?(?:ar|kb|arrete royal|koninklijk besluit)(?: (?:du|van))?"
    r"(?: 8)?(?: (?:decembre|december))?(?: (?:2023|8/12/2023))?)\b(?: (?:19|20)\d\d\b)?"
)


# A message this long is read sentence by sentence too: in an e-mail, the question is one sentence among the context
# ("… se demande si son salaire peut être pris en charge par la subvention … Pouvez-vous nous éclairer ?"). A sentence
# alone is read this much less sure than the whole.
LONG_MESSAGE = 30
SENTENCE_PENALTY = 0.15
SENTENCE_WORDS = 5


def sentence_readings(text: str) -> list[list[Scored]]:
    """A long message read sentence by sentence; a shorter one that also says things asking nothing, its question
    alone ("Krijgen we het tweede jaar automatisch? We willen de digicoach al voor 2025 aanwerven."). Each a little
    less sure than the whole."""
    if len(text.split()) < LONG_MESSAGE:
        asked = asked_part(text).strip()
        if len(asked.split()) < SENTENCE_WORDS or len(asked) >= len(text.strip()) - 1:
            return []
        return [[Scored(x.id, x.score - SENTENCE_PENALTY) for x in answerable(ranked(asked))]]
    sentences = [p for p in re.split(r"(?<=[.!?])\s+", text) if len(p.split()) >= SENTENCE_WORDS]
    if len(sentences) < 2:
        return []
    return [[Scored(x.id, x.score - SENTENCE_PENALTY) for x in answerable(ranked(p))] for p in sentences]


def ranked_with_and_without_call(text: str) -> list[Scored]:
    """The ranking of a message and of its words without the name of its call, each item at its better score: the
    call is matched apart (`fits`), and its name dilutes a short question ("subsidieperiode oproep OCMW 2023?").
    A long message is read sentence by sentence too (`sentence_readings`)."""
    whole = at_best(answerable(ranked(text)), *sentence_readings(text))
    if any(year not in KNOWN_YEARS for year in _YEAR.findall(without_dates(text))):
        # "l'appel 2024": a call the documents do not describe; its year is what the ranking must see.
        return whole
    bare = CALL_NAMES.sub(" ", unaccent(text))
    if len(bare.split()) == len(unaccent(text).split()) or len(bare.split()) < 1:
        return whole
    return at_best(whole, answerable(ranked(bare)))


def at_best(*readings: Sequence[Scored]) -> list[Scored]:
    """Several readings of a message merged, each item at its best score."""
    best: dict[str, float] = {}
    for reading in readings:
        for s in reading:
            best[s.id] = max(best.get(s.id, s.score), s.score)
    return sorted((Scored(i, v) for i, v in best.items()), key=lambda s: (-s.score, s.id))


def with_article(ranking: Sequence[Scored], text: str) -> list[Scored]:
    """The ranking with the items of the article the message cites a little ahead."""
    cited = ARTICLE.findall(unaccent(text))
    if not cited:
        return list(ranking)
    patterns = [re.compile(rf"Art\. {a}(?!\d)" + (rf"\s*§\s*{p}(?!\d)" if p else "")) for a, p in cited]
    scored = [
        Scored(s.id, s.score + (ARTICLE_BONUS if any(p.match(r) for p in patterns for r in _refs_of(s.id)) else 0.0))
        for s in ranking
    ]
    return sorted(scored, key=lambda s: -s.score)


# "on m'a dit 30 millions", "art. 1 zegt 3.402.812": an amount or a count the documents state, quoted by the asker,
# points to the fact stating it.
FIGURE_BONUS = 0.3
FIGURE_UNITS = {"eur": ("eur", None), "count": ("projects", None)}
SMALLEST_QUOTED_COUNT = 10


def with_figure(ranking: Sequence[Scored], text: str) -> list[Scored]:
    """The ranking with the facts whose own figure the message quotes a little ahead."""
    quoted = [(q.value, q.role) for q in read_quantities(text) if q.value >= SMALLEST_QUOTED_COUNT]
    if not quoted:
        return list(ranking)

    def states_quoted(item_id: str) -> bool:
        item = kb().item(item_id)
        if isinstance(item, DataIssue):
            # A disagreement between documents is about the figures of its facts.
            return any(states_quoted(fact) for fact in item.facts if fact in kb().facts)
        unit, value = getattr(item, "unit", None), getattr(item, "value", None)
        if unit not in FIGURE_UNITS or value is None:
            return False
        return any(Decimal(str(value)) == v and role in FIGURE_UNITS[unit] for v, role in quoted)

    scored = [Scored(s.id, s.score + (FIGURE_BONUS if states_quoted(s.id) else 0.0)) for s in ranking]
    return sorted(scored, key=lambda s: -s.score)


def _call_of(item_id: str) -> str | None:
    item = kb().item(item_id)
    return None if isinstance(item, DataIssue) else item.call


def fits(item_id: str, calls: Sequence[str]) -> bool:
    """Whether an item is about a call the asker means."""
    call = _call_of(item_id)
    if call is None or call in GENERAL:
        return True
    if calls:
        return call in calls or any(call in RELATED[c] for c in calls)
    # No call named: never the 2008 call, which staff name when they mean it ("manuel", "2008", "TIC").
    return call != "ict_2008"


# A detail asked that only an item naming it answers: a delay in days, a rate per kilometre, an account or company
# number, interest, a number of participants, a labour-law status. Asked and not named by the best items, the
# documents do not say it ("welk kilometertarief?" is not answered by the rule on eligible costs).
_KM = re.compile(r"\b(km|kilometr\w*|kilometer\w*)\b")
_INTEREST = re.compile(r"\b(interets?|intrest\w*|interest\w*)\b")
_REGION = (
    r"(?:flandre|wallonie|bruxelles|vlaanderen|brussel|flamand\w*|wallon\w*|bruxellois\w*|vlaams\w*|waals\w*"
    r"|brussels\w*)\b"
)
ASKED_DETAILS = (
    (
        re.compile(
            r"\b(combien de (?:jours|semaines)|hoeveel (?:dagen|weken)|binnen (?:hoeveel|welke) (?:dagen|weken))\b"
        ),
        re.compile(r"\b(jours?|dagen|semaines?|weken)\b"),
    ),
    (_KM, _KM),
    (
        re.compile(
            r"\b(numeros? de compte|n. de compte|iban|rekeningnummer\w*|rekeningnr|rek\.? ?nr|bankrekening\w*"
            r"|numero bce|kbo-?nummer|ondernemingsnummer"
            r"|numero d'entreprise)\b"
        ),
        re.compile(r"\b(compte|iban|rekening\w*|bce|kbo|ondernemingsnummer|entreprise)\b"),
    ),
    (_INTEREST, _INTEREST),
    # "c quoi l'adresse du site et comment on reçoit un login ?": the documents name the system, give no access.
    (
        re.compile(r"\b(login|identifiants?|mot de passe|wachtwoord|inloggegevens|account|compte utilisateur)\b"),
        re.compile(r"\b(login|identifiants?|mot de passe|wachtwoord|inloggegevens|account)\b"),
    ),
    # "parmi les asbl retenues, combien en Flandre ?": only an item giving figures by region answers.
    (
        re.compile(rf"\b(combien|hoeveel)\b[^?]{{0,60}}\b{_REGION}|\b{_REGION}[^?]{{0,30}}\b(combien|hoeveel)\b"),
        re.compile(rf"\b{_REGION}"),
    ),
    # "wat is de link?", "le lien du système ?": only an address on the web answers.
    (
        re.compile(r"\b(link|lien|url|webadres|adresse (?:web|internet|du site)|site (?:web|internet)|website)\b"),
        re.compile(r"https?://|www\.|\.be\b"),
    ),
    (
        re.compile(r"\b(combien de (?:participants|personnes|gens)|hoeveel (?:deelnemers|personen|mensen|clienten))\b"),
        re.compile(r"\b(participants?|personnes|beneficiaires|gens|deelnemers|personen|mensen|clienten)\b"),
    ),
    (
        re.compile(
            r"\b(article 60|artikel 60|commission paritaire|paritair comite|\w*barem[ae]\w*|loonschaal"
            r"|weddeschaal|cdd|cdi|statutaires?|interim\w*)\b"
        ),
        re.compile(
            r"\b(article 60|artikel 60|commission paritaire|paritair comite|\w*barem[ae]\w*|loonschaal|cdd|cdi"
            r"|statutaires?|interim\w*)\b"
        ),
    ),
)
ASKED = ((HOW_MUCH, QUANTITY), (MONEY_ASKED, MONEY), (WHEN_ASKED, TIME), *ASKED_DETAILS)
# "How much" and "when" are also asked in words that want a rule ("wanneer kan Digilab weigeren?" asks in which cases,
# "un rapport tous les combien ?" how often): an answer ranked this sure stands without a figure or a date. A detail
# only an item naming it answers (days, km, interest...) stands on no score.
GENERAL_KINDS = (QUANTITY, MONEY, TIME)
SURE = 0.4
# Sure enough of an item that states no figure to say it, with the figure asked said not given.
UNSTATED_SURE = 0.0


def states(pattern: re.Pattern, item_id: str) -> bool:
    """Whether an item's wording says what `pattern` finds: a figure (QUANTITY: a year alone names a call, it is
    no figure), an amount of money, a date or a time."""
    item = kb().item(item_id)
    return any(pattern.search(unaccent(text)) for text in (item.fr, item.nl))


# A question about one call worded like another call's item: the item of the call asked about stands in for it, this
# much less sure ("appel 2022 : dépenses éligibles à partir de quand ?" reads like the 2023 decree's period).
COUNTERPART_PENALTY = 0.1
# No call named: the call the asker most likely means, the 2023 decree (managing a grant), then the 2022 call.
LIKELY_CALLS = ("cpas_2023", "cpas_2022")


def counterpart(item_id: str, calls: Sequence[str]) -> str | None:
    """The item of a call asked about that answers what an item of another call answers: its group in
    knowledge/data/counterparts.yml (the 2022 slides' payment schedule is answered by the 2023 decree's, not by its
    advance rate), else the same key in that call ("cpas_2022.vat" for "ict_2008.vat")."""
    key = item_id.partition(".")[2]
    groups = [g for g in kb().counterparts if item_id in g]
    for call in calls or LIKELY_CALLS:
        found = next((i for g in groups for i in g if _call_of(i) == call and i != item_id), None)
        if found:
            return found
        if kb().has(twin := f"{call}.{key}") and twin != item_id:
            return twin
    return None


def with_counterparts(ranking: Sequence[Scored], calls: Sequence[str]) -> list[Scored]:
    """The ranking with, when its best item is about another call than the one asked, that item's counterpart."""
    if not ranking or fits(ranking[0].id, calls) or not (twin := counterpart(ranking[0].id, calls)):
        return list(ranking)
    scores = {s.id: s.score for s in ranking}
    scores[twin] = max(scores.get(twin, float("-inf")), ranking[0].score - COUNTERPART_PENALTY)
    return sorted((Scored(i, v) for i, v in scores.items()), key=lambda s: (-s.score, s.id))


def mentions_years(item_id: str, years: Sequence[str]) -> bool:
    """Whether an item names these years other than in a date ("octobre 2025" ends a period, it is no 2025 call)."""
    item = without_dates(kb().item(item_id).fr)
    return all(y in item for y in years)


def choose(
    ranking: Sequence[Scored],
    *,
    calls: Sequence[str],
    threshold: float,
    two: bool,
    years: Sequence[str] = (),
) -> list[Scored]:
    """The item that answers (and a second one when the question asks two things), or none.

    A question about a year the documents do not cover ("the 2025 call", "the 2024 barometer") is not
    answered by an item that never mentions that year."""
    # The 2008 call comes in only when named: "et par téléphone ?" after Digilab's e-mail asks for its phone number,
    # not whether the 2008 call paid phone bills.
    fitting = [s for s in with_counterparts(ranking, calls) if fits(s.id, calls) and mentions_years(s.id, years)]
    if not fitting or fitting[0].score < threshold:
        return []
    chosen = fitting[:1]
    margin = SECOND_MARGIN if two else TIE_MARGIN
    # A second thing asked may be a little less sure than the first: the first already answers.
    floor = threshold - SECOND_SLACK if two else threshold
    if len(fitting) > 1 and fitting[1].score >= max(floor, fitting[0].score - margin):
        chosen.append(fitting[1])
    return chosen


# Words a short follow-up swaps into the question before it: "et la 2e ?", "en in Wallonië?", "et pour 2022 ?".
SWAPS = [
    {
        "1": r"1e|1ere|1re|premiere|premier|eerste|1ste",
        "2": r"2e|2eme|2de|deuxieme|seconde|second|tweede",
    },
    {
        "wal": r"wallonie|wallonia",
        "fla": r"flandre|vlaanderen|flanders",
        "bru": r"bruxelles|brussel|brussels",
        "be": r"belgique|belgie|belgium",
    },
    {"2008": r"2008", "2022": r"2022", "2023": r"2023"},
]
SHORT_FOLLOW_UP_WORDS = 5


def swapped(earlier: str, text: str) -> str | None:
    """The question before with a short follow-up's word swapped in: "over welke periode gaat de eerste
    schuldvordering?" + "en de tweede?" -> "over welke periode gaat de tweede schuldvordering?"."""
    if len(unaccent(text).split()) > SHORT_FOLLOW_UP_WORDS:
        return None
    return next((question for kinds in SWAPS if (question := _swap_in(earlier, text, kinds))), None)


def _swap_in(earlier: str, text: str, kinds: dict[str, str]) -> str | None:
    """The question before with the word of one kind the follow-up names put in place of the one it named."""
    plain, before = unaccent(text), unaccent(earlier)
    new = next((m for k, p in kinds.items() if (m := re.search(rf"\b(?:{p})\b", plain))), None)
    old = next(
        (
            m
            for k, p in kinds.items()
            if (m := re.search(rf"\b(?:{p})\b", before)) and not re.search(rf"\b(?:{p})\b", plain)
        ),
        None,
    )
    if not (new and old):
        return None
    word = _SPELLED.get((next(k for k, p in kinds.items() if re.fullmatch(p, new.group(0))), _lang_of(old)))
    return f"{earlier[: old.start()]}{word or text[new.start() : new.end()]}{earlier[old.end() :]}"


# "et pour l'appel 2022 c'est calculé pareil ?", "en bij de oproep van 2022, hoe zat da?": the question before, asked of
# another call; longer than a swapped word, it opens with "and" or asks whether it is the same.
SAME = re.compile(
    r"\b(pareil\w*|idem|la meme chose|de meme|meme regle|hetzelfde|zelfde|ook zo|hoe zat (?:da|dat|het)"
    r"|c'etait comment|comment c'etait|hoe was (?:da|dat|het))\b"
)
CALL_SWITCH_WORDS = 10


def call_switched(earlier: str, text: str) -> str | None:
    """The question before, asked of the call a follow-up names instead: its year swapped in, or the follow-up's
    naming of the call added when the question before named none ("avance 30%?" then "et pour l'appel 2022 ?")."""
    plain = unaccent(text).lower()
    now, before = calls_named(text), calls_named(earlier)
    if not now or set(now) <= set(before) or len(plain.split()) > CALL_SWITCH_WORDS:
        return None
    if not (CARRIES_ON.match(plain) or SAME.search(plain)):
        return None
    return _swap_in(earlier, text, SWAPS[2]) or (f"{earlier} {text}" if not before else None)


# The ordinal swapped in, spelled out in the language of the question before: "2de" reads as little else.
_SPELLED = {("1", "nl"): "eerste", ("2", "nl"): "tweede", ("1", "fr"): "premiere", ("2", "fr"): "deuxieme"}
_DUTCH_ORDINAL = re.compile(r"eerste|1ste|tweede|2de")


def _lang_of(match: re.Match) -> str:
    return "nl" if _DUTCH_ORDINAL.fullmatch(match.group(0)) else "fr"


def conjoined(text: str) -> list[str]:
    """A message naming two of a kind side by side, once with each: "c quand la deadline pour la 1ère et la 2ème
    décla ?" asks two deadlines, "de 2022 et 2023" two calls; none when it names no such pair."""
    plain = unaccent(text)
    for kinds in SWAPS:
        either = "|".join(kinds.values())
        pair = re.search(
            rf"\b({either})\b\s*(?:et|en|ou|of|&|/|\+)\s*(?:(?:la|le|les|l'|de|het|die|du)\s*){{0,2}}\b({either})\b",
            plain,
        )
        if pair and _kind(kinds, pair.group(1)) != _kind(kinds, pair.group(2)):
            head, tail = text[: pair.start()], text[pair.end() :]
            return [f"{head}{text[pair.start(i) : pair.end(i)]}{tail}" for i in (1, 2)]
    return []


def _kind(kinds: dict[str, str], word: str) -> str | None:
    return next((k for k, pattern in kinds.items() if re.fullmatch(pattern, word)), None)


# A short follow-up whose subject is a word pointing back ("wat moet daar allemaal in?", "il doit contenir quoi ?") is
# about what the turn before named: its own words weigh less, and the reading with the turn before is preferred.
POINTS_BACK = re.compile(
    r"\b(daar\w*|erin|ervan|erover|erbij|erop|dat|da|die|dit|deze|hij|ze|il|elle|ils|elles|ca|cela|celui-ci|celle-ci"
    r"|dedans)\b"
)
VAGUE_WORDS = 8
VAGUE_OWN_WORDS = 0.2


# "et en Wallonie seulement ?", "en in Vlaanderen?", "ah ok, et c'est quel montant ?": a short message opening with
# "and" carries on the one before.
CARRIES_ON = re.compile(
    r"^\W*(?:(?:ah|ok|oke|okay|bon|d'accord|merci|top|super|parfait|ja|nee|non|oui|goed|dank\w*)\b\W*)*"
    r"(et|en|mais|maar|puis|ensuite|alors|dan|and)\b"
)
CARRY_ON_WORDS = 6


def points_back(text: str) -> bool:
    plain = unaccent(text)
    return len(plain.split()) <= VAGUE_WORDS and POINTS_BACK.search(plain) is not None


def carries_on(text: str) -> bool:
    """A short message opening with "and", pointing back or not ("et en Wallonie seulement ?", "et son assurance
    groupe ?"): read with the one before; its own words still count (unlike "et ça ?")."""
    plain = unaccent(text).lower()
    opening = CARRIES_ON.match(plain)
    # Counted from "and" on: "ah ok, et c'est quel montant ?" is as short as "et c'est quel montant ?".
    return points_back(text) or (opening is not None and len(plain[opening.start(1) :].split()) <= CARRY_ON_WORDS)


def in_context_of(earlier: str, text: str) -> list[Scored]:
    """A follow-up's ranking read with the turn before it, its own reading weighing OWN_WORDS beside it (less when
    it points back)."""
    question = swapped(earlier, text) or call_switched(earlier, text)
    together = {s.id: s.score for s in ranked(question or f"{earlier} {text}")}
    alone = {s.id: s.score for s in ranked(text)}
    # ("en de 2de?" swapped into the question before is that whole question: its own few words weigh little.)
    own = VAGUE_OWN_WORDS if points_back(text) or question else OWN_WORDS
    # An item outside one reading's top counts as that reading's last.
    last_together, last_alone = min(together.values()), min(alone.values())
    fused = [
        Scored(i, round((together.get(i, last_together) + own * alone.get(i, last_alone)) / (1 + own), 4))
        for i in {*together, *alone}
    ]
    if turned := _ordinal_turned(earlier, text):
        # "Première décla envoyée le 10 mai." then "Et la deuxième, on a jusqu'à quand ?": what only the first one
        # is about is no answer now.
        now, before = turned
        last = min(s.score for s in fused)
        fused = [
            Scored(s.id, last) if _names_ordinal(s.id, before) and not _names_ordinal(s.id, now) else s for s in fused
        ]
    return sorted(fused, key=lambda s: (-s.score, s.id))


def _ordinal_turned(earlier: str, text: str) -> tuple[str, str] | None:
    """The ordinal a follow-up names instead of the one before ("2", "1" for "et la 2e ?" after "la 1ère créance")."""
    ordinals = SWAPS[0]
    now = [k for k, p in ordinals.items() if re.search(rf"\b(?:{p})\b", unaccent(text))]
    before = [k for k, p in ordinals.items() if re.search(rf"\b(?:{p})\b", unaccent(earlier))]
    return (now[0], before[0]) if len(now) == 1 and len(before) == 1 and now != before else None


def _names_ordinal(item_id: str, kind: str) -> bool:
    item = kb().item(item_id) if kb().has(item_id) else None
    return item is not None and re.search(rf"\b(?:{SWAPS[0][kind]})\b", unaccent(item.fr)) is not None


def contexts_of(parts: Sequence[str], earlier: str) -> list[str]:
    """What each question of a message is read with: the questions before it, and the turn before the message when
    the first one points back ("elle sera payée quand, et quel montant ?" after "on a transmis notre 2e décla")."""
    start = earlier if parts and earlier and points_back(parts[0]) else ""
    return [" ".join(filter(None, [start, *parts[:at]])) for at in range(len(parts))]


def part_ranking(part: str, before: str) -> list[Scored]:
    """One question of a message, read with what comes before it when it is short or points back ("en hoeveel max?"
    after "wanneer wordt de 2de schuldvordering gestort?" asks the second claim's maximum)."""
    alone = ranked(part)
    # ("… de eerste schuldvordering. Tot welke maand …, en tegen welke datum moet alles binnen zijn?": a question
    # opening with "and" goes on with what came before it, however long.)
    goes_on = CARRIES_ON.match(unaccent(part).lower()) is not None
    if not before or not (points_back(part) or goes_on or len(unaccent(part).split()) <= SHORT_FOLLOW_UP_WORDS):
        return answerable(alone)
    if POINTS_BACK.search(unaccent(part)) and len(unaccent(part).split()) <= SHORT_FOLLOW_UP_WORDS:
        # "wat betekent da" after "in het KB staat iets over DNSH": what "da" is, not what "betekent" draws alone.
        return answerable(in_context_of(before, part))
    # Each item at its better reading: "et combien retenus ?" is clear alone, "en hoeveel max?" is not.
    return answerable(at_best(alone, in_context_of(before, part)))


class Choice(NamedTuple):
    """The items that answer a message, and the part of it none answers (when only some of its questions are)."""

    items: list[Scored]
    rest: str | None = None
    # The figure asked ("how many years?") is one the items do not state: they are said, then that it is not given.
    unstated: bool = False


def _sanction_of_turn_before(before: str, chosen: Sequence[Scored]) -> str | None:
    """The sanction of the rule the turn before was about (its topic's), when it is not already the answer."""
    best = answerable(ranked(before))[:1]
    if not best:
        return None
    call, topic = _call_of(best[0].id), _topic_of(best[0].id)
    # Of its topic, or naming it ("le non-respect du principe DNSH peut entraîner le remboursement").
    kin = next(
        (
            f.id
            for f in kb().facts.values()
            if f.call == call and (f.topic == topic or topic in unaccent(f.fr).lower()) and is_sanction(f.id)
        ),
        None,
    )
    return kin if kin != chosen[0].id else None


def _drawn_by_the_whole(chosen: Sequence[Scored], apart: Sequence[Scored], threshold: float) -> bool:
    """Whether the whole message's reading chose, beside the items its questions found apart, one below the threshold
    (taken in only as the second of two things asked)."""
    found = {s.id for s in apart}
    return any(s.id not in found and s.score < threshold for s in chosen)


def best_items(tracker: Tracker, *, threshold: float = THRESHOLD) -> Choice:
    """The items answering the latest message, read in the context of the previous one when it is vague."""
    # (A letter's salutation and signature left out: "Cordialement, …, CPAS de Dour" asks nothing.)
    text = letter_body(latest_text(tracker))
    if not text.strip():
        # A button carries an intent and no words: the facts that intent is about, for the call being managed.
        return Choice([Scored(i, 1.0) for i in BUTTON_ITEMS.get(intent_of(tracker) or "", ())])
    earlier = previous_texts(tracker, 1)
    late_before = bool(earlier) and LATE.search(unaccent(earlier[0])) is not None
    if late_before and points_back(text) and CONSEQUENCE.search(unaccent(text)):
        # "wat zijn de gevolgen daarvan?" after "we gaan onze tweede schuldvordering te laat indienen": the turn
        # before's question, and what being late costs (below).
        text, earlier = earlier[0], []
    # The call asked now, else the one the conversation is about, else the one the turn before named ("Ik heb een vraag
    # over de oude oproep uit 2008.", then "Tot wanneer moesten de bewijsstukken binnen zijn?").
    calls = (
        calls_asked(text)
        or [c for c in [tracker.get_slot("call")] if c]
        or (calls_named(earlier[0]) if earlier else [])
    )
    intent = intent_of(tracker)
    if intent == "out_of_scope":
        threshold = STRICT_THRESHOLD
    two = asks_two_things(text)
    years = years_asked(text)
    ranking = with_paid(with_figure(with_article(ranked_with_and_without_call(text), text), text), text)
    # The message read with the turn before it (a follow-up), else alone: where the checks below look further.
    around = with_paid(answerable(in_context_of(earlier[0], text)), f"{earlier[0]} {text}") if earlier else ranking
    chosen = choose(with_intent(ranking, intent), calls=calls, threshold=threshold, two=two, years=years)
    rest = None
    answered_apart = False
    parts = question_parts(text) if two else []
    # Two of a kind side by side ("la 1re et la 2e décla") ask one question twice: each reading may be a little less
    # sure than a question of its own.
    part_threshold = threshold
    if len(parts) < 2:
        parts = conjoined(text)
        part_threshold = threshold - PAIR_SLACK
    if len(parts) >= 2:
        # Each question ranked alone: read whole, the first one's items fill the top and the second gets no answer.
        each: list[list[Scored]] = []
        for part, before in zip(parts, contexts_of(parts, earlier[0] if earlier else ""), strict=True):
            # A later question asks something else than the ones before it: not their items again.
            said = {s.id for found in each for s in found}
            ranking_of_part = [s for s in part_ranking(part, before) if s.id not in said]
            each.append(
                choose(
                    with_intent(with_article(ranking_of_part, part), intent),
                    calls=calls,
                    threshold=part_threshold,
                    two=False,
                    years=years,
                )[:1]
            )
        apart = list({s.id: s for found in each for s in found}.values())
        if len(apart) >= 2:
            chosen = apart[:2]
            answered_apart = True
        elif apart and (not chosen or (part_threshold == threshold and _drawn_by_the_whole(chosen, apart, threshold))):
            # "l'avance est versée à quel moment ? faut-il la demander ?": the documents answer one question, not the
            # other; the one is answered, the other said unknown (not with an item only the whole message drew, and
            # only below the threshold).
            chosen = apart
            if part_threshold == threshold:
                # (Not for a pair side by side: one question, asked of each.)
                rest = next((part for part, found in zip(parts, each, strict=True) if not found), None)
    if earlier and not years:
        # "il doit contenir quoi ?" after "je remplis le rapport financier": the earlier turn says what "il" is.
        # "et la deuxième ?" after the first claim's deadline: the question before, with its word swapped in.
        vague = carries_on(text) or swapped(earlier[0], text) is not None or call_switched(earlier[0], text) is not None
        in_context = choose(
            with_intent(around, intent),
            calls=calls,
            threshold=threshold - (RESCUE_SLACK if vague else 0.0),
            two=two,
        )
        if in_context and (
            (vague and not answered_apart)
            or not chosen
            or in_context[0].score > max(s.score for s in chosen) + CONTEXT_MARGIN
        ):
            chosen = in_context
    plain = unaccent(text)
    if NAMES_OF_COUNTED.search(plain) and "cpas_2023" not in calls and not ANNEX.search(plain):
        # "c'est quelles les 24 ASBL sélectionnées ?": the documents count them, they name only the 2023 annex's.
        return Choice([])
    if BOTH_BOUNDS.search(plain) and not any(_bound_of(s.id) for s in chosen):
        # "c'était quoi la fourchette du subside ?": the best of the first items stating a bound, a little less sure.
        bounds = [s for s in with_intent(around, intent) if _bound_of(s.id)]
        chosen = choose(bounds, calls=calls, threshold=threshold - BOUNDS_SLACK, two=False, years=years)[:1] or chosen
    both = BOTH_BOUNDS.search(plain) is not None
    if both or not (_MIN.search(plain) or ONE_BOUND.search(plain)):
        # "montant min et max ?": a minimum item calls for its maximum (the 2008 manual gives them apart), beside what
        # else is asked; "hoeveel kon je toen aanvragen?" names no bound: an amount given as a minimum and a maximum
        # apart is both.
        for at, item in reversed(list(enumerate(chosen))):
            other = _other_bound(item.id, around) if both or _is_amount(item.id) else None
            if other and other not in {s.id for s in chosen}:
                chosen = [*chosen[: at + 1], Scored(other, item.score), *chosen[at + 1 :]]
    said_before = unaccent(earlier[0]) if earlier else ""
    if not chosen and (_CLAIM.search(plain) or REPORTS.search(plain)):
        # "notre deuxième déclaration ne partira que le 15 novembre 2024, ça pose un problème ?": a deadline among the
        # first items that the day said is after decides, however the question is worded.
        passed = next((s for s in ranking[:RESCUE_DEPTH] if late_day(s.id, text, earlier)), None)
        chosen = [Scored(passed.id, threshold)] if passed else []
    if (
        not chosen
        and LATE.search(plain)
        and (_CLAIM.search(plain) or _CLAIM.search(said_before) or REPORTS.search(plain))
    ):
        # "et si on l'envoie en retard, on sera quand même payés ?" after a question on a claim's report: what sending
        # late costs, the refusal rule of the call managed (the 2023 decree unless another is named).
        call = next((c for c in calls if c in ("cpas_2023", "ict_2008")), "cpas_2023")
        chosen = [Scored(f.id, threshold) for f in kb().about("refusal", call)[:1]]
    late = bool(chosen) and (LATE.search(plain) is not None or late_day(chosen[0].id, text, earlier) is not None)
    late = late and _topic_of(chosen[0].id) in LATE_TOPICS
    if late and not any(_topic_of(s.id) == "refusal" for s in chosen):
        # A claim or a document sent late is refused or paid in part (Art. 7 §8): the rule, then the refusal rule of
        # its call, ranked or not (not the refund of money already paid).
        refusal = [f.id for f in kb().about("refusal", _call_of(chosen[0].id))]
        chosen = [*chosen[:1], *[Scored(i, chosen[0].score) for i in refusal[:1]]]
    elif earlier and chosen and CONSEQUENCE.search(plain) and (kin := _sanction_of_turn_before(earlier[0], chosen)):
        # "et si notre président refuse de les recevoir, on risque quoi ?" after the on-site controls: what refusing a
        # control costs, not the refusal of a claim its words recall (after what the other question asks, if two).
        chosen = [*(chosen[:1] if two else []), Scored(kin, chosen[0].score)]
        rest = None
    elif chosen and CONSEQUENCE.search(plain) and not any(is_sanction(s.id) for s in chosen):
        # "on est obligés d'accepter ? et sinon ?", "wa riskeren we?": the rule, then what not keeping it costs.
        sanctions = [s for s in around if is_sanction(s.id)]
        chosen = [*chosen[:1], *choose(sanctions, calls=calls, threshold=threshold - SANCTION_SLACK, two=False)[:1]]
    if chosen and not two and PAID_WHEN.search(plain) and _topic_of(chosen[0].id) == "payment":
        # "wanneer wordt die dan betaald?": when the money comes, not the deadline the claim was sent by.
        chosen = [s for s in chosen if _topic_of(s.id) != "deadlines"]
    if earlier and len(chosen) == 1 and PAID_WHEN.search(plain) and _topic_of(chosen[0].id) != "payment":
        # "we hebben onze eerste schuldvordering ingediend" then "wanneer wordt die uitbetaald?": when money is paid,
        # not the deadline the turn before was about.
        paying = [
            s for s in [*with_intent(around, intent), *with_intent(ranking, intent)] if _topic_of(s.id) == "payment"
        ]
        chosen = choose(paying, calls=calls, threshold=threshold - RESCUE_SLACK, two=False, years=years)[:1] or chosen
    if chosen and CASES_ASKED.search(plain) and REPAYS.search(unaccent(kb().item(chosen[0].id).fr)):
        # "dans quels cas doit-on rembourser ?": every case the call's documents name, not the best ranked alone.
        call, said = _call_of(chosen[0].id), {s.id for s in chosen}
        others = [
            f.id for f in kb().facts.values() if f.call == call and f.id not in said and REPAYS.search(unaccent(f.fr))
        ]
        chosen = [*chosen[:1], *(Scored(i, chosen[0].score) for i in others)]
    if CONTACT_ASKED.search(plain) and not any(states(REACH_STATED, s.id) for s in chosen):
        # "et pour une question sur notre dossier, je téléphone à quel numéro ?": a number, not the claim documents
        # "dossier" drew; the best item giving one (Digilab's, unless another call or the press is asked).
        reach = [
            s for s in with_intent([*ranking, *around], intent) if states(REACH_STATED, s.id) and fits(s.id, calls)
        ]
        chosen = reach[:1] or chosen
    chosen = for_staff(chosen, plain, said_before)
    if len(chosen) == 1:
        # "L'octroi de la deuxième année dépend de l'évaluation (article 10)": the fact it refers to comes after it.
        chosen += [Scored(i, chosen[0].score) for i in getattr(kb().item(chosen[0].id), "see", [])[:1]]
    asked = [kind for question, kind in ASKED if question.search(plain)]
    if asked and not all(any(states(kind, s.id) for s in chosen) for kind in asked):
        # "tot wanneer kon ge indienen?": the best of the first items that says what is asked, a little less sure.
        stating = [s for s in with_intent(around, intent)[:RESCUE_DEPTH] if all(states(kind, s.id) for kind in asked)]
        rescued = choose(stating, calls=calls, threshold=threshold - RESCUE_SLACK, two=False, years=years)[:1]
        if rescued:
            chosen = rescued
    second_year = SECOND_YEAR.search(unaccent(asked_part(text) or text))
    if second_year and chosen and _call_of(chosen[0].id) == "cpas_2023" and _topic_of(chosen[0].id) in YEAR_ONE_TOPICS:
        # "la deadline du rapport final de la 2e année ?": the decree's deadlines are its first year's.
        return Choice([])
    missing = [kind for kind in asked if not any(states(kind, s.id) for s in chosen)]
    if any(kind not in GENERAL_KINDS or not chosen or chosen[0].score < SURE for kind in missing):
        if chosen and chosen[0].score >= UNSTATED_SURE and all(kind in GENERAL_KINDS for kind in missing):
            # "on garde les originaux combien d'années ?": the rule that answers ("during the periods the law sets"),
            # and that the documents give no figure.
            return Choice(chosen, unstated=True)
        return Choice([])
    # A figure asked that the items do not state, though they surely answer: said not given (not a time: "wanneer kan
    # Digilab weigeren?" asks in which cases).
    return Choice(chosen, rest, unstated=any(kind is not TIME for kind in missing))


def call_events(tracker: Tracker) -> list[dict]:
    """Remember the call a message names, for the questions that follow."""
    named = calls_named(latest_text(tracker))
    return [SlotSet("call", named[0])] if len(named) == 1 else []


# Asking for the practical detail of a rule ("concrètement", "hoe ziet die nummering eruit?").
DETAIL_ASKED = re.compile(
    r"\b(concretement|concreet|en pratique|in de praktijk|precisement|en detail|in detail|format|modele|sjabloon"
    r"|template|hoe ziet|a quoi ressemble)\b"
)
# A rule whose detail the protocol gives, not the five documents.
_IN_PROTOCOL = re.compile(r"\b(expliquee? dans le protocole|in het protocol)\b")


def answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, *, threshold: float = THRESHOLD, leaving: Sequence[str] = ()
) -> list[Scored]:
    """Say the best items for the latest message, but those `leaving` out; the items said, none when nothing
    answers it."""
    chosen, rest, unstated = best_items(tracker, threshold=threshold)
    chosen = [s for s in chosen if s.id not in leaving]
    if chosen:
        lang = lang_of(tracker)
        late = late_day(chosen[0].id, latest_text(tracker), previous_texts(tracker, 1))
        if late:
            # "Can we still send it on 15 May?": the verdict first, then the rule that decides it.
            day, deadline = late
            dispatcher.utter_message(
                response="utter_too_late", day=format_date(day, lang), deadline=format_date(deadline, lang)
            )
        say_items(dispatcher, [kb().item(s.id) for s in chosen], lang, today=date.today())
        if rest:
            say_dont_know(dispatcher, lang, part=rest)
        if unstated:
            dispatcher.utter_message(response="utter_figure_not_given", contact=kb().contact(lang))
        elif DETAIL_ASKED.search(unaccent(latest_text(tracker))) and _IN_PROTOCOL.search(
            unaccent(kb().item(chosen[0].id).fr)
        ):
            # "concrètement, la numérotation imposée, c'est quel format ?": the rule says the protocol explains it.
            dispatcher.utter_message(response="utter_detail_in_protocol", contact=kb().contact(lang))
    return chosen


def score_events(chosen: Sequence[Scored]) -> list[dict]:
    """The ranking score of the answer given, kept in the conversation: the helpdesk reviews the doubtful ones."""
    return [SlotSet("answer_score", round(chosen[0].score, 3))] if chosen else []
