import datetime as dt

import pytest

from kinlink.core.identity import (
    InvalidIdentityNumber,
    cn_resident_id_check_char,
    parse_cn_resident_id,
)

VALID = "11010519491231002X"


def test_a_valid_resident_id_yields_birth_date_and_sex():
    parsed = parse_cn_resident_id(VALID)
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "F"


def test_lower_case_x_and_spaces_are_accepted():
    assert parse_cn_resident_id("110105 19491231 002x").number == VALID


def test_a_wrong_check_character_is_named():
    with pytest.raises(InvalidIdentityNumber, match="check character"):
        parse_cn_resident_id("110105194912310021")


def test_an_impossible_embedded_birth_date_is_named():
    first17 = "11010520150231002"  # 31 February
    with pytest.raises(InvalidIdentityNumber, match="birth date"):
        parse_cn_resident_id(first17 + cn_resident_id_check_char(first17))


def test_a_short_number_is_refused():
    with pytest.raises(InvalidIdentityNumber):
        parse_cn_resident_id("1101051949")


def test_check_character_generation_matches_validation():
    first17 = "51162320150302001"
    number = first17 + cn_resident_id_check_char(first17)
    assert parse_cn_resident_id(number).sex == "M"


def test_a_region_code_that_is_only_a_city_is_refused_with_a_message():
    first17 = "51019920150302001"
    with pytest.raises(InvalidIdentityNumber, match="region code"):
        parse_cn_resident_id(first17 + cn_resident_id_check_char(first17))
