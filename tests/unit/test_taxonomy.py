"""ISCO-08 ships whole, in four languages, and answers the questions intake and matching ask of it."""

import json

import pytest

from services.shared.reference import isco08
from services.shared.reference.isco08 import (
    ancestors,
    is_known,
    label,
    occupation,
    occupations,
    same_group_level,
    search,
)

TRANSLATED = ("sv", "fi", "nb")


def test_the_data_file_is_utf8_json_sorted_by_code_without_duplicates():
    rows = json.loads(isco08.DATA_FILE.read_bytes().decode("utf-8"))
    codes = [row["code"] for row in rows]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    assert all(set(row) == {"code", "level", "parent", "labels"} for row in rows)


@pytest.mark.parametrize("level, count", [(1, 10), (2, 43), (3, 130), (4, 436)])
def test_every_group_of_isco08_is_there_at_each_of_the_four_levels(level, count):
    groups = occupations(level)
    assert len(groups) == count
    assert all(len(group.code) == level for group in groups)


def test_armed_forces_are_major_group_zero():
    assert [group.code for group in occupations(1)] == [str(n) for n in range(10)]
    assert label("0") == "Armed forces occupations"


def test_every_group_hangs_under_its_code_minus_the_last_digit():
    for group in occupations():
        if group.level == 1:
            assert group.parent is None
        else:
            assert group.parent == group.code[:-1]
            assert is_known(group.parent), group.code


def test_every_group_above_the_unit_groups_has_groups_below_it():
    parents = {group.parent for group in occupations()}
    assert all(group.code in parents for group in occupations() if group.level < 4)


def test_every_group_has_a_label_in_english_swedish_finnish_and_norwegian():
    for group in occupations():
        for locale in ("en", *TRANSLATED):
            assert group.labels.get(locale, "").strip(), (group.code, locale)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_unit_groups_are_translated_not_copied_from_english(locale):
    units = occupations(4)
    translated = [u for u in units if u.labels[locale].casefold() != u.labels["en"].casefold()]
    assert len(translated) >= 0.9 * len(units)


@pytest.mark.parametrize("code, english", [
    ("2631", "Economists"),
    ("2611", "Lawyers"),
    ("2141", "Industrial and production engineers"),
    ("2142", "Civil engineers"),
    ("2144", "Mechanical engineers"),
    ("2149", "Engineering professionals not elsewhere classified"),
    ("2632", "Sociologists, anthropologists and related professionals"),
    ("2330", "Secondary education teachers"),
    ("2341", "Primary school teachers"),
    ("2411", "Accountants"),
    ("2422", "Policy administration professionals"),
    ("2423", "Personnel and careers professionals"),
    ("2512", "Software developers"),
    ("2432", "Public relations professionals"),
    ("2221", "Nursing professionals"),
])
def test_the_professions_the_programmes_name_are_unit_groups_with_their_ilo_titles(code, english):
    group = occupation(code)
    assert group is not None and group.level == 4
    assert label(code, "en") == english


def test_a_finnish_reader_sees_a_lawyer_in_finnish():
    assert label("2611", "fi") == "Lakimiehet"
    assert label("2611", "sv") == "Advokater och jurister"
    assert label("2611", "nb") == "Advokater og jurister"


def test_a_language_without_labels_falls_back_to_english():
    assert label("2611", "de") == "Lawyers"


def test_regional_and_generic_locale_tags_find_their_language():
    assert label("2611", "sv-FI") == label("2611", "sv")
    assert label("2611", "no") == label("2611", "nb")


def test_an_unknown_code_has_no_occupation_and_no_label():
    assert occupation("2610") is None
    assert not is_known("9999")
    assert not is_known("")
    with pytest.raises(KeyError):
        label("9999", "sv")


def test_a_unit_group_knows_the_groups_above_it_nearest_first():
    assert ancestors("2611") == ["261", "26", "2"]
    assert ancestors("261") == ["26", "2"]
    assert ancestors("2") == []


def test_a_swedish_search_for_jurist_finds_lawyers():
    codes = [group.code for group in search("jurist", "sv")]
    assert "2611" in codes


def test_search_ignores_case_and_lists_unit_groups_first():
    found = search("ENGINEERS", "en")
    assert {"2141", "2142", "2144"} <= {group.code for group in found}
    levels = [group.level for group in found]
    assert levels == sorted(levels, reverse=True)


def test_search_falls_back_to_english_labels_after_the_readers_language():
    found = search("software", "sv")
    assert "2512" in [group.code for group in found]
    swedish_first = search("utvecklare", "sv")
    assert swedish_first and all("utvecklare" in g.label("sv").casefold() for g in swedish_first)


def test_search_respects_the_limit_and_ignores_empty_text():
    assert len(search("e", "en", limit=5)) == 5
    assert search("   ", "sv") == []


@pytest.mark.parametrize("a, b, depth", [
    ("2611", "2611", 4),  # same unit group
    ("2611", "2612", 3),  # both legal professionals
    ("2611", "2632", 2),  # legal, social and cultural professionals
    ("2611", "2411", 1),  # professionals
    ("2611", "3411", 0),  # a lawyer and a legal associate professional share no group
    ("2611", "261", 3),   # a unit group lies in its own minor group
    ("2611", "9999", 0),  # unknown code
])
def test_two_codes_share_a_group_down_to_a_level(a, b, depth):
    assert same_group_level(a, b) == depth
    assert same_group_level(b, a) == depth
