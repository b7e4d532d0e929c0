"""Load and validate the knowledge files into one KnowledgeBase."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from knowledge.models import (
    LANGUAGES,
    Beneficiary,
    Cluster,
    CostItem,
    Discrepancy,
    Fact,
    Message,
    MissingFact,
    Questions,
    Reviewed,
    ReviewedQuestions,
    Source,
    SourceRef,
    to_cents,
)

DATA_DIR = Path(__file__).parent / "data"
# The fact holding the contact every answer that cannot help gives.
DIGILAB_CONTACT = "digilab.contact"
MESSAGES_FILE = Path(__file__).parent / "messages.yml"


class KnowledgeError(ValueError):
    """A knowledge file is malformed; the message names the file and the key."""

    def __init__(self, path: Path, where: str, reason: str):
        self.path, self.where, self.reason = path, where, reason
        super().__init__(f"{path.name}: {where}: {reason}")


@dataclass(frozen=True)
class DataIssue:
    """A published figure that does not add up, or two documents that disagree.

    Recorded ones carry their FR/NL text; computed ones carry a message `code` and the
    figures, rendered for people by `rules.discrepancies.describe`.
    """

    id: str
    topic: str
    sources: tuple[SourceRef, ...]
    fr: str = ""
    nl: str = ""
    code: str = ""
    params: dict[str, object] = field(default_factory=dict)
    # The facts this disagreement concerns: an answer giving one of them mentions it.
    facts: tuple[str, ...] = ()

    def text(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.fr


@dataclass
class KnowledgeBase:
    sources: dict[str, Source]
    facts: dict[str, Fact]
    clusters: list[Cluster]
    costs: list[CostItem]
    beneficiaries: list[Beneficiary]
    messages: dict[str, Message]
    issues: list[DataIssue] = field(default_factory=list)
    # Example questions per fact or cost item id: what the retrieval of bot/retrieval.py learns from.
    questions: dict[str, Questions] = field(default_factory=dict)
    # Dutch wording of the French section and slide titles cited as sources.
    references_nl: dict[str, str] = field(default_factory=dict)
    # Questions people asked, labelled in the helpdesk review queue and committed (data/reviewed/*.yml).
    reviewed: Reviewed = field(default_factory=Reviewed)
    # Items answering the same question for different calls (counterparts.yml), one per call in each group.
    counterparts: list[tuple[str, ...]] = field(default_factory=list)

    def ref_text(self, ref: SourceRef, lang: str) -> str:
        """The article, section or slide in the asker's language ('Annexe' is 'Bijlage' in Dutch)."""
        if lang != "nl":
            return ref.ref
        return self.references_nl.get(ref.ref) or re.sub(r"\bet\b", "en", ref.ref)

    def item(self, item_id: str) -> Fact | CostItem | DataIssue:
        """The fact, cost item or recorded disagreement of that id."""
        return self._items[item_id]

    def has(self, item_id: str) -> bool:
        return item_id in self._items

    @cached_property
    def _items(self) -> dict[str, Fact | CostItem | DataIssue]:
        # Looked up for every ranked item of every answer: indexed once, after loading.
        return {**{i.id: i for i in [*self.costs, *self.recorded_issues()]}, **self.facts}

    def fact(self, fact_id: str) -> Fact:
        return self.facts[fact_id]

    def contact(self, lang: str) -> str:
        """Digilab's e-mail, phone and page (the 2022 slides), as every "I don't know" and every failure gives them."""
        return self.fact(DIGILAB_CONTACT).text(lang)

    def about(self, topic: str, call: str | None = None) -> list[Fact]:
        return [f for f in self.facts.values() if f.topic == topic and (call is None or f.call == call)]

    def issues_of_fact(self, fact_id: str) -> list[DataIssue]:
        return [i for i in self.issues if fact_id in i.facts]

    def recorded_issues(self) -> list[DataIssue]:
        """The disagreements written in discrepancies.yml (with their own wording), not the computed ones."""
        return [i for i in self.issues if i.fr]

    def beneficiary(self, beneficiary_id: str) -> Beneficiary:
        return next(b for b in self.beneficiaries if b.id == beneficiary_id)

    def issues_of(self, beneficiary_id: str) -> list[DataIssue]:
        return [i for i in self.issues if i.id.startswith(f"annex.{beneficiary_id}.")]

    def message(self, code: str, lang: str, **params: object) -> str:
        msg = self.messages[code]
        return (msg.nl if lang == "nl" else msg.fr).format(**params)

    def cite(self, *refs: SourceRef, lang: str) -> str:
        """'Arrêté royal du 8 décembre 2023 …, Art. 6 §1 ; Art. 7 §2' in the asker's language."""
        by_doc: dict[str, list[str]] = {}
        for ref in refs:
            by_doc.setdefault(ref.doc, [])
            text = self.ref_text(ref, lang)
            if text not in by_doc[ref.doc]:
                by_doc[ref.doc].append(text)
        return " — ".join(
            f"{self.sources[doc].nl if lang == 'nl' else self.sources[doc].fr}, {' ; '.join(parts)}"
            for doc, parts in by_doc.items()
        )


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader that refuses a mapping with the same key twice; libyaml's parser where PyYAML has it (the knowledge
    loads in 0.2 s instead of 2 s, which the first question of every server process waited for)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(path, "yaml", str(exc)) from exc
    if not isinstance(data, dict):
        raise KnowledgeError(path, "top", "expected a mapping")
    return data


