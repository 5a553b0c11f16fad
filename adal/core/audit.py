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


def actor_label_for(actor, fallback: str) -> str:
    """A person by their username, the code by its ``SystemActor`` label (``system:worker``)."""
    return actor.get_username() if actor is not None else fallback


def audit_record(
    *,
    action: str,
    actor=None,
    actor_label: str = "system",
    target=None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one entry. Must run inside the transaction of the change it records."""
    return audit_record_many(
        [{"action": action, "actor": actor, "actor_label": actor_label, "target": target, "data": data}]
    )[0]


def audit_record_many(entries: list[dict]) -> list[AuditEvent]:
    """Append several entries (each with the keywords of ``audit_record``) under one lock of the chain's
    head: a sweep acting on hundreds of cases writes its trail in three statements, not three per case."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    seq, prev, at = head.seq, head.hash, timezone.now()
    events = []
    for entry in entries:
        actor, target = entry.get("actor"), entry.get("target")
        seq += 1
        fields = {
            "seq": seq,
            "at": at,
            "actor_id": actor.pk if isinstance(actor, User) else None,
            "actor_label": actor_label_for(actor, entry.get("actor_label", "system")),
            "action": entry["action"],
            "target_type": target._meta.label if target is not None else "",
            "target_id": str(target.pk) if target is not None else "",
            "data": json.loads(json.dumps(entry.get("data") or {}, default=str)),
        }
        digest = _digest(prev_hash=prev, **fields)
        events.append(AuditEvent(prev_hash=prev, hash=digest, **fields))
        prev = digest
    AuditEvent.objects.bulk_create(events)
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return events


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
