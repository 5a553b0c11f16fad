"""The audit log: a keyed chain appended inside the caller's transaction, anchored outside the database.

Each entry is sealed with HMAC-SHA256, under an audit key kept outside the database (the secrets file
or the environment, beside the encryption keys), over the previous entry's seal and its own fields.
Without the key nobody can write an entry that verifies, so an edited entry, or a stretch rewritten
from it onwards, is found. What no seal can show is a chain cut short at its end with its head row
set back: for that, ``audit_checkpoint`` appends a signed line (sequence number, head seal, time, key
id) to a file outside the database that is only ever appended to, and ``audit_verify`` checks the
database against every such line.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from adal.core.models import AuditEvent, AuditHead, User

GENESIS = "0" * 64


class AuditChainBroken(Exception):
    """The chain, or the checkpoint file, does not hold: nothing new may vouch for it."""


def audit_keys() -> tuple[dict[str, bytes], str]:
    """Every configured audit key by id, and the id of the one that seals new entries."""
    keys = {kid: base64.b64decode(key) for kid, key in settings.ADAL_AUDIT_KEYS.items()}
    current = settings.ADAL_AUDIT_CURRENT_KEY
    if current not in keys:
        raise ImproperlyConfigured(f"the current audit key {current!r} is not among ADAL_AUDIT_KEYS")
    if short := sorted(kid for kid, key in keys.items() if len(key) < 32):
        raise ImproperlyConfigured(f"audit keys {short} are shorter than 32 bytes")
    return keys, current


def seal(
    *, key: bytes, key_id, prev_hash, seq, at, actor_id, actor_label, action, target_type, target_id, data
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
            key_id,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


# The fields an entry's seal covers, as ``seal`` takes them.
SEALED_FIELDS = (
    "key_id",
    "prev_hash",
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "data",
)


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
    keys, key_id = audit_keys()
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
            "key_id": key_id,
        }
        digest = seal(key=keys[key_id], prev_hash=prev, **fields)
        events.append(AuditEvent(prev_hash=prev, hash=digest, **fields))
        prev = digest
    AuditEvent.objects.bulk_create(events)
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return events


# --- checkpoints -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """One line of the checkpoint file: the chain reached entry ``seq``, sealed ``hash``, at ``at``."""

    seq: int
    hash: str
    at: str
    key: str
    by: str
    mac: str = ""

    def _message(self) -> bytes:
        # Its own first element: a checkpoint's MAC can never pass for an entry's seal, nor the reverse.
        fields = ["adal.audit.checkpoint", self.seq, self.hash, self.at, self.key, self.by]
        return json.dumps(fields, separators=(",", ":")).encode()

    def signed(self, key: bytes) -> "Checkpoint":
        return replace(self, mac=hmac.new(key, self._message(), hashlib.sha256).hexdigest())

    def verifies(self, keys: dict[str, bytes]) -> bool:
        key = keys.get(self.key)
        return key is not None and hmac.compare_digest(self.signed(key).mac, self.mac)

    def line(self) -> bytes:
        return (json.dumps(asdict(self), sort_keys=True, separators=(",", ":")) + "\n").encode()

    @classmethod
    def parse(cls, raw: bytes) -> "Checkpoint":
        """Raises ValueError for anything that is not a checkpoint line."""
        values = json.loads(raw)
        texts = ("hash", "at", "key", "by", "mac")
        if not isinstance(values, dict) or set(values) != {"seq", *texts}:
            raise ValueError("not a checkpoint")
        if type(values["seq"]) is not int or not all(isinstance(values[name], str) for name in texts):
            raise ValueError("not a checkpoint")
        return cls(**values)


def checkpoint_file() -> Path:
    return Path(settings.ADAL_AUDIT_CHECKPOINT_FILE)


def checkpoints_read(keys: dict[str, bytes]) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint whose signature holds, and a line for each one that does not."""
    good, problems = [], []
    if not checkpoint_file().exists():
        return good, problems
    with checkpoint_file().open("rb") as f:
        for number, raw in enumerate(f, 1):
            try:
                checkpoint = Checkpoint.parse(raw)
            except ValueError:
                problems.append(f"checkpoint line {number} is not a checkpoint (altered, or a torn write)")
                continue
            if checkpoint.key not in keys:
                problems.append(f"checkpoint line {number}: its key {checkpoint.key!r} is not configured")
            elif not checkpoint.verifies(keys):
                problems.append(f"checkpoint line {number} has a bad signature: forged or altered")
            else:
                good.append(checkpoint)
    return good, problems


def _last_checkpoint(keys: dict[str, bytes]) -> Checkpoint | None:
    # Only the file's tail is read: the worker calls this every few minutes, for years.
    path = checkpoint_file()
    if not path.exists() or path.stat().st_size == 0:
        return None
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - 4096))
        # A line cut short by a crash has no newline: the last whole line is the last checkpoint (the
        # cut one stays in the file, and audit_verify reports it).
        lines = f.read().split(b"\n")[:-1]
    if not lines:
        return None
    try:
        checkpoint = Checkpoint.parse(lines[-1])
    except ValueError:
        raise AuditChainBroken(f"the last line of {path} is not a checkpoint") from None
    if not checkpoint.verifies(keys):
        raise AuditChainBroken(f"the last checkpoint in {path} has a bad signature: forged or altered")
    return checkpoint