def _parse(path: Path, key: str, model, items: Iterable) -> list:
    parsed = []
    for index, item in enumerate(items):
        label = item.get("id", index) if isinstance(item, dict) else index
        try:
            parsed.append(model.parse_obj(item))
        except ValidationError as exc:
            raise KnowledgeError(path, f"{key}[{label}]", _reasons(exc)) from exc
    return parsed


def _reasons(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


def _counterparts(path: Path, items: dict[str, Fact | CostItem]) -> list[tuple[str, ...]]:
    """Groups of facts (or cost items) answering one question for different calls: every id a fact or a cost item,
    no call twice in a group."""
    groups = []
    for number, group in enumerate(_section(path, "counterparts") if path.exists() else []):
        unknown = [i for i in group if i not in items]
        if unknown:
            raise KnowledgeError(path, f"counterparts[{number}]", f"no fact or cost item {unknown}")
        calls = [items[i].call for i in group]
        if len(set(calls)) != len(calls):
            raise KnowledgeError(path, f"counterparts[{number}]", "two facts of one call")
        groups.append(tuple(group))
    return groups


def _section(path: Path, key: str) -> list:
    data = read_yaml(path)
    unknown = set(data) - {key}
    if unknown:
        raise KnowledgeError(path, "top", f"unknown keys {sorted(unknown)}")
    return data.get(key) or []


def _unique(path: Path, key: str, items: list) -> None:
    seen = set()
    for item in items:
        if item.id in seen:
            raise KnowledgeError(path, f"{key}[{item.id}]", "duplicate id")
        seen.add(item.id)


def load_knowledge(data_dir: Path = DATA_DIR, messages_file: Path = MESSAGES_FILE) -> KnowledgeBase:
    """Read every knowledge file, validate it and record the figures that do not add up."""
    sources_path = data_dir / "sources.yml"
    raw_sources = _section(sources_path, "sources")
    sources = {k: _parse(sources_path, f"sources.{k}", Source, [v])[0] for k, v in raw_sources.items()}

    facts: dict[str, Fact] = {}
    for path in [data_dir / "parameters.yml", *sorted((data_dir / "facts").glob("*.yml"))]:
        for fact in _parse(path, "facts", Fact, _section(path, "facts")):
            if fact.id in facts:
                raise KnowledgeError(path, f"facts[{fact.id}]", "duplicate id across files")
            facts[fact.id] = fact

    def listed(name: str, key: str, model) -> list:
        path = data_dir / name
        if not path.exists():
            # A renamed file would otherwise load as an empty list and fail later, far from its cause.
            raise KnowledgeError(path, key, "file missing")
        items = _parse(path, key, model, _section(path, key))
        _unique(path, key, items)
        return items

    clusters = listed("clusters.yml", "clusters", Cluster)
    _check_clusters(data_dir / "clusters.yml", clusters)
    costs = listed("costs.yml", "costs", CostItem)
    beneficiaries = listed("beneficiaries.yml", "beneficiaries", Beneficiary)
    _check_aliases(data_dir / "beneficiaries.yml", beneficiaries)
    recorded = listed("discrepancies.yml", "discrepancies", Discrepancy)

    raw_messages = read_yaml(messages_file)
    messages = {code: _parse(messages_file, code, Message, [m])[0] for code, m in raw_messages.items()}

    kb = KnowledgeBase(sources, facts, clusters, costs, beneficiaries, messages)
    cost_ids = {c.id for c in costs}
    for d in recorded:
        if d.id in facts or d.id in cost_ids:
            raise KnowledgeError(
                data_dir / "discrepancies.yml", f"discrepancies[{d.id}]", "id also names a fact or cost item"
            )
        unknown = [f for f in d.facts if f not in facts]
        if unknown:
            raise KnowledgeError(data_dir / "discrepancies.yml", f"discrepancies[{d.id}].facts", f"no fact {unknown}")
    for fact in facts.values():
        if unknown := [f for f in fact.see if f not in facts]:
            raise KnowledgeError(data_dir / "facts", f"facts[{fact.id}].see", f"no fact {unknown}")
    kb.references_nl = _references_nl(data_dir / "references_nl.yml", kb)
    kb.questions = _questions(data_dir / "questions", {*facts, *cost_ids, *(d.id for d in recorded)})
    kb.reviewed = _reviewed(data_dir / "reviewed", {*facts, *cost_ids, *(d.id for d in recorded)})
    kb.counterparts = _counterparts(data_dir / "counterparts.yml", {**facts, **{c.id: c for c in kb.costs}})
    kb.issues = [DataIssue(d.id, d.topic, tuple(d.sources), fr=d.fr, nl=d.nl, facts=tuple(d.facts)) for d in recorded]
    kb.issues += annex_issues(kb)
    unknown_docs = sorted({r.doc for r in _all_refs(kb)} - set(sources))
    if unknown_docs:
        raise KnowledgeError(sources_path, "sources", f"cited but not listed: {unknown_docs}")
    for fact in facts.values():
        _check_value_said(fact)
    return kb


_MONTHS = {
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
}


def _value_forms(fact: Fact, lang: str) -> list[str]:
    """How a fact's value may be written in its sentence: 3 402 812 / 3.402.812, 30 %, 1er novembre 2023…"""
    if fact.unit == "date":
        day = fact.as_date
        first = {"fr": "1er", "nl": "1"}[lang] if day.day == 1 else str(day.day)
        month = f"{_MONTHS[lang][day.month - 1]} {day.year}"
        # A month's first or last day may be said as the month: "de novembre 2022", "avril 2024 inclus".
        whole_month = day.day == 1 or (day + timedelta(days=1)).month != day.month
        return [f"{first} {month}", f"{day.day} {month}", *([month] if whole_month else [])]
    number = fact.decimal * 100 if fact.unit == "ratio" else fact.decimal
    whole, _, cents = f"{number.normalize():f}".partition(".")
    grouped = [whole] + [_group(whole, sep) for sep in (" ", "\u202f", "\u00a0", ".")]
    body = [g + (f",{cents}" if cents and fact.unit != "ratio" else "") for g in grouped]
    if fact.unit == "ratio":
        return [f"{b}{space}%" for b in {whole + (f",{cents}" if cents else "")} for space in (" ", "\u202f", "")]
    if fact.unit == "eur" and number >= 1_000_000 and number % 1_000_000 == 0:
        body.append(f"{number // 1_000_000} {'millions' if lang == 'fr' else 'miljoen'}")
    return body


def _group(whole: str, sep: str) -> str:
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    return sep.join([whole, *groups])


# Units whose value a sentence says as written; opening hours ("mon-thu 08:30-12:30 …") are a schedule to compute.
SAID_UNITS = {"eur", "ratio", "date", "count", "inhabitants", "days"}


def _check_value_said(fact: Fact) -> None:
    """A fact's sentences say its value: change the value and forget a sentence, and loading fails."""
    if fact.value is None or fact.unit not in SAID_UNITS:
        return
    for lang in LANGUAGES:
        text = fact.text(lang)
        if not any(re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d])", text) for form in _value_forms(fact, lang)):
            raise KnowledgeError(DATA_DIR, f"facts[{fact.id}].{lang}", f"does not say its value {fact.value}")


