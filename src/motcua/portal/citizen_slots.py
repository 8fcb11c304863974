"""Links other features add to a citizen's dossier page ("Thanh toán", "Đánh giá"…): each
registers a function ``(request, dossier) -> {"label", "url"} | None``. The portal shows what
they return; the features never import the portal's pages."""

from __future__ import annotations

from collections.abc import Callable

SLOTS: list[Callable] = []


def register(slot: Callable) -> Callable:
    SLOTS.append(slot)
    return slot


def links_for(request, dossier) -> list[dict]:
    links = []
    for slot in SLOTS:
        link = slot(request, dossier)
        if link:
            links.append(link)
    return links
