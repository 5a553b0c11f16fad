"""What the database holds about a vote, read as an administrator would read it."""

import uuid
from collections import Counter

import pytest
from django.db import connection, models

from adal.core.models import AuditEvent
from adal.councils.primaries.models import MIX_SIZE, Ballot, Participation
from adal.councils.primaries.services import ballot_cast
from tests.primaries.conftest import at_phase, upcoming

TIME_FIELDS = (models.DateField, models.DateTimeField, models.TimeField)


def test_a_ballot_holds_the_choice_and_nothing_else():
    fields = {f.name: f for f in Ballot._meta.get_fields() if f.concrete}
    assert set(fields) == {"id", "primary", "nomination"}
    assert isinstance(fields["id"], models.UUIDField) and fields["id"].default is uuid.uuid4


def test_who_voted_holds_no_time_and_no_order():
    fields = {f.name: f for f in Participation._meta.get_fields() if f.concrete}
    assert set(fields) == {"id", "primary", "voter"}
    assert isinstance(fields["id"], models.UUIDField)
    assert not any(isinstance(f, TIME_FIELDS) for f in fields.values())


@pytest.fixture
def box(org, voter, on_ballot):
    """A primary in its voting period with 20 ballots for A already in the box."""
    primary = upcoming(org["councils"]["aktobe"])
    a, b = on_ballot(primary, voter("Candidate A"), voter("Candidate B"))
    with at_phase(primary, "voting"):
        for v in [voter() for _ in range(20)]:
            ballot_cast(primary=primary, nomination=a, by=v.user)
    return primary, a, b, voter()


def test_a_new_ballot_goes_in_with_others_taken_out_and_put_back(box):
    primary, a, b, last = box
    before = dict(Ballot.objects.values_list("id", "nomination_id"))
    with at_phase(primary, "voting"):
        ballot_cast(primary=primary, nomination=b, by=last.user)
    after = dict(Ballot.objects.values_list("id", "nomination_id"))
    written = set(after) - set(before)
    assert len(set(before) - set(after)) == MIX_SIZE
    assert len(written) == MIX_SIZE + 1
    assert Counter(after.values()) == Counter({a.pk: 20, b.pk: 1})
    assert all(uuid.UUID(str(pk)).version == 4 for pk in after)


def test_the_last_ballot_shares_its_position_and_transaction_with_the_batch(box):
    """SQLite numbers rows in the order they are written; PostgreSQL stamps each row with the
    transaction that wrote it, and the audit log's "voted" entry, written in the same transaction, names
    the voter. Either way, what an administrator can join on points at the whole batch written with
    the ballot, not at the ballot."""
    primary, _a, b, last = box
    before = set(Ballot.objects.values_list("id", flat=True))
    with at_phase(primary, "voting"):
        ballot_cast(primary=primary, nomination=b, by=last.user)
    written = set(Ballot.objects.values_list("id", flat=True)) - before
    ballots = Ballot._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            voted = "SELECT xmin FROM core_auditevent WHERE action = 'primary.voted' AND actor_id = %s"
            cursor.execute(f"SELECT id FROM {ballots} WHERE xmin = ({voted})", [last.user.pk])  # noqa: S608
        else:
            cursor.execute(f"SELECT id FROM {ballots} ORDER BY rowid DESC LIMIT %s", [MIX_SIZE + 1])  # noqa: S608
        traced = {uuid.UUID(str(row[0])) for row in cursor.fetchall()}
    assert traced == written and len(written) == MIX_SIZE + 1


def test_the_audit_log_says_who_voted_and_never_what(box):
    primary, _a, b, last = box
    with at_phase(primary, "voting"):
        ballot_cast(primary=primary, nomination=b, by=last.user)
    voted = AuditEvent.objects.filter(action="primary.voted")
    assert voted.count() == 21
    assert all(e.data == {} and e.target_id == str(primary.pk) for e in voted)
    ballot_ids = {str(pk) for pk in Ballot.objects.values_list("id", flat=True)}
    assert not AuditEvent.objects.filter(target_id__in=ballot_ids).exists()
    assert not AuditEvent.objects.filter(target_type="primaries.ballot").exists()
