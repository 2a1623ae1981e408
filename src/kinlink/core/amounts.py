"""Amounts of money in words: written in the reader's language when shown, never when stored.

A message kept for later (an alert's evidence in a screening) holds an amount as
`stored(amount, currency)`, a JSON-safe {"amount", "currency"} pair; `shown` turns such a value
into the reader's text when the message is filled in, so a screening made by a job in English is
read with Chinese separators by a Chinese reader, and the job spends no time formatting numbers
nobody may read.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

_KEYS = frozenset({"amount", "currency"})


def money(amount: Decimal, currency: str) -> str:
    """The amount with two decimals and grouped digits in the reader's language, and its
    currency code."""
    value = formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
    return _("%(amount)s %(currency)s") % {"amount": value, "currency": currency}


def stored(amount: Decimal, currency: str) -> dict[str, str]:
    """An amount as a message parameter that keeps: the exact decimal as text, and the code."""
    return {"amount": str(amount), "currency": currency}


def shown(value: Any) -> Any:
    """A message parameter as the reader should see it: a stored amount in words, anything else
    as it is."""
    if isinstance(value, Mapping) and value.keys() == _KEYS:
        return money(Decimal(value["amount"]), value["currency"])
    return value
