"""The shared name knowledge (scholarly/names.py) and its use by both name readers."""

from __future__ import annotations

import pytest

from csto_reader.model import Reference, Span
from csto_reader.scholarly import citations, names
from csto_reader.scholarly.citations import scan_citations
from csto_reader.scholarly.references import (
    first_family,
    parse_given_first,
    parse_names_chicago,
)

AD = "author-date"


# ------------------------------------------------------------------ the word lists


def test_particles_hold_both_former_lists():
    # citations.py once lacked "y" and "e"; references.py had them
    for word in "de del della der den di du da das dos van von la le ten ter bin al y e".split():
        assert word in names.PARTICLES


def test_connectors_hold_both_former_lists():
    for word in "of on for the and in at to de des du".split():
        assert word in names.CONNECTORS


def test_a_particle_never_makes_a_citation_corporate():
    assert names.CORPORATE_CONNECTORS == names.CONNECTORS - names.PARTICLES
    assert "de" not in names.CORPORATE_CONNECTORS and "du" not in names.CORPORATE_CONNECTORS
    assert {"of", "des"} <= names.CORPORATE_CONNECTORS


def test_months_are_not_in_not_names():
    # "March & Olsen, 1984": a month may be a family name
    assert not set(names.MONTHS) & names.NOT_NAMES
    assert "The" in names.NOT_NAMES and "However" in names.NOT_NAMES


# ------------------------------------------------------------------ word rules


@pytest.mark.parametrize("word", ["Roy", "O'Neill", "Post-Soviet", "McFaul", "Šćepanović"])
def test_name_words(word):
    assert names.is_name_word(word)


@pytest.mark.parametrize("word", ["roy", "1957", "_Roy", "dos", "-Roy"])
def test_not_name_words(word):
    assert not names.is_name_word(word)


@pytest.mark.parametrize("word", ["W.", "J.-P.", "R.R.", "Sh.", "Yu."])
def test_initials(word):
    assert names.is_initials(word)


@pytest.mark.parametrize("word", ["W", "w.", "Smith.", "J.P"])
def test_not_initials(word):
    assert not names.is_initials(word)


def test_all_caps():
    assert names.is_all_caps("UNN") and names.is_all_caps("OSCE")
    assert not names.is_all_caps("Un") and not names.is_all_caps("U")


@pytest.mark.parametrize(
    ("words", "start"),
    [
        (["Jorge", "dos", "Santos"], 1),
        (["Jan", "van", "der", "Berg"], 1),
        (["Karl", "Deutsch"], 1),
        (["Deutsch"], 0),
        (["van", "Berg"], 0),  # a name is never all particles
    ],
)
def test_family_start(words, start):
    assert names.family_start(words) == start


def test_folding():
    assert names.ascii_fold("Šćepanović") == "Scepanovic"
    assert names.fold("Perrewé-Smith") == "perrewesmith"
    assert names.fold_family("dos Santos") == "santos"
    assert names.fold_family("Dos Santos") == "santos"
    assert names.fold_family("van") == "van"


# ------------------------------------------------------------------ corporate names


@pytest.mark.parametrize(
    ("name", "abbreviation", "stem"),
    [
        ("UN News", "UNN", "unnews"),
        ("Collective Security Treaty Organization", "CSTO", "csto"),
        ("Commission on Global Governance", "CGG", "cgg"),
        ("Sipri", "S", "sipri"),
        # the two rules differ on an all-capitals word (see names.py)
        ("OECD Economics Department", "OECDED", "oed"),
        # both skip the same stopwords ("at" was missing from one, "du" from the other)
        ("Centre du Commerce at Geneva", "CCG", "ccg"),
    ],
)
def test_corporate_shortenings(name, abbreviation, stem):
    assert names.abbreviation(name) == abbreviation
    assert names.key_stem(name) == stem


def test_citations_match_an_abbreviation_by_the_shared_rule():
    assert citations.initials is names.abbreviation


# ------------------------------------------------------------------ both readers agree


def test_citations_read_a_particle_as_part_of_a_person():
    (cit,) = scan_citations("As Jorge de Souza (2019) argues.", AD)
    (item,) = cit.items
    assert item.names == ("de Souza",)
    assert not item.corporate


def test_citations_read_a_french_connector_as_corporate():
    (cit,) = scan_citations("(Institut des Relations Internationales, 2020)", AD)
    (item,) = cit.items
    assert item.names == ("Institut des Relations Internationales",)
    assert item.corporate


def test_citations_and_references_find_the_same_family_name():
    (cit,) = scan_citations("as José Ortega y Gasset (1930) wrote", AD)
    assert cit.items[0].names == ("y Gasset",)
    assert parse_given_first("José Ortega y Gasset") == ["y Gasset, José Ortega"]
    assert parse_given_first("Jorge dos Santos and Li Wei") == ["dos Santos, Jorge", "Wei, Li"]


def test_references_accept_the_same_corporate_names():
    assert parse_names_chicago("Institut des Relations Internationales") == (
        ["{Institut des Relations Internationales}"],
        False,
    )


def test_reference_keys_use_the_shared_stem():
    ref = Reference(
        "misc",
        {"author": "{Commission on Global Governance}", "year": "1995"},
        "x",
        Span("x", 1),
    )
    assert first_family(ref) == "cgg"
