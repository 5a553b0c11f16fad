"""Reads about primaries: who may vote, the candidates, the phase of a primary and its results."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from adal.cases.clocks import local_date
from adal.core.models import Unit, User
from adal.councils.primaries import tally
from adal.councils.primaries.models import MIN_BALLOTS, Ballot, Nomination, Participation, Primary, Voter
from adal.councils.selectors import councils_managed_by
from adal.councils.services import may_manage
from adal.discipline.models import STANDING, Proceeding, Sanction

# ---------------------------------------------------------------- voters


def voter_of(user: User | None) -> Voter | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Voter.objects.select_related("member", "territory").filter(user=user).first()


def _expelled(on: dt.date) -> QuerySet[Proceeding]:
    """Expulsions that stand and were decided on or before the day."""
    return Proceeding.objects.filter(status__in=STANDING, sanction=Sanction.EXPULSION, decided_on__lte=on)


def _registered_in_council_territory(primary: Primary) -> Q:
    """Voters of the council's territory and its districts; every voter for the central council; no
    one for a lower council that names no territory."""
    council = primary.council
    if council.territory_id is None:
        return Q() if council.level == Unit.Level.CENTRE else Q(pk__in=[])
    return Q(territory_id=council.territory_id) | Q(territory__parent_id=council.territory_id)


def electorate(primary: Primary, *, on: dt.date | None = None) -> QuerySet[Voter]:
    """Who may vote on the day (today by default): registered before voting ends, in the council's
    territory, and not expelled from the party."""
    on = on or local_date(timezone.now())
    return (
        Voter.objects.filter(_registered_in_council_territory(primary), created_at__lt=primary.voting_ends)
        .exclude(member__in=_expelled(on).values("member_id"))
        .filter(user__is_active=True)
    )


def is_eligible(voter: Voter, primary: Primary, *, on: dt.date | None = None) -> bool:
    return electorate(primary, on=on).filter(pk=voter.pk).exists()


def has_voted(voter: Voter, primary: Primary) -> bool:
    return Participation.objects.filter(primary=primary, voter=voter).exists()


# ---------------------------------------------------------------- phases and candidates


class Phase:
    NOMINATIONS = "nominations"
    CONSENT = "consent"  # nominations closed, candidates may still answer until voting starts
    VOTING = "voting"
    FINISHED = "finished"


def phase(primary: Primary, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if now < primary.nominations_close:
        return Phase.NOMINATIONS
    if now < primary.voting_starts:
        return Phase.CONSENT
    if now < primary.voting_ends:
        return Phase.VOTING
    return Phase.FINISHED


def candidates(primary: Primary) -> QuerySet[Nomination]:
    """The nominees on the ballot: those who consented and were not withdrawn."""
    return (
        primary.nominations.filter(state=Nomination.State.CONSENTED)
        .select_related("candidate", "candidate__region")
        .order_by("candidate__full_name", "pk")
    )


def primaries_listed() -> QuerySet[Primary]:
    return Primary.objects.select_related("council").order_by("-voting_starts", "-id")


def primaries_managed_by(user: User) -> QuerySet[Primary]:
    return primaries_listed().filter(council__in=councils_managed_by(user))


# ---------------------------------------------------------------- results


@dataclass
class Row:
    nomination: Nomination
    votes: int
    share: float
    selected: bool
    tied: bool


@dataclass
class Results:
    finished: bool
    ballots: int = 0
    electorate: int = 0
    turnout: float | None = None
    shown: bool = False  # the count per candidate is public (finished and enough ballots)
    rows: list[Row] = field(default_factory=list)
    min_ballots: int = MIN_BALLOTS

    @property
    def tie(self) -> bool:
        return any(r.tied for r in self.rows)


def electorate_size(primary: Primary) -> int:
    """The electorate on the last day of voting, with anyone who voted and has since left it (e.g. was
    expelled before the end), so that turnout never exceeds 100%."""
    eligible = electorate(primary, on=local_date(primary.voting_ends))
    voted_since_gone = Participation.objects.filter(primary=primary).exclude(voter__in=eligible.values("pk"))
    return eligible.count() + voted_since_gone.count()


def results(primary: Primary, now: dt.datetime | None = None) -> Results:
    """Nothing before the period ends; then the turnout, and the count per candidate if at least
    MIN_BALLOTS ballots were cast."""
    if phase(primary, now) != Phase.FINISHED:
        return Results(finished=False)
    ballots = Participation.objects.filter(primary=primary).count()
    size = electorate_size(primary)
    result = Results(finished=True, ballots=ballots, electorate=size, turnout=tally.turnout(ballots, size))
    if ballots < MIN_BALLOTS:
        return result
    nominees = {n.pk: n for n in candidates(primary)}
    counted = dict(
        Ballot.objects.filter(primary=primary).order_by().values_list("nomination").annotate(n=Count("id"))
    )
    votes = {pk: counted.get(pk, 0) for pk in nominees}
    result.shown = True
    result.rows = [
        Row(nominees[s.candidate], s.votes, s.share, s.selected, s.tied)
        for s in tally.standings(votes, primary.seats)
    ]
    return result


# ---------------------------------------------------------------- the public page


@dataclass
class PrimaryPage:
    primary: Primary
    phase: str
    candidates: list[Nomination]
    results: Results
    manages: bool
    voter: Voter | None
    may_vote: bool
    has_voted: bool
    own_nomination: Nomination | None  # the viewer's nomination awaiting their answer


def primary_page(*, primary: Primary, viewer: User | None = None) -> PrimaryPage:
    now = timezone.now()
    current = phase(primary, now)
    voter = voter_of(viewer)
    voted = voter is not None and has_voted(voter, primary)
    own = None
    if voter is not None and current in (Phase.NOMINATIONS, Phase.CONSENT):
        own = primary.nominations.filter(candidate=voter.member, state=Nomination.State.PROPOSED).first()
    return PrimaryPage(
        primary=primary,
        phase=current,
        candidates=list(candidates(primary)),
        results=results(primary, now),
        manages=may_manage(viewer, primary.council),
        voter=voter,
        may_vote=current == Phase.VOTING and voter is not None and not voted and is_eligible(voter, primary),
        has_voted=voted,
        own_nomination=own,
    )
