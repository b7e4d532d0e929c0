"""The numbers and names a message gives, read through rules.parsing and knowledge.search."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot.actions.replies import entity_values, kb, latest_text, previous_texts
from bot.sentences import unaccent
from knowledge.models import Beneficiary
from knowledge.search import find_beneficiaries, function_words, name_positions
from rules.parsing import (
    Quantity,
    numbers_for,
    parse_number,
    population_said,
    read_quantities,
    spell_out_numbers,
)

# The 2008 manual's cost types, between which its 15 % rule moves money, and a cost type said to cost more than
# planned.
COST_TYPES = re.compile(r"\b(investissements?|investering\w*|fonctionnement|werking\w*|personnel|personeel\w*)\b")
ABOVE_PLAN = re.compile(
    r"\b(plus cher|plus que prevu|depass\w*|monter|augment\w*|meer dan (?:voorzien|gepland)|duurder|hoger"
    r"|overschrijd\w*|verhog\w*)\b"
)
# Words that say an amount is the grant ("subside de … €").
# ("subsidieerbaar", "subsidiabel" say whether a cost is covered, not that an amount is the grant.)
GRANT_WORDS = re.compile(
    r"\b(subsides?|subventions?|subsidie(?!erbaar|abel)\w*|budget|jaarbudget|toegekend|accorde\w*)\b"
)
_ROLE_OF_ENTITY = {"population": "inhabitants", "amount": "eur"}
# What an amount is, from the nearest of these words before it (accents dropped).
_AMOUNT_WORDS = {
    "spent": r"depens\w*|uitgegeven|uitgaven|besteed|spent|factur\w*",
    "received": r"recu|touche|percu|ontvang\w*|gekregen|kregen|binnen|verse|paye|betaald|eu|avance|voorschot"
    r"|rapporte|deja|al|vordering|declaration|schuldvordering",
    "grant": r"subsides?|subventions?|subsidie|toegekend|accorde\w*|octroy\w*|budget|grant|montant|bedrag|totaal"
    r"|total|enveloppe|projet|project|sur|op",
}
_VAT_AFTER = re.compile(r"^\s*(?:€|eur\w*)?\s*(?:de\s+|van\s+|aan\s+)?(?:tva|btw)\b")
_VAT_BEFORE = re.compile(r"(?:tva|btw)\s*(?:de|van|:)?\s*$")
_EXCL_AFTER = re.compile(r"^\s*(?:€|eur\w*)?\s*(?:htva|hors\s+tva|excl\w*|zonder\s+btw|ex\.?\s+btw)")
# An amount followed by "TVAC" or "incl. btw": the grant's total, VAT included (never an amount received).
_TOTAL_AFTER = re.compile(
    r"^\s*(?:€|eur\w*)?\s*(?:tvac|ttc|tva\s+compris\w*|incl\w*\.?\s+(?:btw|tva)|btw\s+inbegrepen)\b"
)
_GRANT_AFTER = re.compile(r"^\s*(?:€|eur\w*)?\s*(?:de\s+|d'|aan\s+|van\s+)?(?:subside|subvention|subsidie|toegekend)")
_SPENT_AFTER = re.compile(
    r"^\s*(?:€|eur\w*)?\s*(?:aan\s+\w+\s+)?(?:uitgegeven|besteed|depense|de\s+depenses|uitgaven|de\s+frais|d'achats"
    r"|aan\s+kosten|aan\s+facturen|de\s+factures)"
)
_RECEIVED_AFTER = re.compile(
    r"^\s*(?:€|eur\w*)?\s*(?:d'|de\s+|als\s+|aan\s+)?(?:l'|het\s+)?(?:avance|voorschot)?\s*"
    r"(?:ontvangen|gehad|gekregen|binnen|recu|recus|touche|percu|verse|betaald|d'avance|voorschot)"
)
# An amount said to be the first claim's ("25.000 dans la première déclaration", "in de eerste schuldvordering
# 40.000 gevraagd"): the advance came before it, so both count as received.
# "la 1re décla", and "la déclaration du 12 mai" / "de schuldvordering van mei" (the first is due in May, Art. 7 §2).
_FIRST_CLAIM = (
    r"(?:(?:1e|1ere|1re|premiere|eerste|1ste)\s+(?:declaration|decla|dc|schuldvordering|sv|vordering)"
    r"|(?:declaration|decla|schuldvordering)(?:\s+de\s+creance)?\s+(?:du|de|d'|van|en|in)\s*(?:12\s+)?(?:mai|mei)\b)"
)
# A message about the first claim declaration (accents dropped).
FIRST_CLAIM = re.compile(rf"\b{_FIRST_CLAIM}")
_FIRST_CLAIM_AFTER = re.compile(
    rf"^\s*(?:€|eur\w*)?\s*(?:dans|en|pour|via|in|met|voor|bij|op)\s+(?:la|de|notre|onze|het|ma|mijn)?\s*{_FIRST_CLAIM}"
)
_FIRST_CLAIM_BEFORE = re.compile(
    rf"{_FIRST_CLAIM}(?:\s+de\s+creance)?\W+"
    r"(?:(?!(?:recu|ontvangen|gekregen|touche|percu|verse|betaald)\b)\w+\W+){0,4}$"
)
_ANNUAL_AFTER = re.compile(
    r"^\s*(?:€|eur\w*)?\s*(?:par\s+an|per\s+jaar|/\s*an\b|/\s*jaar|annuel|par\s+annee"
    r"|(?:de\s+|d'|van\s+|als\s+)?(?:budget\s+annuel|jaarbudget|jaarlijks\s+budget))"
)
# A budget for the whole project spread over its years (the 2022 call's advance is 30 % of a year's budget).
_OVER_YEARS = re.compile(
    r"\b(?:sur|over|pour|voor|en)\s+(?:les\s+|de\s+)?([23]|deux|trois|twee|drie)\s+(?:ans|annees|jaar|jaren)\b"
)
_YEARS = {"deux": 2, "twee": 2, "trois": 3, "drie": 3}
_SPREAD = re.compile(r"\b(global\w*|total\w*|totaal|en tout|au total|reparti\w*|verdeeld|gespreid)\b")
_ANNUAL_BEFORE = re.compile(r"(?:jaarbudget|budget\s+annuel|annuel\w*|per\s+jaar)\W*(?:de|d'|van|:|=|is)?\W*$")
_ADVANCE_RECEIVED = re.compile(
    r"\b(?:recue?s?|eu|touchee?s?|percue?s?|ontvangen|gekregen|kregen|gehad)\b[^.?!]{0,25}"
    r"\b(?:l'?avance|avance|voorschot|het voorschot)\b|\b(?:avance|voorschot)\b[^.?!]{0,20}"
    r"\b(?:recue?s?|touchee?s?|percue?s?|versee?s?|ontvangen|gekregen|gehad|binnen)\b"
)
_NOT_YET = re.compile(r"\b(pas|jamais|niet|nooit|geen)\b")  # ("pas encore", "nog niet" hold these)
_PAID = (
    r"(?:payee?s?|recue?s?|obtenue?s?|touchee?s?|demandee?s?|reclamee?s?|versee?s?"
    r"|gekregen|ontvangen|kregen|uitbetaald|gevraagd|vroegen|betaald|gehad)"
)
_FIRST_AT_MAX = re.compile(
    r"\b(?:1e|1ere|1re|premiere|eerste)\b[^.?!]{0,60}\b(?:max\w*|plafond|volledig)\b"
    rf"(?=[^.?!]*\b{_PAID}\b)|\b{_PAID}\b[^.?!]{{0,40}}\b(?:max\w*|plafond)\b"
    r"|\b(?:1e|1ere|1re|premiere|eerste)\b[^.?!]{0,30}\b" + _PAID + r"\b[^.?!]{0,30}\b(?:max\w*|plafond)\b"
)


def numbers(tracker: Tracker, entity: str) -> list[Decimal]:
    """Numbers tagged as `entity`, else those of the message said as its role or without any role."""
    tagged = [n for n in (parse_number(v) for v in entity_values(tracker, entity)) if n is not None]
    if tagged:
        return tagged
    return numbers_for(latest_text(tracker), _ROLE_OF_ENTITY[entity])


@dataclass
class PaymentInput:
    """What a message says about a grant: the grant, what was received or spent, by whom."""

    grant: Decimal | None = None
    received: list[Decimal] = field(default_factory=list)
    spent: Decimal | None = None
    annual: Decimal | None = None
    advance_received: bool = False
    first_claim_at_max: bool = False
    # One of `received` is the first claim's amount: the advance was received before it.
    first_claim: bool = False

    @property
    def given(self) -> bool:
        return any([self.grant, self.received, self.spent, self.annual])


# "nos dépenses totales pour le projet s'élèvent à 90.000 € TVAC", "onze totale projectuitgaven op 110.000": the clause
# speaks of costs, and the word nearest the amount ("projet", "op", "TVAC") does not make it a grant.
_SPENT_CLAUSE = re.compile(r"\b(depenses|\w*uitgaven|kosten)\b")
_STRONG_GRANT = re.compile(r"\b(subsides?|subventions?|subsidie\w*|toegekend|accorde\w*|octroy\w*|budget|enveloppe)\b")


def _spent_in_clause(before: str) -> bool:
    clause = re.split(r"[.;!?]", before)[-1]
    if not _SPENT_CLAUSE.search(clause):
        return False
    return not _STRONG_GRANT.search(clause[-30:]) and _nearest_word(before) not in ("received", "spent")


def _nearest_word(before: str) -> str | None:
    window = before[-45:]
    best, where = None, -1
    for kind, pattern in _AMOUNT_WORDS.items():
        for match in re.finditer(rf"\b(?:{pattern})\b", window):
            if match.end() > where:
                best, where = kind, match.end()
    return best


# An amount taken back in a correction: "non pardon, 106.997, pas 160.997", "120.000, ni 102.000".
_CORRECTED = re.compile(
    r"(?:,|\bet)\s*(?:pas|ni|niet|non|geen|plutot que|au lieu de|in plaats van)\s*(?:de\s+|van\s+)?$"
)


def payment_input(text: str) -> PaymentInput:
    """Each euro amount of a message by what it is: grant, received, spent, annual budget, excl. VAT + VAT."""
    spelled = unaccent(spell_out_numbers(text))
    # A number under 100 said without "€" is a count ("in 1 keer", "2 schuldvorderingen"), not an amount.
    amounts = [q for q in read_quantities(text) if q.role == "eur" and q.value > 0 or q.role is None and q.value >= 100]
    kinds: dict[str, list[Quantity]] = {
        "grant": [],
        "received": [],
        "spent": [],
        "annual": [],
        "excl": [],
        "vat": [],
        None: [],
    }
    for q in amounts:
        before, after = spelled[: q.start], spelled[q.end :]
        if _CORRECTED.search(before):
            continue  # "106.997 €, pas 160.997 €": the amount taken back says nothing
        if (_VAT_AFTER.match(after) and not _TOTAL_AFTER.match(after)) or _VAT_BEFORE.search(before):
            kind = "vat"  # (not "75.000 TVA comprise": the total)
        elif _EXCL_AFTER.match(after):
            kind = "excl"
        elif _TOTAL_AFTER.match(after):
            kind = "spent" if _spent_in_clause(before) else "total"
        elif _ANNUAL_AFTER.match(after) or _ANNUAL_BEFORE.search(before):
            kind = "annual"
        elif _GRANT_AFTER.match(after):
            kind = "grant"
        elif _SPENT_AFTER.match(after):
            kind = "spent"
        elif _RECEIVED_AFTER.match(after):
            kind = "received"
        elif _FIRST_CLAIM_AFTER.match(after) or _FIRST_CLAIM_BEFORE.search(before):
            kind = "first_claim"
        else:
            kind = "spent" if _spent_in_clause(before) else _nearest_word(before)
        kinds.setdefault(kind, []).append(q)
    advance = _ADVANCE_RECEIVED.search(spelled)
    # "pas encore reçu l'avance", "het voorschot nog niet ontvangen": not received.
    advance_received = bool(advance) and not _NOT_YET.search(spelled[max(0, advance.start() - 20) : advance.end()])
    found = PaymentInput(advance_received=advance_received, first_claim_at_max=bool(_FIRST_AT_MAX.search(spelled)))
    if kinds["excl"]:
        found.grant = kinds["excl"][0].value + sum((v.value for v in kinds["vat"][:1]), Decimal(0))
    elif kinds["grant"]:
        found.grant = kinds["grant"][0].value
    elif kinds.get("total"):
        found.grant = kinds["total"][0].value
    found.annual = kinds["annual"][0].value if kinds["annual"] else None
    years = _OVER_YEARS.search(spelled)
    if found.annual is None and found.grant and years and _SPREAD.search(spelled):
        # "budget global de 180.000 € réparti de façon égale sur les trois années": 60 000 a year.
        found.annual = found.grant / (_YEARS.get(years.group(1)) or int(years.group(1)))
    found.spent = kinds["spent"][0].value if kinds["spent"] else None
    found.received = [q.value for q in [*kinds["received"], *kinds.get("first_claim", [])]]
    found.first_claim = bool(kinds.get("first_claim"))
    loose = [q.value for q in kinds[None]]
    if found.grant is None and loose:
        # "200.000, on a reçu 60.000": the largest amount without a word is the grant.
        found.grant = max(loose)
        loose.remove(found.grant)
    found.received += loose
    if found.grant is not None:
        found.received = [r for r in found.received if r != found.grant or len(found.received) > 1]
    return found


# "comme à Halle", "zoals ze in Halle doen": a project named as an example is not the asker's own.
_EXAMPLE_OF = re.compile(
    r"\b(?:comme|zoals|net als|a l'instar de|a l'image de)\s+(?:(?:ze|ils|on|zij)\s+(?:\w+\s+)?)?"
    r"(?:a|à|au|chez|in|bij|te|le|la|l'|het|de|du)?\s*(?:cpas|ocmw)?\s*(?:de|d'|van|du)?\s*[\w'’-]+",
    re.IGNORECASE,
)


@lru_cache(maxsize=512)
def beneficiaries_in(text: str) -> tuple[Beneficiary, ...]:
    """The 2023 beneficiaries `text` names, best first, each once. Searched once per text (about 20 ms for a long
    message): remembering, routing and answering all ask about the same message."""
    return tuple({m.beneficiary.id: m.beneficiary for m in find_beneficiaries(kb(), text)}.values())


def _named_in(text: str) -> Beneficiary | None:
    """The 2023 beneficiary `text` names best, a project named as an example ("comme à Halle") left out."""
    found = beneficiaries_in(_EXAMPLE_OF.sub(" ", text))
    return found[0] if found else None


def _first_named(texts: list[str]) -> Beneficiary | None:
    """The best match in the first of `texts` that names a 2023 beneficiary."""
    return next((b for b in map(_named_in, texts) if b), None)


# A name taken back: "we zijn het OCMW van Ans.. nee sorry, ik bedoel Oostende".
# (Not "non ?" alone: "Fléron fait partie de SPOT mais il a aussi son propre projet non ?" takes nothing back.)
_NAME_CORRECTED = re.compile(r"\b(pardon|sorry|sorri|excuse[sz]?|ik bedoel|je veux dire|je voulais dire|plutot|euh)\b")


def _corrected_name(text: str) -> Beneficiary | None:
    """The project named last in a message that takes a name back, if it names two."""
    if not _NAME_CORRECTED.search(unaccent(text).lower()):
        return None
    named = beneficiaries_in(text)
    if len(named) < 2:
        return None
    return max(named, key=lambda b: max(name_positions(b, text), default=-1))


def beneficiary(tracker: Tracker) -> Beneficiary | None:
    """The 2023 beneficiary the message names (tagged entity first, then the whole text), else the one whose advance
    it quotes to the cent, else the asker's own when the message says "et nous ?"."""
    text = latest_text(tracker)
    corrected = _corrected_name(text)
    # "notre projet à nous (pas celui de SPOT)": the project set aside is not the one asked about.
    kept = NOT_THAT.sub(" ", text)
    entities = [] if kept != text else entity_values(tracker, "organisation")
    named = corrected or _first_named([*entities, kept]) or with_advance(kept)
    if named is None and (US.search(unaccent(kept).lower()) or OWN_PROJECT.search(unaccent(kept).lower())):
        return own_beneficiary(tracker)
    return named


