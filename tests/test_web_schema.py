"""Property-based test of the JSON API against its own OpenAPI description (schemathesis).

Every generated request must get a documented status code, a response matching the documented
schema, and never a server error. Starting projections and trials is left out: each example
would start model runs of seconds to minutes (test_web_api covers them); so is creating users,
which would switch the app into login mode halfway through.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from myotwin.web import create_app

_db = Path(tempfile.mkdtemp(prefix="myotwin-schema-")) / "web.db"
app = create_app(f"sqlite:///{_db}", secret="s" * 32, draws=2)
schema = (
    schemathesis.openapi.from_asgi("/openapi.json", app)
    .exclude(path="/api/projections")
    .exclude(path="/api/trials")
    .exclude(path="/api/users")
)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_description(case: schemathesis.Case) -> None:
    # Not checked: that every schema-valid request is accepted. The inputs' physiological
    # ranges (age 18-105, ...) are enforced by validators and absent from the JSON schema, so a
    # schema-valid age of 0 is rightly refused with 422.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
