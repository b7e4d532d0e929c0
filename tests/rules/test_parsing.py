"""Numbers are read the way CPAS staff type them."""

from decimal import Decimal

import pytest

from rules.parsing import numbers_for, parse_number, parse_numbers, read_quantities


@pytest.mark.parametrize(
    "text, expected",
    [
        ("42.000", "42000"),
        ("42 000 habitants", "42000"),
        ("42\u202f000", "42000"),
        ("42k", "42000"),
        ("42K inwoners", "42000"),
        ("€ 235.022,50", "235022.50"),
        ("235 022,50 €", "235022.50"),
        ("235022.5", "235022.5"),
        ("235022,50", "235022.50"),
        ("1,2 million", "1200000"),
        ("1,5 miljoen", "1500000"),
        ("60k€", "60000"),
        ("120.000€", "120000"),
        ("42 mille", "42000"),
        ("1.234.567", "1234567"),
        ("12,5", "12.5"),
        ("-5000", "-5000"),
        ("septante", "70"),
        ("", None),
    ],
)
def test_one_number(text, expected):
    assert parse_number(text) == (Decimal(expected) if expected else None)


def test_every_number_in_a_sentence_in_order():
    assert parse_numbers("on a reçu 36 000 euros et 12.500,25") == [Decimal("36000"), Decimal("12500.25")]


def test_a_year_range_is_two_years_not_a_negative_number():
    assert parse_numbers("2023-2024") == [Decimal("2023"), Decimal("2024")]


@pytest.mark.parametrize(
    "text, value, role",
    [
        ("+/- 33.000 hab", "33000", "inhabitants"),
        ("33 000 hab", "33000", "inhabitants"),
        ("septante-cinq mille habitants", "75000", "inhabitants"),
        ("quatre-vingt-dix mille inwoners", "90000", "inhabitants"),
        ("deux cent mille habitants", "200000", "inhabitants"),
        ("après les 6 premiers mois", "6", "months"),
        ("na de eerste 6 maanden", "6", "months"),
        ("faut-il 3 devis ?", "3", "quotes"),
        ("3 offertes", "3", "quotes"),
        ("il fallait demander 3 offres de prix ?", "3", "quotes"),
        ("on a 2 projets", "2", "projects"),
        ("art. 7 §2", "7", "article"),
        ("subside de 235.022,50 EUR", "235022.50", "eur"),
        ("€ 98.500", "98500", "eur"),
        ("60k€", "60000", "eur"),
        ("30 %", "30", "percent"),
        ("pour 3 ans", "3", "years"),
        ("appel 2023", "2023", "year"),
        ("die subsidies van 2008 vielen onder de-minimis", "2008", "year"),
        ("les subsides de 2022", "2022", "year"),
        ("un subside de 2 008 euros", "2008", "eur"),
        ("33k", "33000", None),
        ("on a utilisé septante pour cent de l'avance", "70", "percent"),
        ("onze mille habitants", "11000", "inhabitants"),
    ],
)
def test_each_number_is_read_with_its_role(text, value, role):
    first = read_quantities(text)[0]
    assert (first.value, first.role) == (Decimal(value), role)


@pytest.mark.parametrize(
    "text",
    [
        "wanneer wordt onze 2de schuldvordering gestort?",
        "is onze subsidie al betaald?",
        "+/- septante pour cent seulement",
    ],
)
def test_dutch_onze_and_the_cent_of_pour_cent_are_no_numbers(text):
    # "onze" is Dutch for "our", not eleven; "pour cent" is a percent sign, not a hundred.
    assert all(q.value not in (Decimal(11), Decimal(100)) for q in read_quantities(text))


@pytest.mark.parametrize(
    "text", ["+ ou - 60.000 €", "plus ou moins 60.000 €", "+ of - 60.000 euro", "min of meer 60.000 euro"]
)
def test_every_way_of_saying_about_reads_an_approximate_positive_amount(text):
    (q,) = read_quantities(text)
    assert (q.value, q.role, q.approximate) == (Decimal(60000), "eur", True)


def test_plus_minus_before_a_number_means_about_not_negative():
    (q,) = read_quantities("+/- 33.000 inwoners")
    assert q.value == Decimal("33000") and q.approximate


def test_a_year_then_a_population_are_two_numbers():
    assert [(q.value, q.role) for q in read_quantities("appel 2023, 42 000 habitants")] == [
        (Decimal("2023"), "year"),
        (Decimal("42000"), "inhabitants"),
    ]