# The asker saying who they are: "ici le CPAS de Liège", "OCMW Halle hier", "on est le CPAS de …", "wij zijn …".
OWN_INTRO = re.compile(
    r"\b(ici|hier|on est|nous sommes|je suis|je travaille|de la part|wij zijn|we zijn|ik ben|ik werk|namens"
    r"|notre cpas|ons ocmw)\b"
)
# "et nous ?", "en wij?", "et pour nous alors ?": the asker's own project, after a question about another.
US = re.compile(
    r"^\W*(?:et|en|mais|maar)?\s*(?:pour |chez |bij |voor )?(?:nous|wij|ons|le notre|het onze|de onze|notre projet"
    r"|ons project)(?:\s+(?:alors|dan|eigenlijk|donc))?\W*$"
)


# A project set aside: "(pas celui de SPOT)", "niet dat van de vereniging".
NOT_THAT = re.compile(
    r"\((?:pas|niet|not|sauf|behalve|hors)\b[^)]*\)"
    r"|\b(?:pas|niet|non|sauf|behalve)\s+(?:celui|celle|dat|die|het project|le projet)\s+(?:de|du|d'|van|des)\s*"
    r"(?:l'|la|le|het|de)?\s*[\w'&@-]+",
    re.IGNORECASE,
)
# The asker's own project, said as such: "notre projet à nous", "ons eigen project".
OWN_PROJECT = re.compile(
    r"\b(notre projet a nous|notre propre projet|notre projet propre|ons eigen project|onze eigen)\b"
)


