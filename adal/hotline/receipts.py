"""The reporter's secret receipt: 16 digits from the OS's CSPRNG, kept only as a slow hash.

The hash is argon2id with a server-wide salt (the pepper), so that it can be looked up by value
while a stolen database gives an attacker 10^16 slow guesses per receipt and no shortcut.
"""

import re
import secrets

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings

RECEIPT_DIGITS = 16
_SEPARATORS = re.compile(r"[\s\-]")


def receipt_generate() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def receipt_normalise(raw: str) -> str | None:
    """The 16 digits of what a reporter typed (spaces and dashes allowed), or None."""
    digits = _SEPARATORS.sub("", raw or "")
    return digits if len(digits) == RECEIPT_DIGITS and digits.isascii() and digits.isdigit() else None


def receipt_format(receipt: str) -> str:
    return " ".join(receipt[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))


def receipt_hash(receipt: str) -> str:
    return hash_secret_raw(
        secret=receipt.encode(),
        salt=settings.ADAL_RECEIPT_PEPPER.encode(),
        time_cost=settings.ADAL_RECEIPT_HASH_TIME_COST,
        memory_cost=settings.ADAL_RECEIPT_HASH_MEMORY_KIB,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    ).hex()


def contains_receipt(text: str, receipt: str) -> bool:
    """Whether the text carries the receipt, however it is spaced or punctuated."""
    digits_only = re.sub(r"\D", "", text or "")
    return receipt in digits_only
