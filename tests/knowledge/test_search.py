"""Beneficiaries are found in what people type: accents, case, small typos and longer phrasings."""

from knowledge.search import find_beneficiaries


def _ids(kb, text):
    return [m.beneficiary.id for m in find_beneficiaries(kb, text)]


def test_a_name_is_found_in_french_dutch_with_a_typo_and_inside_a_long_sentence(kb):
    assert _ids(kb, "OCMW Gent") == _ids(kb, "CPAS de Gand") == _ids(kb, "gnet") == ["gent"]
    assert _ids(kb, "combien a reçu le CPAS de Tournai dans l'arrêté royal du 8 décembre 2023 ?") == ["tournai"]


def test_a_short_commune_name_needs_its_cpas_around_it(kb):
    assert _ids(kb, "un projet sur 3 ans") == []
    assert _ids(kb, "le CPAS d'Ans") == ["ans"]
    assert set(_ids(kb, "Lessines a reçu plus qu'Ans ?")) == {"lessines", "ans"}


def test_a_commune_that_is_no_beneficiary_is_not_matched_to_another(kb):
    assert _ids(kb, "OCMW Hasselt") == []


def test_a_common_word_is_no_typo_of_a_name(kb):
    assert find_beneficiaries(kb, "als ik alle bedragen in de bijlage optel") == []
    assert [m.beneficiary.id for m in find_beneficiaries(kb, "OCMW Hale")] == ["halle"]
    # Nor inside a name of several words: "numérique pour nos …" is not the project "Numérique pour tous".
    assert _ids(kb, "un projet d'inclusion numérique pour nos bénéficiaires âgés") == []
    assert _ids(kb, "le projet Numerique pour tou") == ["jemeppe_sur_sambre"]
