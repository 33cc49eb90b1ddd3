"""The API against its own description (schemathesis): for every operation, requests generated
from /api/v1/openapi.json — valid and invalid — never get a 500, and every response (status,
media type, body) is one the description allows. Runs on both databases in CI; examples are
bounded and derandomized so that a run is quick and repeatable."""
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from app.auth import tokens
from app.extensions import db
from app.models.enums import Role
from tests import helpers

EXAMPLES = 25  # per operation, each example a request: seconds a database
SEQUENCES = 40  # stateful runs of up to six linked calls


@pytest.fixture
def api_headers(app, world):
    with app.app_context():
        user = helpers.make_user(Role.MANAGER, world.a_unit_id)
        _, secret = tokens.issue(user, user, "模糊测试", 30, True, date.today())
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_every_operation_keeps_to_its_description(app, api_headers):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=api_headers)
    failed, operations = [], 0
    for found in schema.get_all_operations():
        operation = found.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def keeps_to_it(case):
            # Every check but one: a request the description allows may still break a rule that a
            # schema cannot say (a cursor from another list, a date after today) — a 422, not a fault.
            case.call_and_validate(headers=api_headers, excluded_checks=[positive_data_acceptance])

        try:
            keeps_to_it()
        except (Exception, BaseExceptionGroup) as error:  # every operation is tried; all that fail are reported together
            failed.append(f"{operation.label}: {error}")
    assert operations >= 20 and failed == [], "\n\n".join(failed)


def test_sequences_of_calls_keep_to_the_description(app, api_headers):
    """Stateful: schemathesis links operations by the resources they name (a visit logged, then
    read, corrected, deleted; a batch uploaded, then committed) and runs short sequences of them."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=api_headers)

    class Calls(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": api_headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # (each call carries the token: a call without one is the test above's and the route matrix's)
            case.validate_response(response, excluded_checks=[positive_data_acceptance, ignored_auth],
                                   transport_kwargs=kwargs or None)

    Calls.run(settings=settings(max_examples=SEQUENCES, stateful_step_count=6, deadline=None, derandomize=True,
                                database=None, suppress_health_check=list(HealthCheck)))
