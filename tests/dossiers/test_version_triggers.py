"""The dossier's version (``lock_version``) and the change counter (``accounts.CacheGeneration``)
are kept by database triggers (migrations ``accounts.0004``, ``dossiers.0011``): every write
path raises them, whoever writes. The staff lookup's ETag (dossiers/conditional.py) and the
cached sign-in (accounts/tokens.py) rely on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from motcua.accounts.models import ApiToken
from motcua.accounts.tokens import current_generation
from motcua.dossiers import services
from motcua.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierStep,
    NoticeDelivery,
    StatusChange,
)
from motcua.dossiers.transitions import TRANSITIONS
from motcua.org.models import Membership, Role
from tests.dossiers.conftest import PATHS, actor_for, params_for
from tests.factories import vn

pytestmark = pytest.mark.django_db

# The rows the detail (dossiers/detail_body.py and its allowed_actions) reads besides the
# dossier's own: a write to any raises the dossier's version.
SHOWN = {DossierDocument, DossierStep, StatusChange, NoticeDelivery}
# Rows pointing at a dossier that the detail does not show (why, for each): their writes need
# not change the version. A new relation must be put in one of the two.
NOT_SHOWN = {
    "audit.AuditEvent": "the audit chain, not shown",
    "audit.AccessLog": "reads of the dossier, not shown",
    "dossiers.DossierPause": "pauses show through the dossier's status and due time",
    "dossiers.Apology": "the re-appointed due time is on the dossier row; the detail's "
                        "allowed_actions are computed without the apology",
    "dossiers.DeadlineWarning": "reminders sent, not shown",
    "interop.NationalPortalDossier": "synchronisation state, not shown",
    "interop.NationalPortalEvent": "synchronisation log, not shown",
    "payments.Payment": "the detail shows fee_total, a dossier column",
    "payments.FeeChoice": "idem",
    "floor.Ticket": "queue tickets, not shown",
    "floor.Rating": "citizen ratings, not shown",
    "citizens.Draft": "the online draft, not shown in the staff detail",
    "citizens.CitizenFile": "uploads show as DossierDocument rows once submitted",
}

TRIGGERS_SQLITE = {
    "dossiers_dossier_lock_version_bump",
    *(f"{t}_bumps_dossiers_dossier_{op}" for t in (
        "dossiers_dossierdocument", "dossiers_dossierstep", "dossiers_statuschange",
        "dossiers_noticedelivery") for op in ("insert", "update", "delete")),
    "accounts_apitoken_bumps_accounts_cachegeneration_update",
    "accounts_apitoken_bumps_accounts_cachegeneration_delete",
    "auth_user_bumps_accounts_cachegeneration_update",
    "auth_user_bumps_accounts_cachegeneration_delete",
    *(f"org_membership_bumps_accounts_cachegeneration_{op}"
      for op in ("insert", "update", "delete")),
    # Every write of what the intake keeps per process (migration dossiers.0013).
    *(f"{t}_bumps_accounts_cachegeneration_{op}" for t in (
        "org_unit", "catalog_field", "catalog_procedure", "catalog_procedureversion",
        "catalog_pv_receiving_units") for op in ("insert", "update", "delete")),
}


def version(d) -> int:
    return Dossier.objects.values_list("lock_version", flat=True).get(pk=d.pk)


def test_every_trigger_is_in_place():
    """A later migration that rebuilds one of these tables on SQLite drops its triggers
    silently: this names the missing one."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = {r[0] for r in cursor.fetchall()}
            assert TRIGGERS_SQLITE <= names, sorted(TRIGGERS_SQLITE - names)
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            names = {r[0] for r in cursor.fetchall()}
            expected = {n.rsplit("_", 1)[0] if n.endswith(("_insert", "_update", "_delete"))
                        else n for n in TRIGGERS_SQLITE}
            assert expected <= names, sorted(expected - names)


def test_every_relation_to_a_dossier_is_classified():
    related = {r.related_model for r in Dossier._meta.related_objects}
    labels = {m._meta.label for m in related}
    assert SHOWN <= related
    assert labels - {m._meta.label for m in SHOWN} == set(NOT_SHOWN), (
        "a new model points at Dossier: if the detail shows it, add its table to "
        "dossiers/migrations (a new migration calling dbrules.bump_parent_version) and SHOWN; "
        "otherwise say why in NOT_SHOWN")


def test_the_dossier_row_raises_its_version_whoever_writes(world, bring, frozen):
    d = bring("received")
    v = version(d)
    Dossier.objects.filter(pk=d.pk).update(notes="x")  # a bulk update: no save()
    assert version(d) == v + 1
    stale = Dossier.objects.get(pk=d.pk)
    stale.lock_version = 0  # an old copy written back: never goes back
    stale.save()
    assert version(d) == v + 2
    with connection.cursor() as cursor:
        cursor.execute("UPDATE dossiers_dossier SET notes = 'y' WHERE id = %s", [d.pk])
    assert version(d) == v + 3
    # A writer that raises it itself is not raised twice.
    Dossier.objects.filter(pk=d.pk).update(lock_version=v + 4)
    assert version(d) == v + 4


