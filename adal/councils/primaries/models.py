"""Primaries: party members choose the candidates for a council.

A primary belongs to one council. Council members nominate party members; a nominee stands only once
they consent themselves. During the voting period each eligible voter casts one secret ballot; the
results, with turnout, are public once the period is over.

Eligible voters are the party members registered for primaries (``Voter``: a sign-in account linked to
a ``discipline.PartyMember`` and the territory of their party registration) in the council's territory
or a district of it — every registered voter for the central council — and not expelled from the party
by a sanction that stands.

Secrecy of the ballot: threat model
===================================
Who voted and what was voted are kept in two tables that share nothing but the primary:

* ``Participation`` (primary, voter), unique: the list of who voted. It is what makes double voting
  impossible: the row and the ballot are written in one transaction, so either both exist or neither.
* ``Ballot`` (primary, nomination): what was voted. No voter, no time (none finer than the primary
  itself), and a random UUID as key, so neither the key nor any column orders the ballots.

A database's physical order and its transaction ids still tell when a row was written: SQLite gives
every row an increasing ``rowid``; PostgreSQL stamps every row with the id of the transaction that wrote
it (``xmin``) — the same as on the audit log's "voted" entry, which names the voter — and keeps rows in
the order written, which a dump (``pg_dump``) preserves. So a ballot never goes into the box alone: in
the same transaction, up to ``MIX_SIZE`` ballots already in the box are taken out and put back under
new random keys, all in a random order (see ``services._into_box``). The new ballot shares its row
position and its transaction with them.

What someone who reads the database (an administrator, a dump, a backup) can learn:
  - who voted, and from the audit log when ("primary.voted", which never carries the choice);
  - the ballots as an unordered multiset, i.e. the tally, at the moment of reading;
  - for the ballots written or mixed by one transaction, that the voter of that transaction cast one
    of them: an anonymity set of ``MIX_SIZE + 1`` ballots, fewer while the box is small (the first
    ballot is alone until the next vote mixes it). If all of
    that batch are for one candidate, so was that voter's ballot. The earlier a ballot, the more times
    it has been mixed since and the less its position or transaction tells;
  - by comparing two readings (two nightly backups) the multiset of the ballots cast in between:
    with a single voter in between, that voter's choice.
What they cannot learn from the data alone: which ballot of its batch is whose. No column, key or log
entry joins a ballot to a voter, and the page never shows the voter their choice (nothing in the session, the
messages or the logs holds it: the choice travels only in the body of one POST).

What this does not withstand: an administrator who watches the server while people vote — statement
logging, the write-ahead log (PostgreSQL's WAL archive for point-in-time recovery keeps every insert
in order), dead row versions read before VACUUM, the application's memory. Protection from such an
observer needs cryptographic voting (blind signatures, mix-nets) and is out of scope.

Small numbers: with one voter the single ballot is trivially that voter's, and any unanimous result
tells every voter's choice. Results are therefore shown only after the period ends and only if at
least ``MIN_BALLOTS`` ballots were cast; otherwise only the turnout is shown.
"""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from adal.core.models import InLanguage, Territory, User
from adal.councils.models import Council, Membership
from adal.discipline.models import PartyMember

# Ballots taken out and put back with each new one (see the threat model above).
MIX_SIZE = 15
# Below this many ballots a primary's results are not shown, only its turnout.
MIN_BALLOTS = 5


class Voter(models.Model):
    """A party member registered to vote in primaries: who signs in, and where they are registered in
    the party (their region or one of its districts)."""

    member = models.OneToOneField(
        PartyMember, models.PROTECT, related_name="voter", verbose_name=_("party member")
    )
    user = models.OneToOneField(User, models.PROTECT, related_name="voter", verbose_name=_("account"))
    territory = models.ForeignKey(
        Territory, models.PROTECT, related_name="+", verbose_name=_("registered in")
    )
    created_at = models.DateTimeField(_("registered"))

    class Meta:
        ordering = ["member__full_name", "id"]
        verbose_name = _("voter")
        verbose_name_plural = _("voters")

    def __str__(self):
        return self.member.full_name


class Primary(models.Model):
    council = models.ForeignKey(Council, models.PROTECT, related_name="primaries", verbose_name=_("council"))
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    seats = models.PositiveSmallIntegerField(
        _("candidates to select"), help_text=_("How many candidates the primary selects.")
    )
    nominations_close = models.DateTimeField(_("nominations close"))
    voting_starts = models.DateTimeField(_("voting starts"))
    voting_ends = models.DateTimeField(_("voting ends"))
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-voting_starts", "-id"]
        verbose_name = _("primary")
        verbose_name_plural = _("primaries")
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="primary_seats_positive"),
            models.CheckConstraint(
                condition=Q(nominations_close__lte=F("voting_starts"))
                & Q(voting_starts__lt=F("voting_ends")),
                name="primary_periods_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    title = InLanguage(any_language=True)
    description = InLanguage(any_language=True)


class Nomination(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting the candidate's consent")
        CONSENTED = "consented", _("Candidate")
        DECLINED = "declined", _("Declined by the candidate")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    primary = models.ForeignKey(
        Primary, models.PROTECT, related_name="nominations", verbose_name=_("primary")
    )
    candidate = models.ForeignKey(
        PartyMember, models.PROTECT, related_name="nominations", verbose_name=_("candidate")
    )
    nominated_by = models.ForeignKey(
        Membership, models.PROTECT, related_name="nominations", verbose_name=_("nominated by")
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PROPOSED)
    statement = models.TextField(_("candidate's statement"), blank=True)
    nominated_at = models.DateTimeField(_("nominated"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["primary", "candidate__full_name", "id"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(fields=["primary", "candidate"], name="nomination_once_per_primary"),
        ]

    def __str__(self):
        return f"{self.candidate.full_name} · {self.primary}"


class Participation(models.Model):
    """Who voted in a primary — and nothing about what. No time: the audit log has it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    primary = models.ForeignKey(Primary, models.PROTECT, related_name="+")
    voter = models.ForeignKey(Voter, models.PROTECT, related_name="participations")

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["primary", "voter"], name="participation_once")]

    def __str__(self):
        return f"{self.voter} · {self.primary}"


class Ballot(models.Model):
    """What was voted, without who or when. Never add a voter, a time or a sequential key here: see
    the threat model at the top of this module."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    primary = models.ForeignKey(Primary, models.PROTECT, related_name="+")
    nomination = models.ForeignKey(Nomination, models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        # The box is sampled by a random key within a primary (services._into_box).
        indexes = [models.Index(fields=["primary", "id"], name="ballot_box")]

    def __str__(self):
        return str(self.id)
