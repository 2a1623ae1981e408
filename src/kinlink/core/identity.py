"""National identity numbers: validation and what they say about the holder.

Chinese resident identity numbers (18 characters, GB 11643-1999) are checked with
python-stdnum, which verifies the ISO 7064 MOD 11-2 check character and the embedded birth date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError


class InvalidIdentityNumber(ValueError):
    """The number is malformed; the message says why in words a user can read."""


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F", from the parity of the 17th character


def parse_cn_resident_id(raw: str) -> ResidentId:
    """Validate an 18-character resident ID number and read its birth date and sex."""
    from django.utils.translation import gettext as _

    number = "".join((raw or "").split()).replace("-", "").upper()
    if len(number) != 18 or not number[:17].isdigit():
        raise InvalidIdentityNumber(_("A resident ID number has 17 digits and a check character."))
    if number[17] != ric.calc_check_digit(number):
        raise InvalidIdentityNumber(
            _("The check character of this ID number is wrong; please re-check each digit.")
        )
    try:
        birth_date = ric.get_birth_date(number)
    except StdnumError as exc:
        raise InvalidIdentityNumber(
            _("The birth date inside this ID number is not a real date.")
        ) from exc
    try:
        ric.get_birth_place(number)
    # stdnum raises KeyError for a code that names only a city in its table.
    except (StdnumError, KeyError) as exc:
        raise InvalidIdentityNumber(
            _("The first six digits of this ID number are not a known region code.")
        ) from exc
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number=number, birth_date=birth_date, sex=sex)


def cn_resident_id_check_char(first17: str) -> str:
    """The check character for 17 digits; used by the synthetic data generator."""
    return ric.calc_check_digit(first17 + "0")
