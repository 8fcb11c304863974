"""The paper trail follows the dossier (receiver of ``dossiers.events.status_changed``).

* ``transfer`` of a paper dossier to another unit: the paper waits at the center for the next
  courier run to that unit (chờ chuyển).
* ``issue``: a paper dossier at the agency has its paper result wait there for a run back to
  the center; one that never left the center is simply at the center.

Online dossiers (no paper) have no trail. Runs in the dossier's transaction, so a rolled-back
transition leaves no trail either.
"""

from __future__ import annotations

from motcua.courier.models import CustodyEvent, PaperTrail, TrailState
from motcua.dossiers.states import Channel


def move(trail: PaperTrail, *, state: str, at, place=None, holder=None, destination=None,
         batch=None, actor=None, note: str = "") -> None:
    """Set where the paper is and append the custody event (the only writer of both)."""
    trail.state, trail.place, trail.holder = state, place, holder
    trail.destination, trail.since = destination, at
    trail.save()
    CustodyEvent.objects.create(dossier_id=trail.dossier_id, at=at, state=state, place=place,
                                holder=holder, batch=batch, actor=actor, note=note[:500])


def status_changed_receiver(sender, *, dossier, change, **kwargs) -> None:
    if change.action == "transfer":
        if dossier.channel == Channel.ONLINE or dossier.current_unit_id == dossier.receiving_unit_id:
            return
        trail = PaperTrail.objects.filter(dossier=dossier).first() or PaperTrail(dossier=dossier)
        move(trail, state=TrailState.WAITING_OUT, at=change.at, place=dossier.receiving_unit,
             destination=dossier.current_unit, actor=change.actor,
             note="Chờ chuyến bưu chính đến cơ quan giải quyết.")
    elif change.action == "issue":
        existing = PaperTrail.objects.filter(dossier=dossier).first()
        if existing is None:
            return
        if existing.state == TrailState.AT_AGENCY:
            move(existing, state=TrailState.WAITING_BACK, at=change.at, place=existing.place,
                 destination=dossier.receiving_unit, actor=change.actor,
                 note="Kết quả chờ chuyến bưu chính về trung tâm.")
        elif existing.state == TrailState.WAITING_OUT:
            move(existing, state=TrailState.AT_CENTER, at=change.at, place=dossier.receiving_unit,
                 actor=change.actor, note="Đã có kết quả trước khi chuyển hồ sơ giấy.")
