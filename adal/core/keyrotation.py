"""Re-encrypt every encrypted column and stored file under the current key."""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction

from adal.core import crypto
from adal.core.audit import audit_record
from adal.core.fields import encrypted_fields
from adal.core.files import files_dir


@dataclass
class RotationReport:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0


def _rotate_model(model, ring: crypto.KeyRing, batch: int) -> int:
    fields = encrypted_fields(model)
    if not fields:
        return 0
    table = model._meta.db_table
    changed = 0
    # Raw ciphertext is read via values_list on the column, bypassing from_db_value.
    columns = [f.column for f in fields]
    qn = connection.ops.quote_name
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn(pk)}, {', '.join(qn(c) for c in columns)} FROM {qn(table)}")  # noqa: S608
        rows = cursor.fetchall()
    stale = [r for r in rows if any(v is not None and ring.needs_rotation(bytes(v)) for v in r[1:])]
    for start in range(0, len(stale), batch):
        with transaction.atomic():
            for row in stale[start : start + batch]:
                values = {}
                for f, raw in zip(fields, row[1:], strict=True):
                    if raw is not None:
                        values[f.name] = f.from_bytes(ring.decrypt(bytes(raw), aad=f.aad))
                model._base_manager.filter(pk=row[0]).update(**values)
                changed += 1
    return changed


def rotate_keys(*, batch: int = 500) -> RotationReport:
    ring = crypto.keyring()
    report = RotationReport()
    for model in apps.get_models():
        n = _rotate_model(model, ring, batch)
        if n:
            report.rows[model._meta.label] = n
    for path in sorted(files_dir().iterdir()):
        blob = path.read_bytes()
        if ring.needs_rotation(blob):
            fresh = ring.encrypt(ring.decrypt(blob, aad=path.name.encode()), aad=path.name.encode())
            tmp = path.with_suffix(".rotating")
            tmp.write_bytes(fresh)
            tmp.replace(path)  # atomic on POSIX: a reader sees the old or the new file, never half
            report.files += 1
    with transaction.atomic():
        audit_record(
            action="keys.rotated",
            data={"current_key": ring.current, "rows": report.rows, "files": report.files},
        )
    return report
