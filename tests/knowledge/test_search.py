"""Beneficiaries are found in what people type: accents, case, small typos and longer phrasings."""

import pytest

from knowledge.search import find_beneficiaries, project_doing


def _ids(kb, text):
    return [m.beneficiary.id for m in find_beneficiaries(kb, text)]


def test_a_name_is_found_in_french_dutch_with_a_typo_and_inside_a_long_sentence(kb):
    assert _ids(kb, "OCMW Gent") == _ids(kb, "CPAS de Gand") == _ids(kb, "gnet") == ["gent"]
    assert _ids(kb, "combien a reçu le CPAS de Tournai dans l'arrêté royal du 8 décembre 2023 ?") == ["tournai"]


def test_a_short_commune_name_needs_its_cpas_around_it(kb):
    assert _ids(kb, "un projet sur 3 ans") == []
    assert _ids(kb, "le CPAS d'Ans") == ["ans"]
    assert set(_ids(kb, "Lessines a reçu plus qu'Ans ?")) == {"lessines", "ans"}
    assert set(_ids(kb, "Entre Ans et Flémalle, qui a le plus gros subside ?")) == {"ans", "flemalle"}
    assert _ids(kb, "entre 1 et 3 ans") == []


def test_a_commune_that_is_no_beneficiary_is_not_matched_to_another(kb):
    assert _ids(kb, "OCMW Hasselt") == []


def test_a_common_word_is_no_typo_of_a_name(kb):
    assert find_beneficiaries(kb, "als ik alle bedragen in de bijlage optel") == []
    assert find_beneficiaries(kb, "on peut avoir touché au grand maximum combien ?") == []
    assert [m.beneficiary.id for m in find_beneficiaries(kb, "OCMW Hale")] == ["halle"]
    # Nor inside a name of several words: "numérique pour nos …" is not the project "Numérique pour tous".
    assert _ids(kb, "un projet d'inclusion numérique pour nos bénéficiaires âgés") == []
    assert _ids(kb, "le projet Numerique pour tou") == ["jemeppe_sur_sambre"]


@pytest.mark.parametrize(
    ("text", "project"),
    [
        ("y a un CPAS qui fait des visites a domicile avec un velo cargo, c'est lequel ?", "Digiplek OCMW"),
        ("welk OCMW werkt met een bakfiets?", "Digiplek OCMW"),
        ("quel projet forme des mamans d'enfants en primaire ?", "Femmes connectées"),
        ("quel cpas a un projet sur le phishing ?", "Projet POINT.com"),
    ],
)
def test_a_project_is_found_by_what_only_its_description_says(kb, text, project):
    assert project_doing(kb, text).project == project


@pytest.mark.parametrize(
    "text",
    [
        "Quels CPAS ont été retenus dans l'appel CPAS 2024 et pour quels montants ?",
        "quel CPAS fait de la formation au numérique ?",
        "welke documenten moeten bij de schuldvordering?",
    ],
)
def test_words_many_projects_or_the_rules_use_name_no_project(kb, text):
    assert project_doing(kb, text) is None


def test_a_greeting_is_no_typo_of_a_name(kb):
    assert _ids(kb, "Hallo, ik werk bij OCMW Antwerpen.") == []
