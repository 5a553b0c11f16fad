import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from adal.core.iin import iin_check_digit, parse_iin


def with_check(first11: str) -> str:
    return first11 + str(iin_check_digit(first11))


def test_it_reads_birth_date_and_sex():
    iin = parse_iin(with_check("90021545012"))
    assert iin.birth_date == dt.date(1990, 2, 15)
    assert iin.sex == "F"


def test_century_digit_gives_the_century():
    assert parse_iin(with_check("05031350001")).birth_date == dt.date(2005, 3, 13)
    assert parse_iin(with_check("05031310001")).birth_date == dt.date(1805, 3, 13)
    assert parse_iin(with_check("05031350001")).sex == "M"


def test_the_second_weight_sequence_is_used_when_the_first_gives_ten():
    # Found by search: a number whose first-weights sum is 10 mod 11 but whose second is not.
    first11 = next(
        f"{n:011d}"
        for n in range(85061235000, 85061236000)
        if sum(int(c) * w for c, w in zip(f"{n:011d}", range(1, 12), strict=True)) % 11 == 10
        and iin_check_digit(f"{n:011d}") is not None
    )
    second = sum(int(c) * w for c, w in zip(first11, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)) % 11
    assert iin_check_digit(first11) == second
    assert parse_iin(first11 + str(second)).value == first11 + str(second)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345", "iin_format"),
        ("85061235045a", "iin_format"),
        ("850612750456", "iin_century"),
        ("851312350456", "iin_date"),
        ("850230350456", "iin_date"),
        ("850612350457", "iin_checksum"),
    ],
)
def test_it_rejects_bad_numbers_with_a_reason(value, code):
    with pytest.raises(ValidationError) as e:
        parse_iin(value)
    assert e.value.code == code


def test_a_birth_date_in_the_future_is_refused():
    with pytest.raises(ValidationError) as e:
        parse_iin(with_check("30010150001"), today=dt.date(2026, 11, 25))
    assert e.value.code == "iin_future"


def test_spaces_are_ignored():
    assert parse_iin("8506 1235 0456").value == "850612350456"


def test_the_error_speaks_the_users_language():
    with translation.override("ru"), pytest.raises(ValidationError) as e:
        parse_iin("12345")
    assert "12" in e.value.messages[0]
    assert e.value.messages[0] != "An IIN has exactly 12 digits."  # translated by adal/locale
