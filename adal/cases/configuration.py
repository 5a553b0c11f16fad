"""The response algorithm's settings: routing rules, response policies and which policy each channel
follows. An administrator changes them (in the admin); each change is audited. A policy's clocks apply
to cases opened after the change: a case keeps the deadlines it was given."""

from adal.cases.models import ChannelPolicy, ResponsePolicy, RoutingRule
from adal.core.models import User
from adal.core.permissions import SystemActor, require
from adal.core.services import audited_delete, audited_save


def _rule_data(rule: RoutingRule) -> dict:
    return {"region": rule.region and rule.region.kato, "category": rule.category, "unit": rule.unit_id}


def routing_rule_save(*, rule: RoutingRule, by: User | SystemActor) -> RoutingRule:
    require(by, "routing.manage")
    return audited_save(rule, by=by, action="routing.rule", data=_rule_data(rule))


def routing_rule_delete(*, rule: RoutingRule, by: User | SystemActor) -> None:
    require(by, "routing.manage")
    audited_delete(rule, by=by, action="routing.rule_deleted", data=_rule_data(rule))


_CLOCK_FIELDS = [
    "day_kind",
    "triage_days",
    "forward_days",
    "answer_days",
    "answer_months",
    "extension_total_months",
    "extension_notice_days",
    "remind_before_days",
    "very_overdue_days",
    "close_after_days",
    "allows_leave_without_consideration",
    "retention_months",
]


def response_policy_save(*, policy: ResponsePolicy, by: User | SystemActor) -> ResponsePolicy:
    require(by, "policy.manage")
    data = {"code": policy.code, **{name: getattr(policy, name) for name in _CLOCK_FIELDS}}
    return audited_save(policy, by=by, action="policy.response", data=data)


def response_policy_delete(*, policy: ResponsePolicy, by: User | SystemActor) -> None:
    """Only a policy no case and no channel follows: a case's deadlines were counted by its policy."""
    require(by, "policy.manage")
    audited_delete(policy, by=by, action="policy.response_deleted", data={"code": policy.code})


def channel_policy_save(*, link: ChannelPolicy, by: User | SystemActor) -> ChannelPolicy:
    require(by, "policy.manage")
    data = {"channel": link.channel, "policy": link.policy.code}
    return audited_save(link, by=by, action="policy.channel", data=data)


def channel_policy_delete(*, link: ChannelPolicy, by: User | SystemActor) -> None:
    """The channel then follows Kazakhstan's preset (``policy_for_channel``)."""
    require(by, "policy.manage")
    audited_delete(link, by=by, action="policy.channel_deleted", data={"channel": link.channel})