def own_beneficiary(tracker: Tracker) -> Beneficiary | None:
    """The project the asker introduced as their own earlier in the conversation ("Ici le CPAS de Liège", "Bonjour,
    CPAS de Fléron." said without a question)."""
    for text in reversed(previous_texts(tracker, 20)):
        plain = unaccent(text).lower()
        if OWN_INTRO.search(plain) or ("?" not in text and len(plain.split()) <= SHORT_INTRO):
            if named := _named_in(text):
                return named
    return None


SHORT_INTRO = 8


def with_advance(text: str) -> Beneficiary | None:
    """The project whose advance in the annex is the message's one amount with cents: "ons voorschot was 35.990,94
    euro, hoeveel is onze totale subsidie?" is Eeklo's. Cents make it that project's; a round amount is anyone's."""
    amounts = [q.value for q in read_quantities(text) if q.role in (None, "eur")]
    if len(amounts) != 1 or amounts[0] == amounts[0].to_integral_value():
        return None
    found = [b for b in kb().beneficiaries if b.advance == amounts[0]]
    return found[0] if len(found) == 1 else None


def remembered_beneficiary(tracker: Tracker) -> Beneficiary | None:
    """The beneficiary this message names, else the one named earlier in the conversation."""
    return beneficiary(tracker) or named_earlier(tracker)


