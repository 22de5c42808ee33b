"""The approval chains as tables (funds.workflow): the buttons each role gets at each
step, whose turn it is, and that the table agrees with the models and the pages."""
import pytest

from etown.models import Role
from funds.models import EDITABLE, IN_FLIGHT, ChangeKind, ChangeRequest, ChangeStatus, RequestStatus
from funds.views import changes as change_views
from funds.views import requests as request_views
from funds.workflow import (
    APPROVE,
    CHANGE_FLOW,
    DISBURSE,
    EDIT,
    MATERIAL,
    MEETING,
    NOTICE,
    OBJECTION,
    OVERRIDE,
    REQUEST_FLOW,
    RESUME,
    RETURN,
    SUBMIT,
    WITHDRAW,
)

from .helpers import advance, new_request

S = RequestStatus


def test_it_gives_each_role_the_buttons_of_its_step(demo):
    request = new_request(demo)
    assert REQUEST_FLOW.actions(demo.contractor, request) == [SUBMIT, EDIT, MATERIAL, WITHDRAW]
    assert REQUEST_FLOW.actions(demo.contractor2, request) == []
    advance(demo, request, S.SUBMITTED)
    assert REQUEST_FLOW.actions(demo.contractor, request) == [WITHDRAW]
    assert {APPROVE, RETURN} <= set(REQUEST_FLOW.actions(demo.office, request))
    for user in (demo.finance, demo.leader, demo.auditor, demo.agency):
        assert REQUEST_FLOW.actions(user, request) == [], user.username
    advance(demo, request, S.OFFICE_APPROVED)
    assert REQUEST_FLOW.actions(demo.finance, request) == [APPROVE, RETURN]
    assert APPROVE not in REQUEST_FLOW.actions(demo.office, request)
    advance(demo, request, S.IN_NOTICE)
    assert REQUEST_FLOW.actions(demo.finance, request) == [DISBURSE, RETURN]
    assert {OBJECTION, RETURN} <= set(REQUEST_FLOW.actions(demo.office, request))
    assert DISBURSE not in REQUEST_FLOW.actions(demo.office, request)
    advance(demo, request, S.DISBURSED)
    for user in (demo.contractor, demo.office, demo.finance, demo.leader):
        assert REQUEST_FLOW.actions(user, request) == [], user.username


def test_it_agrees_with_the_models_statuses():
    assert set(REQUEST_FLOW.statuses(RETURN)) == set(IN_FLIGHT)
    assert set(REQUEST_FLOW.statuses(EDIT)) == set(REQUEST_FLOW.statuses(SUBMIT)) == set(EDITABLE)
    assert set(REQUEST_FLOW.statuses(OVERRIDE)) == {*EDITABLE, *IN_FLIGHT}
    assert set(REQUEST_FLOW.statuses(WITHDRAW)) == {*EDITABLE, S.SUBMITTED}
    assert not REQUEST_FLOW.at(S.DISBURSED, RETURN) and not REQUEST_FLOW.at(S.WITHDRAWN, OVERRIDE)
    for status, steps in REQUEST_FLOW.table.items():
        for step in steps:
            assert step.to is None or step.to in S.values, (status, step.action)


def test_it_names_whose_turn_it_is():
    assert REQUEST_FLOW.waiting_on(Role.CONTRACTOR) == (S.DRAFT, S.RETURNED)
    assert REQUEST_FLOW.waiting_on(Role.OFFICE) == (S.SUBMITTED, S.LEADER_APPROVED, S.MEETING_PASSED, S.OBJECTED)
    assert REQUEST_FLOW.waiting_on(Role.REVIEWER) == (S.OFFICE_APPROVED, S.IN_NOTICE)
    assert REQUEST_FLOW.waiting_on(Role.LEADER) == (S.DEPARTMENT_APPROVED,)
    C = ChangeStatus
    assert CHANGE_FLOW.waiting_on(Role.OFFICE) == (C.SUBMITTED, C.LEADER_APPROVED)
    assert CHANGE_FLOW.waiting_on(Role.LEADER) == (C.OFFICE_APPROVED,)
    assert CHANGE_FLOW.waiting_on(Role.REVIEWER) == ()


@pytest.mark.parametrize("action", [SUBMIT, EDIT, MATERIAL, WITHDRAW, MEETING, NOTICE, OBJECTION, RESUME, DISBURSE, OVERRIDE])
def test_it_has_one_actor_for_the_steps_the_services_take_as_one(action):
    step = REQUEST_FLOW.only(action)
    assert all(REQUEST_FLOW.at(status, action) == (step,) for status in REQUEST_FLOW.statuses(action))


@pytest.mark.parametrize("action", [APPROVE, RETURN])
def test_it_refuses_to_take_a_step_with_several_actors_as_one(action):
    with pytest.raises(LookupError):
        REQUEST_FLOW.only(action)


def test_it_offers_on_each_page_every_action_of_the_table():
    request_actions = {s.action for steps in REQUEST_FLOW.table.values() for s in steps} - {EDIT}
    assert request_actions == set(request_views.DONE)
    change_actions = {s.action for steps in CHANGE_FLOW.table.values() for s in steps} - {EDIT}
    assert change_actions == set(change_views.DONE)


def test_it_approves_an_extension_at_the_leading_group_and_sends_a_change_higher():
    (approve,) = CHANGE_FLOW.at(ChangeStatus.OFFICE_APPROVED, APPROVE)
    assert approve.next_status(ChangeRequest(kind=ChangeKind.EXTENSION)) == ChangeStatus.APPROVED
    assert approve.next_status(ChangeRequest(kind=ChangeKind.CHANGE)) == ChangeStatus.LEADER_APPROVED
