"""The migration that moved every named reporter's identity out of the report into its own envelope."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from adal.hotline.identity import identity_open
from adal.hotline.models import Report, ReporterIdentity
from tests.hotline.test_submit import dump_database

BEFORE = [("hotline", "0001_initial")]
ENVELOPE = ("hotline", "0002_reporter_identity_envelope")
CONFIDENTIAL = {"name": "Сапарова Айгерим", "iin": "900215450129", "phone": "+7 701 555 01 02", "email": ""}
OPEN = {"name": "Ержан Нурланов", "iin": "850612350456", "phone": "", "email": "erzhan@example.kz"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def hotline_leaf():
    graph = MigrationExecutor(connection).loader.graph
    leaf = next(node for node in graph.leaf_nodes() if node[0] == "hotline")
    assert ENVELOPE in graph.forwards_plan(leaf)
    return leaf


@pytest.mark.django_db(transaction=True)
def test_every_identity_moves_into_its_own_envelope_and_leaves_the_report():
    old = migrate(BEFORE)
    OldReport = old.get_model("hotline", "Report")
    region = old.get_model("core", "Territory").objects.get(kato="150000000")
    common = {"received_at": timezone.now(), "channel": "web", "category": "education", "region": region,
              "language": "ru", "content": {"description": "Директор школы требует деньги."}}  # fmt: skip
    ids = {}
    for n, (mode, identity) in enumerate(
        [("confidential", CONFIDENTIAL), ("open", OPEN), ("anonymous", None)], start=1
    ):
        ids[mode] = OldReport.objects.create(
            registration_number=f"AC-2026-{n:06d}",
            receipt_hash=f"hash-{n}",
            identity_mode=mode,
            identity=identity,
            **common,
        ).pk
    try:
        # up to the hotline's latest migration, so that its models as they are now can read the rows
        migrate([hotline_leaf()])
        assert identity_open(Report.objects.get(pk=ids["confidential"])) == CONFIDENTIAL
        assert identity_open(Report.objects.get(pk=ids["open"])) == OPEN
        assert not ReporterIdentity.objects.filter(report_id=ids["anonymous"]).exists()
        assert "identity" not in {f.name for f in connection.introspection.get_table_description(
            connection.cursor(), "hotline_report")}  # fmt: skip
        dump = dump_database()
        assert not any(v in dump for v in ("Сапарова", "900215450129", "erzhan@example.kz"))
        # and back: the identities return to the reports' column
        back = migrate(BEFORE)
        assert back.get_model("hotline", "Report").objects.get(pk=ids["open"]).identity == OPEN
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