def test_a_slot_takes_only_a_number_of_its_role_or_one_said_without_role():
    assert numbers_for("après les 6 premiers mois, on a 42 000 habitants", "inhabitants") == [Decimal("42000")]
    assert numbers_for("après les 6 premiers mois", "inhabitants") == []
    assert numbers_for("subside 200.000, on a reçu 60.000 €", "eur") == [Decimal("200000"), Decimal("60000")]
    assert numbers_for("subsidie van 25.000, 15 %", "inhabitants") == []
    assert numbers_for("42 000 habitants, subside 120.000 €", "inhabitants") == [Decimal("42000")]
    assert numbers_for("subside 200.000", "eur") == [Decimal("200000")]


def test_dates_are_read_in_french_dutch_and_digits():
    from datetime import date

    from rules.parsing import parse_dates

    assert parse_dates("au plus tard le 12 mai 2024, puis le 1er novembre 2023") == [
        date(2024, 5, 12),
        date(2023, 11, 1),
    ]
    assert parse_dates("uiterlijk 10 november 2024 of 15.08.2022") == [date(2024, 11, 10), date(2022, 8, 15)]
    assert parse_dates("le 31/02/2024 n'existe pas") == []


def test_a_day_said_without_its_year_is_read_in_the_year_given():
    from datetime import date

    from rules.parsing import parse_dates

    said = "notre déclaration n'est partie que le 21 mai, et l'autre le 3 juin 2025"
    assert parse_dates(said) == [date(2025, 6, 3)]
    assert parse_dates(said, year=2024) == [date(2024, 5, 21), date(2025, 6, 3)]


@pytest.mark.parametrize(
    "text, value",
    [
        ("honderdvijftigduizend euro", "150000"),
        ("tweeëntwintigduizend vijfhonderd euro", "22500"),
        ("eenentwintigduizend inwoners", "21000"),
        ("vierhonderdduizend", "400000"),
    ],
)
def test_dutch_number_words_are_read(text, value):
    assert read_quantities(text)[0].value == Decimal(value)


def test_the_day_and_month_of_a_date_are_not_amounts():
    assert {q.role for q in read_quantities("in het KB van 8 december 2023")} == {"date"}
    assert {q.role for q in read_quantities("arrêté du 8/12/2023")} == {"date"}


@pytest.mark.parametrize(
    "text, amount",
    [
        ("subside de nonante-deux mille cinq cent cinquante-huit euros onze", "92558.11"),
        ("cent septante-huit mille sept cent trente-sept euros septante-quatre, ça donne combien ?", "178737.74"),
    ],
)
def test_cents_said_after_the_currency_belong_to_the_amount(text, amount):
    # "… euros onze" was read as a second amount of 11 €, and then as money already received.
    assert [(q.value, q.role) for q in read_quantities(text)] == [(Decimal(amount), "eur")]


@pytest.mark.parametrize(
    "text, amount",
    [("120 000 euros 2 fois", "120000"), ("subside de 50000 euros, 3 devis", "50000"), ("50000 euros 6 mois", "50000")],
)
def test_a_count_after_an_amount_is_not_its_cents(text, amount):
    assert read_quantities(text)[0].value == Decimal(amount)


def test_a_day_or_a_month_of_spending_is_read_as_a_span_of_days():
    from datetime import date

    from rules.parsing import parse_spans

    assert parse_spans("une facture du 15/11/2024, et une formation en décembre 2024 ?") == [
        (date(2024, 11, 15), date(2024, 11, 15)),
        (date(2024, 12, 1), date(2024, 12, 31)),
    ]
    assert parse_spans("laptops gekocht op 3 november 2024") == [(date(2024, 11, 3), date(2024, 11, 3))]
    assert parse_spans("salaire de février 2024, facture du 31/02/2024") == [(date(2024, 2, 1), date(2024, 2, 29))]


@pytest.mark.parametrize(
    ("text", "population"),
    [
        ("on a 42 000 habitants", Decimal("42000")),
        ("un CPAS de moins de 10 000 habitants peut postuler ?", Decimal("9999")),
        ("en kleinere OCMW's onder de 10.000 inwoners, kunnen die meedoen?", Decimal("9999")),
        ("plus de 150 000 habitants, quel cluster ?", Decimal("150001")),
        ("wij zitten net boven de 50.000 inwoners, 50.800 om precies te zijn", Decimal("50800")),
        ("subside de 100.000 €", None),
    ],
)
def test_a_population_is_read_with_the_bound_or_precision_said_around_it(text, population):
    from rules.parsing import population_said

    assert population_said(text) == population


def test_an_amount_after_a_month_is_no_date():
    from rules.parsing import read_quantities

    assert [(q.value, q.role) for q in read_quantities("tegen eind april 50.000 euro uitgegeven")] == [
        (Decimal("50000"), "eur")
    ]
    assert [q.role for q in read_quantities("en avril 2024, le 12 mai")] == ["date", "date"]
