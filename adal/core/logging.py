import logging
import re

# An IPv4 or IPv6 address, and any run of 16 digits (a receipt, grouped or not).
_HEX = r"[0-9a-fA-F]{1,4}"
_PATTERNS = [
    re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"),
    # IPv6: the full eight groups, or a compressed form with "::" (a time such as 12:30:45 is neither).
    re.compile(rf"\b(?:{_HEX}:){{7}}{_HEX}\b"),
    re.compile(rf"(?<![\w:])(?:{_HEX}(?::{_HEX})*)?::(?:{_HEX}(?::{_HEX})*)?(?![\w:])"),
    re.compile(r"\b(?:\d[\s-]?){15}\d\b"),
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub("[redacted]", text)
    return text


class RedactFilter(logging.Filter):
    """Logs must not identify a reporter: addresses and receipts are struck out of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True