@lru_cache(maxsize=1)
def default_knowledge() -> KnowledgeBase:
    """The project's knowledge base, loaded once per process."""
    return load_knowledge()


def _needs_dutch(ref: str) -> bool:
    """A reference with French words (not only 'Art.', numbers, § and roman numerals) needs a Dutch wording."""
    words = re.findall(r"[^\W\d_]{3,}", ref.replace("Art.", ""))
    return any(not re.fullmatch(r"[ivxlc]+", w) for w in words)


def _references_nl(path: Path, kb: KnowledgeBase) -> dict[str, str]:
    """Every cited reference with French words has its Dutch wording, or loading fails naming it."""
    raw = _section(path, "references") or {}
    cited = {r.ref for r in _all_refs(kb)}
    missing = sorted(r for r in cited if _needs_dutch(r) and r not in raw)
    if missing:
        raise KnowledgeError(path, "references", f"no Dutch wording for {missing[:5]}")
    return {str(k): str(v) for k, v in raw.items()}


def _all_refs(kb: KnowledgeBase) -> list[SourceRef]:
    refs = [f.source for f in kb.facts.values()] + [c.source for c in kb.costs]
    refs += [r for b in kb.beneficiaries for r in (b.source, b.description_source)] + [c.source for c in kb.clusters]
    return refs + [r for i in kb.issues for r in i.sources]


