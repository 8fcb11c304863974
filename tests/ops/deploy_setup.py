"""Data for the multi-node test (run in a subprocess against the fresh database): the
dossier suite's world, one dossier brought to "returned" (it has a stored result file), an API
token for the receptionist. Prints JSON on the last line."""

import datetime as dt
import json

import django

django.setup()

from motcua.audit.context import CLI, audit_context  # noqa: E402
from motcua.dossiers import services  # noqa: E402
from motcua.dossiers.transitions import TRANSITIONS  # noqa: E402
from motcua.org.models import Role  # noqa: E402
from tests.dossiers.conftest import APPLICANT, PATHS, actor_for, documents_for, params_for  # noqa: E402
from tests.factories import (  # noqa: E402
    CenterFactory,
    UnitFactory,
    api_key_for,
    published_procedure,
    staff,
    vn,
)


class World:
    pass


with audit_context(channel=CLI):
    w = World()
    w.center = CenterFactory(code="000.00.01.H15")
    w.agency = UnitFactory(code="000.00.02.H15", name="Sở Xây dựng")
    w.partner = UnitFactory(code="000.00.03.H15", name="Sở Tài chính")
    w.receptionist = staff(Role.RECEPTIONIST, w.center, username="tiepnhan")
    w.manager = staff(Role.CENTER_MANAGER, w.center, username="quanly")
    w.leader = staff(Role.LEADER, w.agency, username="lanhdao")
    w.specialist = staff(Role.SPECIALIST, w.agency, username="chuyenvien")
    w.partner_specialist = staff(Role.SPECIALIST, w.partner, username="phoihop")
    for name in ("foreign_leader", "foreign_specialist", "foreign_receptionist"):
        setattr(w, name, w.receptionist)
    w.version = published_procedure(agency=w.agency, receiving_units=[w.center], time_value=5)
    at = vn(2026, 3, 2, 8, 0)
    dossier = services.dossier_receive(
        actor=w.receptionist, procedure_version=w.version, receiving_unit=w.center,
        applicant=APPLICANT, documents=documents_for(w.version), at=at)
    for action in PATHS["returned"]:
        at += dt.timedelta(minutes=30)
        services.dossier_act(actor=actor_for(w, TRANSITIONS[action], dossier), dossier=dossier,
                             action=action, at=at, **params_for(w, action))
        dossier.refresh_from_db()

print(json.dumps({
    "token": api_key_for(w.receptionist),
    "procedure": w.version.procedure.code,
    "receiving_unit": w.center.code,
    "documents": [d.pk for d in w.version.documents.all()],
    "returned": dossier.code,
    "result_file": dossier.result_file.name,
}))