def named_earlier(tracker: Tracker) -> Beneficiary | None:
    """The beneficiary the conversation named before this message (the `organisation` slot)."""
    slot = tracker.get_slot("organisation")
    if not slot:
        return None
    return next((b for b in kb().beneficiaries if b.id == slot), None) or _first_named([slot])


_CPAS_NAME = re.compile(
    r"\b(?:cpas|ocmw)\s+(?P<link>de\s+|d['’]\s*|du\s+|van\s+|te\s+)?(?P<name>[^\W\d_][\w'’-]{2,}"
    r"(?:[\s-](?:sur|lez|en|le|la|de|aan|op)[\s-][^\W\d_][\w'’-]+)?)",
    re.IGNORECASE,
)


# "notre CPAS", "ons OCMW", "le CPAS", "een OCMW": a name after them needs its link ("notre CPAS de Hasselt") or a
# capital ("ons OCMW Hasselt").
_OWN_CPAS = re.compile(
    r"\b(notre|nos|mon|votre|leur|le|un|ce|chaque|ons|onze|mijn|uw|jullie|hun|het|een|dit|elk|ieder)\s*$", re.IGNORECASE
)


@lru_cache(maxsize=1)
def _common_words() -> frozenset:
    """Words that follow 'CPAS'/'OCMW' without naming one ('CPAS qui', 'OCMW heeft', 'CPAS 2023')."""
    domain = {
        "projet",
        "projets",
        "project",
        "projecten",
        "subside",
        "subsides",
        "subsidie",
        "subsidies",
        "appel",
        "oproep",
        "voisin",
        "buur",
        "buurgemeente",
        "beneficiaire",
        "beneficiaires",
        "begunstigde",
        "bruxellois",
        "wallon",
        "wallons",
        "flamand",
        "vlaams",
        "brusselse",
        "kleine",
        "petit",
        "petits",
        "grand",
        "grands",
        "grote",
        "association",
        "associations",
        "vereniging",
        "verenigingen",
        "ici",
        "hier",
        "retenu",
        "retenus",
        "selectionne",
        "geselecteerd",
        "partenaire",
        "partenaires",
        "partner",
        "qui",
        "dat",
        "die",
        "peut",
        "mag",
        "kan",
        "est",
        "zijn",
        "sont",
        "moet",
        "doit",
        "heeft",
        "a",
        "et",
        "en",
        "of",
        "ou",
        "met",
        "avec",
        "pour",
        "voor",
        "dans",
        "in",
        "s",
        "e-inclusion",
        # Verbs of getting: "welk OCMW kreeg het hoogste bedrag?", "quel CPAS a reçu le plus ?".
        "kreeg",
        "kregen",
        "krijgt",
        "krijgen",
        "ontving",
        "ontvingen",
        "ontvangt",
        "gekregen",
        "ontvangen",
        "recoit",
        "recoivent",
        "recu",
        "touche",
        "obtient",
        "obtenu",
        # Other verbs after an asked CPAS: "welk OCMW zit erachter?", "quel CPAS porte ce projet ?".
        "zit",
        "zitten",
        "staat",
        "staan",
        "doet",
        "draagt",
        "trekt",
        "porte",
        "portent",
        "gere",
        "fait",
        "mene",
    }
    return frozenset({*function_words(), *domain})


