"""Currencies and conversion to the home currency with stored rates (never the network).

A rate applies from its date until the next one: an amount is converted with the latest rate
on or before the day it was received. No such rate is an error that says what to add, never a
silent zero or a guess.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")

# ISO 4217 codes of circulating currencies (precious metals, funds and test codes left out:
# nobody sends a family gold by transfer). HRK and SLL are kept for old records.
_CODES = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN "
    "BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR "
    "FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD "
    "JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK "
    "MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN "
    "PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL "
    "THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG "
    "XOF XPF YER ZAR ZMW ZWG ZWL "
)
ISO_4217 = frozenset(_CODES.split())


class NoExchangeRate(LookupError):
    """No stored rate converts this currency on this day."""

    def __init__(self, currency: str, on: dt.date, home: str) -> None:
        self.currency, self.on, self.home = currency, on, home
        super().__init__(
            _(
                "No exchange rate from %(currency)s to %(home)s on or before %(date)s: "
                "add one under Exchange rates."
            )
            % {"currency": currency, "home": home, "date": on.isoformat()}
        )


def is_currency(code: str) -> bool:
    return code in ISO_4217


class RateTable:
    """Stored rates for one home currency, looked up by (currency, day) without the database."""

    def __init__(self, home: str, rates: Iterable[tuple[str, dt.date, Decimal]] = ()) -> None:
        self.home = home
        by_currency: dict[str, list[tuple[dt.date, Decimal]]] = {}
        for currency, on, rate in rates:
            by_currency.setdefault(currency, []).append((on, Decimal(rate)))
        self._days: dict[str, list[dt.date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for currency, pairs in by_currency.items():
            pairs.sort()
            self._days[currency] = [d for d, _r in pairs]
            self._rates[currency] = [r for _d, r in pairs]

    def rate(self, currency: str, on: dt.date) -> Decimal:
        """Home-currency units for one unit of `currency` on `on`; NoExchangeRate if none."""
        if currency == self.home:
            return Decimal(1)
        days = self._days.get(currency, [])
        index = bisect.bisect_right(days, on) - 1
        if index < 0:
            raise NoExchangeRate(currency, on, self.home)
        return self._rates[currency][index]

    def convert(self, amount: Decimal, currency: str, on: dt.date) -> Decimal:
        """The amount in the home currency, to the cent."""
        return (Decimal(amount) * self.rate(currency, on)).quantize(CENT, ROUND_HALF_UP)
