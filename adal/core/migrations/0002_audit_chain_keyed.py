"""Seal the existing audit chain under the current audit key.

Entries written before this migration were chained with plain SHA-256, which anyone able to write to
the database could recompute. The old chain is verified first, entry by entry, as the old
``audit_verify`` did: if it is broken, the migration stops and nothing is changed, since sealing it
would vouch for whatever was done to it (investigate, restore from a backup, then migrate). An intact
chain is then sealed link by link under the current key, and one more entry records how many entries
were sealed and the old chain's last hash, so that whoever noted that hash can check that the sealed
chain is the one they knew.
"""

import datetime as dt
import hashlib
import hmac
import json

from django.db import migrations, models
from django.utils import timezone

GENESIS = "0" * 64
BATCH = 2000
SEALED = ("prev_hash", "seq", "at", "actor_id", "actor_label", "action", "target_type", "target_id", "data")


def plain_digest(e) -> str:
    """The unkeyed digest of 0001, frozen here."""
    values = [getattr(e, name) for name in SEALED]
    values[2] = e.at.astimezone(dt.UTC).isoformat()
    canonical = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def keyed_seal(e, key: bytes) -> str:
    from adal.core.audit import seal

    return seal(key=key, key_id=e.key_id, **{name: getattr(e, name) for name in SEALED})


def rewrite_chain(AuditEvent, AuditHead, *, holds, reseal) -> tuple[int, str, str]:
    """Walk the chain in batches; each entry must link to the one before and pass ``holds`` before
    ``reseal`` gives it a new seal. Returns the count, the old last hash and the new one. Raises at the
    first entry that does not hold (the migration's transaction then undoes every batch)."""
    seq, old_prev, new_prev = 0, GENESIS, GENESIS
    while batch := list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq")[:BATCH]):
        for e in batch:
            if e.seq != seq + 1 or e.prev_hash != old_prev or not holds(e):
                raise RuntimeError(
                    f"the audit chain does not hold at entry #{seq + 1}: it was not re-sealed. Find out "
                    "what happened to it (`manage.py audit_verify` on the previous release names the "
                    "link), restore the log from a backup, then migrate again."
                )
            seq, old_prev = e.seq, e.hash
            e.prev_hash = new_prev
            reseal(e)
            new_prev = e.hash
        AuditEvent.objects.bulk_update(batch, ["prev_hash", "hash", "key_id"])
    head = AuditHead.objects.filter(pk=1).first()
    if seq and (head is None or (head.seq, head.hash) != (seq, old_prev)):
        raise RuntimeError(f"the audit chain ends at #{seq} but its head does not: it was not re-sealed")
    AuditHead.objects.filter(pk=1).update(hash=new_prev)
    return seq, old_prev, new_prev


def seal_under_current_key(apps, schema_editor):
    from adal.core.audit import audit_keys

    AuditEvent, AuditHead = apps.get_model("core", "AuditEvent"), apps.get_model("core", "AuditHead")
    keys, current = audit_keys()

    def reseal(e):
        e.key_id = current
        e.hash = keyed_seal(e, keys[current])

    count, plain_head, head = rewrite_chain(
        AuditEvent, AuditHead, holds=lambda e: e.hash == plain_digest(e), reseal=reseal
    )
    if not count:
        return
    record = AuditEvent(
        seq=count + 1,
        at=timezone.now(),
        actor_label="system:migration",
        action="audit.chain_sealed",
        target_type="",
        target_id="",
        data={"entries": count, "plain_chain_head": plain_head, "key": current},
        prev_hash=head,
        key_id=current,
    )
    record.hash = keyed_seal(record, keys[current])
    record.save()
    AuditHead.objects.filter(pk=1).update(seq=record.seq, hash=record.hash)


def back_to_plain_hashes(apps, schema_editor):
    from adal.core.audit import audit_keys

    AuditEvent, AuditHead = apps.get_model("core", "AuditEvent"), apps.get_model("core", "AuditHead")
    keys, _ = audit_keys()

    def holds(e):
        return e.key_id in keys and hmac.compare_digest(keyed_seal(e, keys[e.key_id]), e.hash)

    def reseal(e):
        e.key_id = ""
        e.hash = plain_digest(e)

    rewrite_chain(AuditEvent, AuditHead, holds=holds, reseal=reseal)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(seal_under_current_key, back_to_plain_hashes),
    ]
