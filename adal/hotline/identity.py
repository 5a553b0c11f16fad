"""The reporter's identity envelope: sealing it, and the few reads the system itself makes.

Staff never read an identity here: the cases app's ``identity_for`` decides whether a person may see it
(open reports to their handling unit; confidential ones only through an approved disclosure request) and
audits the reads. What this module opens for the system (the address to send a reporter's mail to) is
used by the code and never put on a page.
"""

import json

from django.utils import timezone

from adal.core import crypto
from adal.hotline.models import Report, ReporterIdentity

IDENTITY_FIELDS = ("name", "iin", "phone", "email")


def _aad(report_id: int) -> bytes:
    # Binds the sealed identity to its report: an envelope copied to another report's row does not open.
    return f"adal.hotline.ReporterIdentity:{report_id}".encode()


def envelope_make(report_id: int, identity: dict) -> tuple[bytes, bytes]:
    """A fresh data key and the identity sealed under it (also used by the migration that moved the
    identities out of the reports)."""
    key = crypto.data_key_new()
    plaintext = json.dumps(
        {k: identity.get(k) or "" for k in IDENTITY_FIELDS}, ensure_ascii=False, sort_keys=True
    ).encode()
    return key, crypto.envelope_seal(key, plaintext, aad=_aad(report_id))


def envelope_read(report_id: int, data_key: bytes, sealed: bytes) -> dict:
    return json.loads(crypto.envelope_open(data_key, sealed, aad=_aad(report_id)))


def identity_seal(*, report: Report, identity: dict) -> ReporterIdentity:
    """Seal the identity in a fresh envelope for the report; inside the caller's transaction."""
    key, sealed = envelope_make(report.pk, identity)
    return ReporterIdentity.objects.create(
        report=report, data_key=key, sealed=sealed, sealed_at=timezone.now()
    )


def identity_open(report: Report) -> dict | None:
    """The identity in clear, or None (anonymous, or withdrawn). Callers decide who may see it."""
    row = ReporterIdentity.objects.filter(report_id=report.pk).first()
    if row is None:
        return None
    return envelope_read(report.pk, row.data_key, row.sealed)


def identity_exists(report: Report) -> bool:
    return ReporterIdentity.objects.filter(report_id=report.pk).exists()


def reporter_address_for_mail(report: Report) -> str:
    """The system's read, for sending the reporter our messages by e-mail (they gave the address for
    that): never shown to anyone, never logged or queued."""
    return ((identity_open(report) or {}).get("email") or "").strip()
