"""The API against its own OpenAPI schema (schemathesis): no input gives a server error, and
every answer — status, content type, body, headers — is one the schema describes.

Bounded for CI: a few generated examples per operation (``EXAMPLES``), positive and negative
(schema-violating) inputs, through the WSGI application in-process (no server, the test's
own database transaction). The schema is the one ``/api/schema/`` serves, generated here.
Runs in the normal suite, so ``.ci/run`` runs it on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings

from motcua.catalog.models import Procedure
from tests.dossiers.conftest import APPLICANT, documents_for
from tests.factories import api_key_for

EXAMPLES = 15

SCHEMA = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
schema = schemathesis.openapi.from_dict(SCHEMA)
schema.app = get_wsgi_application()

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.negative_data_rejection,
]


@pytest.fixture
def in_test_transaction():
    # Django's WSGI handler closes the database connection around each request; the test's
    # transaction (and the data below) would go with it. Django's test client does the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world, receive, in_test_transaction):
    """A receptionist's token, and a dossier and procedure for the generated codes to meet."""
    from django.utils import timezone

    receive(at=timezone.now())
    Procedure.objects.filter(pk=world.version.procedure_id)  # the catalog has one procedure
    return api_key_for(world.receptionist)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


def test_schema_describes_the_paginated_list_and_errors():
    list_get = SCHEMA["paths"]["/api/v1/dossiers"]["get"]
    ok = list_get["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/DossierPage")
    assert {"400", "401", "403", "404"} <= set(list_get["responses"])
    names = {p["name"] for p in list_get["parameters"]}
    assert {"unit", "status", "national_status", "overdue", "holder", "q", "page"} <= names
    action = SCHEMA["paths"]["/api/v1/dossiers/{code}/actions/{action}"]["post"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(action["responses"])


__all__ = ["APPLICANT", "documents_for"]
