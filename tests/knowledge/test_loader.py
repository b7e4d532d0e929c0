"""The knowledge files load, carry their sources, and bad files are refused with file and key."""

import shutil
from decimal import Decimal

import pytest

from knowledge.loader import DATA_DIR, MESSAGES_FILE, KnowledgeError, load_knowledge
from knowledge.models import DOCS, TOPICS


def test_every_fact_has_french_dutch_and_a_known_source(kb):
    assert len(kb.facts) >= 100
    for fact in kb.facts.values():
        assert fact.fr.strip() and fact.nl.strip(), fact.id
        assert fact.fr != fact.nl, fact.id
        assert fact.source.doc in DOCS and fact.source.ref.strip()


def test_every_source_document_is_cited(kb):
    cited = {f.source.doc for f in kb.facts.values()}
    assert cited == set(DOCS)


def test_topics_a_cpas_asks_about_are_covered(kb):
    for topic in [
        "eligibility",
        "target_groups",
        "deadlines",
        "payment",
        "costs",
        "cofinancing",
        "double_funding",
        "claim_documents",
        "refusal",
        "refund",
        "controls",
        "evaluation",
        "dnsh",
        "obligations",
        "intervisions",
        "programme",
        "contacts",
        "figures",
    ]:
        covered = kb.about(topic) or [c for c in kb.costs if topic == "costs"]
        assert covered, topic
    assert set(f.topic for f in kb.facts.values()) <= set(TOPICS)


def test_the_annex_has_all_27_rows_with_fr_and_nl_names(kb):
    assert len(kb.beneficiaries) == 27
    assert sum(b.kind == "association" for b in kb.beneficiaries) == 2
    gent = kb.beneficiary("gent")
    assert gent.organisation == "CPAS de Gand" and gent.organisation_nl == "OCMW van Gent"
    assert gent.total == Decimal("399998.64") and gent.advance == Decimal("119999.59")
    assert all(b.description_fr and b.description_nl for b in kb.beneficiaries)


def test_waterloo_row_that_does_not_add_up_is_recorded_not_fixed(kb):
    waterloo = next(b for b in kb.beneficiaries if "Waterloo" in b.annex_name)
    assert waterloo.total == Decimal("154064.81")  # as published
    ids = {i.id for i in kb.issues_of(waterloo.id)}
    assert ids == {f"annex.{waterloo.id}.total", f"annex.{waterloo.id}.advance"}


def test_annex_sum_gap_to_article_1_is_recorded(kb):
    issue = next(i for i in kb.issues if i.id == "annex.sum")
    assert issue.params["sum"] == Decimal("3402811.73")
    assert issue.params["gap"] == Decimal("0.27")


def test_only_waterloo_rows_break_the_arithmetic(kb):
    computed = sorted(i.id for i in kb.issues if i.id.startswith("annex."))
    waterloo = next(b.id for b in kb.beneficiaries if "Waterloo" in b.annex_name)
    assert computed == sorted(["annex.sum", f"annex.{waterloo}.total", f"annex.{waterloo}.advance"])


def test_the_budget_disagreement_names_both_documents(kb):
    issue = next(i for i in kb.issues if i.id == "programme.budget")
    assert {s.doc for s in issue.sources} == {"slides_2022", "project_page"}
    assert "30" in issue.fr and "26" in issue.fr


def test_cite_groups_references_of_one_document(kb):
    text = kb.cite(
        kb.fact("cpas_2023.advance_rate").source, kb.fact("cpas_2023.first_claim_cap_rate").source, lang="nl"
    )
    assert text.count("Koninklijk besluit") == 1 and "Art. 6 §1" in text and "Art. 7 §2" in text


