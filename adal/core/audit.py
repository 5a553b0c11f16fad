"""The hash-chained audit log: append inside the caller's transaction, verify from the start."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from adal.core.models import AuditEvent, AuditHead, User

GENESIS = "0" * 64


def _digest(
    *, prev_hash: str, seq: int, at, actor_id, actor_label, action, target_type, target_id, data
) -> str:
    canonical = json.dumps(
        # In UTC: the database hands back UTC whatever zone the time was written in.
        [
            prev_hash,
            seq,
            at.astimezone(dt.UTC).isoformat(),
            actor_id,
            actor_label,
            action,
            target_type,
            target_id,
            data,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def actor_label_for(actor: User | None, fallback: str) -> str:
    return actor.get_username() if actor is not None else fallback


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    actor_label: str = "system",
    target=None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one entry. Must run inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    fields = {
        "seq": head.seq + 1,
        "at": timezone.now(),
        "actor_id": actor.pk if actor else None,
        "actor_label": actor_label_for(actor, actor_label),
        "action": action,
        "target_type": target._meta.label if target is not None else "",
        "target_id": str(target.pk) if target is not None else "",
        "data": json.loads(json.dumps(data or {}, default=str)),
    }
    digest = _digest(prev_hash=head.hash, **fields)
    event = AuditEvent.objects.create(prev_hash=head.hash, hash=digest, **fields)
    AuditHead.objects.filter(pk=1).update(seq=fields["seq"], hash=digest)
    return event


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify() -> ChainReport:
    """Walk the chain in order; report the first entry whose link does not hold."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    with transaction.atomic():
        head = AuditHead.objects.filter(pk=1).first()
        for e in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
            if e.seq != expected_seq:
                return ChainReport(checked, expected_seq, f"entry #{expected_seq} is missing")
            if e.prev_hash != prev_hash:
                return ChainReport(checked, e.seq, "its link to the previous entry does not match")
            recomputed = _digest(
                prev_hash=e.prev_hash,
                seq=e.seq,
                at=e.at,
                actor_id=e.actor_id,
                actor_label=e.actor_label,
                action=e.action,
                target_type=e.target_type,
                target_id=e.target_id,
                data=e.data,
            )
            if recomputed != e.hash:
                return ChainReport(checked, e.seq, "its content was changed after it was written")
            prev_hash, expected_seq, checked = e.hash, expected_seq + 1, checked + 1
        last_seq = expected_seq - 1
        if head is not None and (head.seq != last_seq or head.hash != prev_hash):
            return ChainReport(
                checked, last_seq + 1, f"the chain ends at #{last_seq} but its head says #{head.seq}"
            )
    return ChainReport(checked)
