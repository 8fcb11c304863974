"""Every demo dossier (one per state, from dossiers/demo.py) opens on the workspace pages for the
center manager, with the lists and the apology register around it."""

from __future__ import annotations

import time_machine

from motcua.dossiers.models import Dossier
from tests.factories import vn


def test_every_demo_dossier_page_renders(db, client):
    from django.contrib.auth import get_user_model

    from motcua.demo import load_demo
    from motcua.dossiers.demo import load_demo_dossiers

    with time_machine.travel(vn(2026, 11, 23, 9, 0), tick=False):
        load_demo()
        load_demo_dossiers()
        statuses = set(Dossier.objects.values_list("status", flat=True))
        assert len(statuses) >= 10
        manager = get_user_model().objects.get(username="quanly")
        client.force_login(manager)
        for key in ("mine", "unit", "due_soon", "overdue", "paused", "to_return", "all"):
            assert client.get(f"/can-bo/ho-so/?list={key}").status_code == 200
        for code in Dossier.objects.values_list("code", flat=True):
            response = client.get(f"/can-bo/ho-so/{code}/")
            assert response.status_code == 200, code
        assert client.get("/can-bo/xin-loi/").status_code == 200
        assert client.get("/can-bo/").status_code == 200