def _questions(folder: Path, known: set) -> dict[str, Questions]:
    """Example questions keyed by item id; an id that names no fact or cost item is refused."""
    questions: dict[str, Questions] = {}
    for path in sorted(folder.glob("*.yml")):
        for item_id, raw in (_section(path, "questions") or {}).items():
            if item_id not in known:
                raise KnowledgeError(path, f"questions[{item_id}]", "no fact or cost item has this id")
            if item_id in questions:
                raise KnowledgeError(path, f"questions[{item_id}]", "questions given twice for this id")
            questions[item_id] = _parse(path, f"questions[{item_id}]", Questions, [raw])[0]
    return questions


def _check_clusters(path: Path, clusters: list[Cluster]) -> None:
    # Clusters must tile the population axis: each starts one above the previous end.
    for before, after in zip(clusters, clusters[1:], strict=False):
        if before.population_max is None or after.population_min != before.population_max + 1:
            raise KnowledgeError(path, f"clusters[{after.id}]", "clusters must follow each other without gap")


def _check_aliases(path: Path, beneficiaries: list[Beneficiary]) -> None:
    owner: dict[str, str] = {}
    for b in beneficiaries:
        for alias in b.aliases:
            key = alias.casefold()
            if owner.setdefault(key, b.id) != b.id:
                raise KnowledgeError(path, f"beneficiaries[{b.id}].aliases", f"{alias!r} also names {owner[key]}")
        for member in b.members:
            if member not in b.annex_name:
                raise KnowledgeError(path, f"beneficiaries[{b.id}].members", f"{member!r} is not in its annex row")


def annex_issues(kb: KnowledgeBase) -> list[DataIssue]:
    """Arithmetic the decree implies, checked row by row; a mismatch is recorded, not fixed."""
    issues: list[DataIssue] = []
    rate = kb.fact("cpas_2023.advance_rate").decimal
    for b in kb.beneficiaries:
        refs = (b.source, kb.fact("cpas_2023.advance_rate").source)
        row = {"organisation": b.annex_name, "excl": b.amount_excl_vat, "vat": b.vat, "total": b.total}
        if b.amount_excl_vat + b.vat != b.total:
            issues.append(
                DataIssue(
                    f"annex.{b.id}.total",
                    "amounts",
                    refs,
                    code="issue_annex_total",
                    params={**row, "sum": b.amount_excl_vat + b.vat},
                )
            )
        # Art. 6 §1: the advance is 30 % of the grant, to the cent.
        expected = to_cents(b.total * rate)
        if expected != b.advance:
            issues.append(
                DataIssue(
                    f"annex.{b.id}.advance",
                    "payment",
                    refs,
                    code="issue_annex_advance",
                    params={**row, "expected": expected, "advance": b.advance, "rate": rate},
                )
            )
    grant = kb.fact("cpas_2023.total_grant")
    annex_sum = sum((b.total for b in kb.beneficiaries), Decimal("0"))
    if kb.beneficiaries and annex_sum != grant.decimal:
        issues.append(
            DataIssue(
                "annex.sum",
                "amounts",
                (kb.beneficiaries[0].source, grant.source),
                code="issue_annex_sum",
                params={"sum": annex_sum, "grant": grant.decimal, "gap": grant.decimal - annex_sum},
            )
        )
    return issues


def _reviewed(folder: Path, known: set) -> Reviewed:
    """Every file of the review queue a person committed, merged; unknown item ids and documents are refused."""
    questions: dict[str, dict[str, list[str]]] = {}
    refused: dict[str, list[str]] = {"fr": [], "nl": []}
    missing: list[MissingFact] = []
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        part = _parse(path, "reviewed", Reviewed, [read_yaml(path)])[0]
        for item_id, asked in part.questions.items():
            if item_id not in known:
                raise KnowledgeError(path, f"questions[{item_id}]", "no fact or cost item has this id")
            for lang in LANGUAGES:
                questions.setdefault(item_id, {"fr": [], "nl": []})[lang] += asked.of(lang)
        for lang in LANGUAGES:
            refused[lang] += part.refused.of(lang)
        missing += part.missing_facts  # their documents are checked by SourceRef
    return Reviewed(
        questions={k: ReviewedQuestions(**v) for k, v in questions.items()},
        refused=ReviewedQuestions(**refused),
        missing_facts=missing,
    )
