"""The hotline's border with the app that handles its reports.

The hotline takes reports and reporters' messages in, and shows each reporter how their report is
getting on. Handling a report (its case, the case's clocks, the answer, an appeal) is the cases app's
work, and the cases app sits above the hotline: a case points at its report. So the hotline never
imports it. The cases app plugs its side in here when it starts (``CasesConfig.ready``), and the
hotline's services, pages and API call it through ``handler()``, in their own transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class ReportHandler:
    open_case: Callable  # (*, report): inside report_submit's transaction, so no report is without its case
    # (*, report, protects): a retaliation report's protection case, inside its own transaction; raises
    # adal.core.permissions.Refused when it may not be opened (nothing is then saved)
    open_protection_case: Callable
    message_received: Callable  # (*, report): a message from the reporter, inside its transaction
    # (report): what the reporter's inbox and the status API show, with a .case and the .protections
    # (retaliation reports followed in this inbox, each with its .report and .case)
    inbox: Callable
    appeal: Callable  # (*, case, reason): raises adal.core.permissions.Refused when it may not be
    rate: Callable  # (*, case, rating): likewise
    # (*, report, change): the reporter made their identity open ("opened") or withdrew it ("withdrawn"),
    # inside that change's transaction
    identity_changed: Callable
    # (*, report, kind): the reporter corrected ("transcript_corrected") or confirmed ("transcript_confirmed")
    # the transcript of their call or visit, inside that change's transaction
    transcript_checked: Callable
    answer_due: Callable  # (*, channel, received_at): when the answer to a report so received is due


_handler: ReportHandler | None = None


def connect(handler: ReportHandler) -> None:
    global _handler
    _handler = handler


def handler() -> ReportHandler:
    if _handler is None:
        raise ImproperlyConfigured("Nothing handles the hotline's reports: adal.cases is not installed.")
    return _handler