def _append(line: bytes) -> None:
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if not created and path.stat().st_size and not _ends_with_newline(path):
            line = b"\n" + line  # after a torn write, the next checkpoint still starts its own line
        os.write(fd, line)  # one short write in append mode: two writers never interleave
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # the new file's name must survive a crash as well as its content
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


def audit_checkpoint(*, by) -> Checkpoint:
    """Anchor the chain outside the database: append a signed line naming the head's sequence number and
    seal to the checkpoint file (``ADAL_AUDIT_CHECKPOINT_FILE``). The entries since the last checkpoint
    are verified first: a checkpoint never vouches for a chain that does not extend the last one. The
    worker calls this every few minutes; nothing is written while the head has not moved."""
    keys, key_id = audit_keys()
    last = _last_checkpoint(keys)
    walk = _Walk(keys=keys, anchors={})
    if last is not None:
        named = AuditEvent.objects.filter(seq=last.seq).values_list("hash", flat=True).first()
        if (named or GENESIS) != last.hash:
            raise AuditChainBroken(f"entry #{last.seq} no longer matches the checkpoint of {last.at}")
        walk.seq, walk.hash = last.seq, last.hash
    walk.follow_to_head()
    if walk.broken_at is not None:
        raise AuditChainBroken(f"the audit chain is broken at entry #{walk.broken_at}: {walk.reason}")
    if last is not None and (last.seq, last.hash) == (walk.seq, walk.hash):
        return last
    checkpoint = Checkpoint(
        seq=walk.seq,
        hash=walk.hash,
        at=timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        key=key_id,
        by=actor_label_for(by, "system"),
    ).signed(keys[key_id])
    _append(checkpoint.line())
    return checkpoint


# --- verification ------------------------------------------------------------------------------------


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    checkpoints: int = 0  # checkpoints whose signature holds; each was checked against the chain
    checkpoint_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.checkpoint_problems


class _Walk:
    """Follows the chain entry by entry from a known link, and stops at the first that does not hold."""

    def __init__(self, *, keys: dict[str, bytes], anchors: dict[int, list[Checkpoint]]):
        self.keys, self.anchors = keys, anchors
        self.seq, self.hash, self.checked = 0, GENESIS, 0
        self.broken_at, self.reason = None, ""

    def follow_to_head(self) -> None:
        # The head is read after the entries, and every entry it counts was committed with it: appends
        # committed during a long walk are followed too, and no transaction holds SQLite's writers back.
        if not self._follow(_entries(after=self.seq)):
            return
        head = AuditHead.objects.filter(pk=1).first()
        if head is None:
            if self.seq:
                self._break(self.seq + 1, f"the chain's head row is missing (the entries run to #{self.seq})")
            return
        if head.seq > self.seq and not self._follow(_entries(after=self.seq, upto=head.seq)):
            return
        if (head.seq, head.hash) != (self.seq, self.hash):
            self._break(
                min(head.seq, self.seq) + 1, f"the chain ends at #{self.seq} but its head says #{head.seq}"
            )

    def _follow(self, events) -> bool:
        for e in events:
            problem = self._problem(e)
            if problem:
                self._break(*problem)
                return False
            self.seq, self.hash, self.checked = e.seq, e.hash, self.checked + 1
        return True

    def _problem(self, e: AuditEvent) -> tuple[int, str] | None:
        if e.seq != self.seq + 1:
            return self.seq + 1, f"entry #{self.seq + 1} is missing"
        if e.prev_hash != self.hash:
            return e.seq, "its link to the previous entry does not match"
        key = self.keys.get(e.key_id)
        if key is None:
            return e.seq, f"it is sealed by key {e.key_id!r}, which is not configured"
        fields = {f: getattr(e, f) for f in SEALED_FIELDS}
        if not hmac.compare_digest(seal(key=key, **fields), e.hash):
            return e.seq, "its content was changed after it was written"
        for checkpoint in self.anchors.get(e.seq, ()):
            if checkpoint.hash != e.hash:
                return e.seq, f"it differs from the checkpoint of {checkpoint.at}: the log was rewritten"
        return None

    def _break(self, seq: int, reason: str) -> None:
        self.broken_at, self.reason = seq, reason


def _entries(*, after: int, upto: int | None = None):
    events = AuditEvent.objects.filter(seq__gt=after).order_by("seq")
    if upto is not None:
        events = events.filter(seq__lte=upto)
    return events.iterator(chunk_size=2000)


def audit_verify() -> ChainReport:
    """Walk the chain from its first entry, checking every seal with the key that made it, and check it
    against every checkpoint: a checkpoint at #N must match entry N, and the chain must reach the last
    checkpoint. Reports the first entry that does not hold and every checkpoint line that does not."""
    keys, _ = audit_keys()
    checkpoints, problems = checkpoints_read(keys)
    anchors = defaultdict(list)
    for checkpoint in checkpoints:
        anchors[checkpoint.seq].append(checkpoint)
    walk = _Walk(keys=keys, anchors=anchors)
    walk.follow_to_head()
    furthest = max(checkpoints, key=lambda c: c.seq, default=None)
    if walk.broken_at is None and furthest is not None and furthest.seq > walk.seq:
        walk._break(
            walk.seq + 1,
            f"the chain ends at #{walk.seq}, but the checkpoint of {furthest.at} saw it reach "
            f"#{furthest.seq}: entries were cut off",
        )
    return ChainReport(walk.checked, walk.broken_at, walk.reason, len(checkpoints), problems)