@pytest.mark.parametrize("model", sorted(SHOWN, key=lambda m: m.__name__),
                         ids=lambda m: m.__name__)
def test_each_shown_child_raises_the_version_on_insert_update_delete(world, bring, frozen,
                                                                      model):
    d = bring("returned")
    other = bring("received")
    if model is NoticeDelivery:
        NoticeDelivery.objects.create(dossier=d, how="counter", handed_to="An",
                                      handed_at=vn(2026, 3, 2, 9, 0),
                                      handed_by=world.receptionist)
        rows = NoticeDelivery.objects.filter(dossier=d)
        column = "handed_to"
    else:
        rows = model.objects.filter(dossier=d)
        column = {DossierDocument: "name", DossierStep: "name", StatusChange: "reason"}[model]
    assert rows.exists()
    one = rows.order_by("pk")[:1].get()
    v, w = version(d), version(other)
    model.objects.filter(pk=one.pk).update(**{column: "đổi"})
    assert version(d) == v + 1
    model.objects.filter(pk=one.pk).update(dossier=other)  # moved: both dossiers change
    assert (version(d), version(other)) == (v + 2, w + 1)
    model.objects.filter(pk=one.pk).delete()
    assert version(other) == w + 2
    one.pk = None
    one.dossier = d
    one.save()
    assert version(d) > v + 2


@pytest.mark.parametrize("status", sorted(PATHS))
def test_every_transition_raises_the_version(world, receive, status):
    """Each action of the table, taken through the service, on the way to each status."""
    at = vn(2026, 3, 2, 8, 0)
    d = receive(at=at)
    before = version(d)
    for action in PATHS[status]:
        at += dt.timedelta(minutes=30)
        services.dossier_act(actor=actor_for(world, TRANSITIONS[action], d), dossier=d,
                             action=action, at=at, **params_for(world, action))
        now = version(d)
        assert now > before, action
        before = now
        d.refresh_from_db()


def test_other_services_raise_the_version(world, bring, frozen):
    # A due time recomputed after a calendar change: the path no service bumped before.
    d = bring("appraising")
    v = version(d)
    Dossier.objects.filter(pk=d.pk).update(due_at=vn(2026, 3, 1, 8, 0))
    assert version(d) == v + 1
    d.refresh_from_db()
    assert services.dossier_recompute_due(dossier=d, actor=world.manager) is not None
    assert version(d) == v + 2
    # The closing notice handed over: allowed_actions loses "hand_over_notice".
    refused = bring("withdrawn")
    v = version(refused)
    services.dossier_hand_over_notice(actor=world.receptionist, dossier=refused, how="counter",
                                      handed_to="Nguyễn Văn An", at=vn(2026, 3, 2, 9, 0))
    assert version(refused) > v


def test_the_change_counter_moves_on_what_sign_ins_and_the_detail_depend_on(world):
    token = ApiToken.objects.create(user=world.specialist, name="t", key_hash="h" * 64,
                                    prefix="h", expires_at=vn(2027, 1, 1, 0, 0))
    g = current_generation()

    def moved(before):
        now = current_generation()
        return now > before, now

    # What does not matter does not move it (every login and the hourly "last used").
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=vn(2026, 3, 2, 9, 0))
    world.specialist.last_login = vn(2026, 3, 2, 9, 0)
    world.specialist.save(update_fields=["last_login"])
    assert current_generation() == g
    for change in (
        lambda: ApiToken.objects.filter(pk=token.pk).update(revoked_at=vn(2026, 3, 2, 9, 0)),
        lambda: ApiToken.objects.filter(pk=token.pk).update(expires_at=vn(2026, 4, 1, 0, 0)),
        lambda: ApiToken.objects.filter(pk=token.pk).delete(),
        lambda: world.specialist.set_password("mật khẩu mới 123") or world.specialist.save(),
        lambda: type(world.leader).objects.filter(pk=world.leader.pk).update(is_active=False),
        lambda: type(world.leader).objects.filter(pk=world.leader.pk).update(is_superuser=True),
        lambda: type(world.leader).objects.filter(pk=world.leader.pk).update(username="ld2"),
        lambda: Membership.objects.create(user=world.specialist, unit=world.partner,
                                          role=Role.SPECIALIST),
        lambda: Membership.objects.filter(user=world.specialist, unit=world.partner).update(
            valid_to=dt.date(2026, 1, 1)),
        lambda: Membership.objects.filter(user=world.specialist, unit=world.partner).delete(),
        lambda: type(world.agency).objects.filter(pk=world.agency.pk).update(code="X.1"),
        lambda: type(world.version.field).objects.filter(pk=world.version.field_id).update(
            code="LV-2"),
        lambda: type(world.version.procedure).objects.filter(
            pk=world.version.procedure_id).update(code="9.999"),
    ):
        change()
        ok, g = moved(g)
        assert ok
