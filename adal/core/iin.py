"""Kazakhstan's individual identification number (IIN): YYMMDD, a century/sex digit, four serial
digits and a check digit computed with the weights 1..11, or 3..11,1,2 when the first gives 10."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS_FIRST = tuple(range(1, 12))
WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# The 7th digit: odd is male, even is female; 1–2 born in the 1800s, 3–4 in the 1900s, 5–6 in the 2000s.
CENTURY_BY_DIGIT = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


@dataclass(frozen=True)
class IIN:
    value: str
    birth_date: dt.date
    sex: str  # "M" or "F"


def iin_check_digit(first11: str) -> int | None:
    digits = [int(c) for c in first11]
    for weights in (WEIGHTS_FIRST, WEIGHTS_SECOND):
        check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check != 10:
            return check
    return None  # such a number is never issued


def parse_iin(raw: str, *, today: dt.date | None = None) -> IIN:
    """Return the parsed IIN or raise ValidationError saying what is wrong with it."""
    value = "".join(str(raw).split())
    if len(value) != 12 or not value.isdigit():
        raise ValidationError(_("An IIN has exactly 12 digits."), code="iin_format")
    century_digit = int(value[6])
    if century_digit not in CENTURY_BY_DIGIT:
        raise ValidationError(
            _("The 7th digit of an IIN gives the century of birth and sex and must be 1 to 6."),
            code="iin_century",
        )
    year = CENTURY_BY_DIGIT[century_digit] + int(value[:2])
    try:
        birth_date = dt.date(year, int(value[2:4]), int(value[4:6]))
    except ValueError as e:
        raise ValidationError(
            _("The first six digits of an IIN must be a real date of birth (YYMMDD)."), code="iin_date"
        ) from e
    if birth_date > (today or dt.date.today()):
        raise ValidationError(_("The date of birth in this IIN is in the future."), code="iin_future")
    if iin_check_digit(value[:11]) != int(value[11]):
        raise ValidationError(
            _("This IIN's check digit is wrong: please check the number for a typo."), code="iin_checksum"
        )
    return IIN(value=value, birth_date=birth_date, sex="M" if century_digit % 2 else "F")


def validate_iin(raw: str) -> None:
    parse_iin(raw)