def unknown_cpas(text: str) -> str | None:
    """A CPAS/OCMW the message names that is not a 2023 beneficiary ('OCMW Hasselt'), as written."""
    for match in _CPAS_NAME.finditer(text or ""):
        name = match.group("name").strip(" '’-")
        if re.split(r"[\s'’-]", unaccent(name))[0] in _common_words() or find_beneficiaries(kb(), match.group(0)):
            continue
        if _OWN_CPAS.search(text[: match.start()]) and not match.group("link") and name.islower():
            # "Notre CPAS figure parmi les lauréats", "ons OCMW start": a verb after the asker's CPAS, no name.
            continue
        return name[:1].upper() + name[1:]
    return None


def remember(tracker: Tracker) -> list[dict]:
    """What the message says about the asker, kept for the questions that follow (whatever is answered now)."""
    text = latest_text(tracker)
    events = []
    population = population_said(text)
    if population is not None:
        events.append(SlotSet("population", str(population)))
    given = payment_input(text)
    if given.annual or (given.grant and GRANT_WORDS.search(unaccent(text))):
        events.append(SlotSet("grant", str(given.annual or given.grant)))
    named = beneficiary(tracker)
    if named:
        events += [SlotSet("organisation", named.id), SlotSet("unknown_cpas", None)]
    elif stranger := unknown_cpas(text):
        events += [SlotSet("unknown_cpas", stranger), SlotSet("organisation", None)]
    return events


def planned_for(text: str, cost_type: str) -> Decimal | None:
    """The amount `text` plans for a cost type, written before it ("… / 3 000 investissement") or after it
    ("personeel 12.000, werking 5.000"), if it names one."""
    stem = re.escape(unaccent(cost_type)[:5])
    amount = r"(\d[\d .,\u202f]*\d|\d)"
    plain = unaccent(text)
    before = rf"{amount}\s*(?:€|euros?|eur)?\s*(?:en |d'|de |pour |voor |aan |in )?{stem}"
    after = rf"{stem}\w*\s*(?::|de |van |pour |voor )?\s*(?:€\s*)?{amount}"
    match = re.search(before, plain) or re.search(after, plain)
    found = [q.value for q in read_quantities(match.group(1))] if match else []
    return found[0] if found else None
