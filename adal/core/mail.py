"""E-mail, sent by the worker once the change that causes it has committed.

A queued task is a database row, and the worker logs what it runs, so a task carries ids only: the app
whose news it is registers a *builder* for each kind of e-mail (``register("case.reporter", fn)`` in its
``AppConfig.ready``), and the worker calls it when it sends. The builder reads the recipients, the
subject and the text from the database then (decrypting what is encrypted there) and writes them in the
recipient's language. No address or text waits in the queue, and none is written to the log.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.core.mail import send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.tasks import task

logger = logging.getLogger("adal.mail")


@dataclass(frozen=True)
class Email:
    to: list[str]
    subject: str
    body: str


# builder(**ids) -> Email, or None when there is nothing to send any more (the address or the case is gone)
Builder = Callable[..., Email | None]
_builders: dict[str, Builder] = {}


def register(kind: str, builder: Builder) -> None:
    _builders[kind] = builder


def send_on_commit(kind: str, **ids: int | str | list[int]) -> None:
    """Queue the e-mail ``kind`` for when the current transaction commits. Queuing runs after COMMIT, so
    its failure is logged and neither undoes the change nor fails the request."""
    if kind not in _builders:
        raise KeyError(f"no e-mail builder registered for {kind!r}")  # in the service, not in the worker
    transaction.on_commit(partial(send_email.enqueue, kind=kind, ids=ids), robust=True)


class EmailNotSent(Exception):
    """The mail server refused the e-mail or could not be reached. Only the error's type is kept: a
    server's message often quotes the address, and the failed task's row and the worker's log outlive
    the e-mail."""


@task
def send_email(*, kind: str, ids: dict) -> int:
    email = _builders[kind](**ids)
    if email is None or not email.to:
        return 0
    try:
        sent = send_mail(email.subject, email.body, None, email.to)
    except Exception as e:
        raise EmailNotSent(f"{type(e).__module__}.{type(e).__qualname__}") from None
    logger.info(
        "E-mail %s handed to the mail backend (%s).",
        kind,
        ", ".join(f"{k}={v}" for k, v in sorted(ids.items())),
    )
    return sent


class WithheldBackend(BaseEmailBackend):
    """The mailer of the demo and of a server with no ``EMAIL_BACKEND``: it delivers nothing and logs
    only that an e-mail was due. Django's console backend prints the address and the text, and the log
    must never hold a reporter's."""

    def send_messages(self, email_messages) -> int:
        messages = list(email_messages)
        for message in messages:
            logger.info(
                "An e-mail to %d recipient(s) was not delivered: no EMAIL_BACKEND is set. "
                "Its address, subject and text are not logged.",
                len(message.recipients()),
            )
        return len(messages)