def test_every_error_code_has_both_texts(kb):
    for code in [
        "amount_not_number",
        "amount_negative",
        "amount_zero",
        "amount_too_large",
        "amount_fraction_of_cent",
        "received_exceeds_grant",
        "population_not_number",
        "population_negative",
        "population_zero",
        "population_too_large",
        "planned_exceeds_grant",
        "request_invalid",
    ]:
        assert kb.messages[code].fr and kb.messages[code].nl, code


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _break(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unknown_key_is_refused_naming_file_and_fact(data_copy):
    _break(
        data_copy / "parameters.yml",
        '    topic: payment\n    call: cpas_2023\n    value: "0.30"',
        '    topic: payment\n    call: cpas_2023\n    sourse: oops\n    value: "0.30"',
    )
    with pytest.raises(KnowledgeError, match=r"parameters.yml: facts\[cpas_2023.advance_rate\].*sourse"):
        load_knowledge(data_copy, MESSAGES_FILE)


def test_a_duplicate_key_is_refused(data_copy):
    _break(data_copy / "parameters.yml", "    unit: ratio\n", "    unit: ratio\n    unit: ratio\n")
    with pytest.raises(KnowledgeError, match="parameters.yml: yaml: .*duplicate key 'unit'"):
        load_knowledge(data_copy, MESSAGES_FILE)


def test_unquoted_money_is_refused(data_copy):
    _break(data_copy / "beneficiaries.yml", 'total: "399998.64"', "total: 399998.64")
    with pytest.raises(
        KnowledgeError, match=r"beneficiaries.yml: beneficiaries\[gent\]: total: money must be a quoted"
    ):
        load_knowledge(data_copy, MESSAGES_FILE)


def test_a_fact_without_source_is_refused(data_copy):
    _break(data_copy / "parameters.yml", '    source: {doc: decree_2023, ref: "Art. 6 §1"}\n', "")
    with pytest.raises(KnowledgeError, match="source: field required"):
        load_knowledge(data_copy, MESSAGES_FILE)


def test_an_association_member_its_annex_row_does_not_name_is_refused(data_copy):
    _break(data_copy / "beneficiaries.yml", '"Hotton", ', '"Hoton", ')
    with pytest.raises(KnowledgeError, match=r"beneficiaries\[integra_plus\].members: 'Hoton' is not in its annex row"):
        load_knowledge(data_copy, MESSAGES_FILE)


def test_a_fact_referring_to_a_fact_that_does_not_exist_is_refused(data_copy):
    _break(data_copy / "facts" / "decree_2023.yml", "see: [cpas_2023.evaluation]", "see: [cpas_2023.evaluations]")
    with pytest.raises(
        KnowledgeError, match=r"facts\[cpas_2023.first_year_only\].see: no fact \['cpas_2023.evaluations'\]"
    ):
        load_knowledge(data_copy, MESSAGES_FILE)


def test_a_gap_between_clusters_is_refused(data_copy):
    _break(data_copy / "clusters.yml", "population_min: 15001", "population_min: 15002")
    with pytest.raises(KnowledgeError, match="clusters.yml: clusters\\[medium\\]"):
        load_knowledge(data_copy, MESSAGES_FILE)


def test_a_missing_data_file_is_refused_naming_it(data_copy):
    # Issue 9: a renamed clusters.yml loaded as an empty list and failed later as an IndexError.
    (data_copy / "clusters.yml").rename(data_copy / "cluster.yml")
    with pytest.raises(KnowledgeError, match=r"clusters.yml: clusters: file missing"):
        load_knowledge(data_copy, MESSAGES_FILE)


def test_a_source_document_not_listed_is_refused(data_copy):
    # Issue 9: a cited document was never checked against sources.yml.
    path = data_copy / "sources.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  press_dossier:")], encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"sources.yml: sources: cited but not listed: \['press_dossier'\]"):
        load_knowledge(data_copy, MESSAGES_FILE)


@pytest.mark.parametrize(
    "old, new",
    [
        ('value: "0.30"', 'value: "0.35"'),  # the rate changes, the sentences still say 30 %
        ('value: "2024-05-12"', 'value: "2024-05-13"'),
    ],
)
def test_a_value_its_sentences_do_not_say_is_refused(data_copy, old, new):
    # Issue 9: "30 %" typed in the sentences next to value "0.30": a changed rate failed nothing.
    _break(data_copy / "parameters.yml", old, new)
    with pytest.raises(KnowledgeError, match=r"does not say its value"):
        load_knowledge(data_copy, MESSAGES_FILE)


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        (
            "cpas_2022.cofinancing_rate]",
            "cpas_2022.cofinancing]",
            r"counterparts\[\d+\]: no fact or cost item \['cpas_2022.cofinancing'\]",
        ),
        ("[ict_2008.coverage_rate, ", "[ict_2008.payment_delay, ict_2008.coverage_rate, ", "two facts of one call"),
        ("ict_2008.investment]", "ict_2008.investment, ict_2008.depreciation]", "two facts of one call"),
    ],
)
def test_counterparts_name_facts_one_per_call(data_copy, old, new, error):
    _break(data_copy / "counterparts.yml", old, new)
    with pytest.raises(KnowledgeError, match=error):
        load_knowledge(data_copy, MESSAGES_FILE)


def test_cost_items_have_counterparts_too(kb):
    """The 2023 decree's equipment is the 2008 manual's investment costs: "et l'achat lui-même ?" in 2008."""
    assert ("cpas_2023.equipment", "cpas_2022.equipment", "ict_2008.investment") in kb.counterparts
