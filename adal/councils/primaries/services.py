"""Primaries: one service per action, each checking who acts, validating before it writes, and writing
its audit entry in the same transaction. The demo and imports act as the system actor.

Casting a ballot is the one action that must not leave a trail from the voter to the choice; how the
two are kept apart, and what that does and does not protect against, is in the docstring of
``adal.councils.primaries.models``."""

import datetime as dt
import secrets
import uuid

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from adal.core import permissions
from adal.core.audit import audit_record
from adal.core.models import Territory, Unit, User
from adal.core.texts import NO_TEXT, Texts
from adal.councils.models import Council, Membership, active_on
from adal.councils.primaries.models import MIX_SIZE, Ballot, Nomination, Participation, Primary, Voter
from adal.councils.primaries.selectors import Phase, is_eligible, phase, voter_of
from adal.councils.services import CouncilActionRefused, today
from adal.discipline.models import PartyMember

_RANDOM = secrets.SystemRandom()


class PrimaryActionRefused(CouncilActionRefused):
    """Raised with a translated message for the user; nothing has been changed."""


def _moment(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _require_manager(by, council: Council) -> None:
    if not permissions.may(by, "primary.manage", council):
        raise PrimaryActionRefused(_("Only the secretary of this council or an administrator may do this."))


def _require_administrator(by) -> None:
    if not permissions.may(by, "voter.register"):
        raise PrimaryActionRefused(_("Only an administrator may register voters."))


# ---------------------------------------------------------------- primaries


def _check_periods(nominations_close: dt.datetime, voting_starts: dt.datetime, voting_ends: dt.datetime):
    if any(timezone.is_naive(m) for m in (nominations_close, voting_starts, voting_ends)):
        raise PrimaryActionRefused(_("Give every date and time with its time zone."))
    if nominations_close <= timezone.now():
        raise PrimaryActionRefused(_("Nominations must close in the future."))
    if voting_starts < nominations_close:
        raise PrimaryActionRefused(_("Voting cannot start before nominations close."))
    if voting_ends <= voting_starts:
        raise PrimaryActionRefused(_("Voting must end after it starts."))


def primary_create(
    *,
    council: Council,
    title: Texts,
    seats: int,
    nominations_close: dt.datetime,
    voting_starts: dt.datetime,
    voting_ends: dt.datetime,
    description: Texts = NO_TEXT,
    by,
) -> Primary:
    """Announce a primary, its title and description in any of the three languages: nominations are
    open from now until they close."""
    _require_manager(by, council)
    if not title:
        raise PrimaryActionRefused(_("Give the primary a title."))
    if not isinstance(seats, int) or seats < 1:
        raise PrimaryActionRefused(_("A primary selects at least one candidate."))
    if council.territory_id is None and council.level != Unit.Level.CENTRE:
        raise PrimaryActionRefused(
            _("This council names no territory, so nobody could vote: set its territory first.")
        )
    _check_periods(nominations_close, voting_starts, voting_ends)
    with transaction.atomic():
        primary = Primary.objects.create(
            council=council,
            **title.columns("title"),
            **description.columns("description"),
            seats=seats,
            nominations_close=nominations_close,
            voting_starts=voting_starts,
            voting_ends=voting_ends,
            created_at=timezone.now(),
            created_by=permissions.person_of(by),
        )
        audit_record(
            action="primary.created",
            actor=by,
            target=primary,
            data={
                "council": council.pk,
                "seats": seats,
                "nominations_close": nominations_close.isoformat(),
                "voting_starts": voting_starts.isoformat(),
                "voting_ends": voting_ends.isoformat(),
            },
        )
    return primary


# ---------------------------------------------------------------- voters


def check_registration(member: PartyMember, user: User, territory: Territory) -> None:
    """Refuse a registration that cannot stand; also used by the admin form to show the reason."""
    if territory.pk != member.region_id and territory.parent_id != member.region_id:
        raise PrimaryActionRefused(
            _("%(name)s belongs to %(region)s: register them there or in one of its districts.")
            % {"name": member.full_name, "region": member.region.name}
        )
    if Voter.objects.filter(member=member).exists():
        raise PrimaryActionRefused(
            _("%(name)s is already registered as a voter.") % {"name": member.full_name}
        )
    if not user.is_active:
        raise PrimaryActionRefused(_("This account is disabled."))
    if Voter.objects.filter(user=user).exists():
        raise PrimaryActionRefused(_("This account already belongs to another voter."))


def voter_register(*, member: PartyMember, user: User, territory: Territory | None = None, by) -> Voter:
    """Link a party member to the account they sign in with, registered in their region or in the
    district given."""
    _require_administrator(by)
    territory = territory or member.region
    with transaction.atomic():
        check_registration(member, user, territory)
        voter = Voter.objects.create(member=member, user=user, territory=territory, created_at=timezone.now())
        audit_record(
            action="primary.voter_registered",
            actor=by,
            target=voter,
            data={"member": member.pk, "user": user.pk, "territory": territory.kato},
        )
    return voter


def voter_account_create(
    *,
    member: PartyMember,
    username: str,
    password: str | None,
    territory: Territory | None = None,
    by,
) -> Voter:
    """A sign-in account for a party member (not a staff account: no role, no unit) and their
    registration as a voter, together. Without a password the account cannot sign in until one is set."""
    _require_administrator(by)
    username = username.strip()
    if not username:
        raise PrimaryActionRefused(_("Give the account a username."))
    if User.objects.filter(username__iexact=username).exists():
        raise PrimaryActionRefused(_("This username is taken."))
    user = User(username=username, first_name="", last_name="", role="", is_staff=False)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise PrimaryActionRefused(" ".join(error.messages)) from error
        user.set_password(password)
    with transaction.atomic():
        user.save()
        audit_record(action="primary.voter_account_created", actor=by, target=user)
        return voter_register(member=member, user=user, territory=territory, by=by)


# ---------------------------------------------------------------- nominations


def _lock(primary: Primary) -> Primary:
    """One change at a time to a primary (PostgreSQL; SQLite's IMMEDIATE transactions already do)."""
    return Primary.objects.select_for_update().select_related("council").get(pk=primary.pk)


def nomination_create(*, primary: Primary, candidate: PartyMember, nominator: Membership, by) -> Nomination:
    """A council member nominates a party member; the secretary may record it for them."""
    council = primary.council
    if not (permissions.may(by, "primary.manage", council) or nominator.person.user_id == by.pk):
        raise PrimaryActionRefused(
            _("Only a member of the council, or its secretary on their behalf, may nominate.")
        )
    on = today()
    if (
        nominator.council_id != council.pk
        or not Membership.objects.filter(active_on(on), pk=nominator.pk).exists()
    ):
        raise PrimaryActionRefused(_("Only a current member of this council may nominate."))
    voter = Voter.objects.filter(member=candidate).first()
    if voter is None:
        raise PrimaryActionRefused(
            _("%(name)s is not registered as a voter, so could not give consent.")
            % {"name": candidate.full_name}
        )
    with transaction.atomic():
        primary = _lock(primary)
        if phase(primary) != Phase.NOMINATIONS:
            raise PrimaryActionRefused(
                _("Nominations closed on %(moment)s.") % {"moment": _moment(primary.nominations_close)}
            )
        if not is_eligible(voter, primary):
            raise PrimaryActionRefused(
                _("%(name)s is not a party member in good standing in this council's territory.")
                % {"name": candidate.full_name}
            )
        if primary.nominations.filter(candidate=candidate).exists():
            raise PrimaryActionRefused(
                _("%(name)s has already been nominated in this primary.") % {"name": candidate.full_name}
            )
        nomination = Nomination.objects.create(
            primary=primary,
            candidate=candidate,
            nominated_by=nominator,
            nominated_at=timezone.now(),
            recorded_by=permissions.person_of(by),
        )
        audit_record(
            action="primary.nominated",
            actor=by,
            target=nomination,
            data={"primary": primary.pk, "candidate": candidate.pk, "nominated_by": nominator.pk},
        )
    return nomination


def nomination_answer(*, nomination: Nomination, consent: bool, statement: str = "", by: User) -> Nomination:
    """The candidate, and only the candidate, consents to stand or declines; once, before voting."""
    voter = voter_of(by)
    if voter is None or voter.member_id != nomination.candidate_id:
        raise PrimaryActionRefused(_("Only the candidate may give or refuse consent."))
    statement = statement.strip()
    if statement and not consent:
        statement = ""  # a statement is for the ballot page, which a declined nominee is not on
    with transaction.atomic():
        primary = _lock(nomination.primary)
        if phase(primary) not in (Phase.NOMINATIONS, Phase.CONSENT):
            raise PrimaryActionRefused(_("Voting has started: consent can no longer be given or refused."))
        state = Nomination.State.CONSENTED if consent else Nomination.State.DECLINED
        updated = Nomination.objects.filter(pk=nomination.pk, state=Nomination.State.PROPOSED).update(
            state=state, statement=statement, answered_at=timezone.now()
        )
        if not updated:
            raise PrimaryActionRefused(_("This nomination has already been answered or withdrawn."))
        audit_record(action=f"primary.nomination_{state}", actor=by, target=nomination)
    nomination.refresh_from_db()
    return nomination


def nomination_withdraw(*, nomination: Nomination, reason: str, by) -> Nomination:
    """The secretary withdraws a nomination before voting starts, with a reason."""
    _require_manager(by, nomination.primary.council)
    reason = reason.strip()
    if not reason:
        raise PrimaryActionRefused(_("Give the reason for withdrawing the nomination."))
    with transaction.atomic():
        primary = _lock(nomination.primary)
        if phase(primary) not in (Phase.NOMINATIONS, Phase.CONSENT):
            raise PrimaryActionRefused(_("Voting has started: the ballot can no longer change."))
        updated = Nomination.objects.filter(
            pk=nomination.pk, state__in=[Nomination.State.PROPOSED, Nomination.State.CONSENTED]
        ).update(state=Nomination.State.WITHDRAWN, withdrawn_reason=reason[:500])
        if not updated:
            raise PrimaryActionRefused(_("This nomination is no longer standing."))
        audit_record(
            action="primary.nomination_withdrawn", actor=by, target=nomination, data={"reason": reason}
        )
    nomination.refresh_from_db()
    return nomination


# ---------------------------------------------------------------- the ballot


def _into_box(primary: Primary, nomination_id: int) -> None:
    """Put a ballot in the box with up to MIX_SIZE ballots taken out of it at random, all under new
    random keys and in random order, so that the new one's position and transaction are shared."""
    box = Ballot.objects.filter(primary=primary).order_by("id")
    pivot = uuid.uuid4()
    taken = list(box.filter(id__gte=pivot).values_list("id", "nomination_id")[:MIX_SIZE])
    if len(taken) < MIX_SIZE:  # wrap around to the start of the key space
        taken += box.filter(id__lt=pivot).values_list("id", "nomination_id")[: MIX_SIZE - len(taken)]
    if taken:
        removed, _counts = Ballot.objects.filter(pk__in=[pk for pk, _n in taken]).delete()
        if removed != len(taken):
            raise RuntimeError("the ballot box changed while it was locked")
    batch = [n for _pk, n in taken] + [nomination_id]
    _RANDOM.shuffle(batch)
    Ballot.objects.bulk_create([Ballot(primary=primary, nomination_id=n) for n in batch])


def ballot_cast(*, primary: Primary, nomination: Nomination, by: User) -> None:
    """Record that the voter voted and put their ballot in the box, in one transaction: both or
    neither. A second ballot from the same voter is refused, also when both arrive at once (the
    primary's row is locked, and the unique constraint on participation holds in any case).

    Returns nothing, on purpose: there is no receipt that could prove a choice to anyone."""
    voter = voter_of(by)
    if voter is None:
        raise PrimaryActionRefused(_("Only party members registered as voters may vote."))
    with transaction.atomic():
        primary = _lock(primary)
        if phase(primary) != Phase.VOTING:
            raise PrimaryActionRefused(
                _("Voting is open from %(start)s to %(end)s.")
                % {"start": _moment(primary.voting_starts), "end": _moment(primary.voting_ends)}
            )
        on_ballot = Nomination.objects.filter(pk=nomination.pk, state=Nomination.State.CONSENTED)
        if nomination.primary_id != primary.pk or not on_ballot.exists():
            raise PrimaryActionRefused(_("Choose one of the candidates on the ballot."))
        if not is_eligible(voter, primary):
            raise PrimaryActionRefused(
                _("Only party members registered in this council's territory, and not expelled, may vote.")
            )
        try:
            with transaction.atomic():  # a savepoint: the refusal below leaves the transaction usable
                Participation.objects.create(primary=primary, voter=voter)
        except IntegrityError:
            raise PrimaryActionRefused(_("You have already voted in this primary.")) from None
        _into_box(primary, nomination.pk)
        audit_record(action="primary.voted", actor=by, target=primary)
