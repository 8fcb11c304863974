"""Small display helpers of the staff pages."""

from __future__ import annotations

from django import template

from motcua.workspace import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def can_receive(context) -> bool:
    """Whether the logged-in user is a receptionist of a receiving unit (shows "Tiếp nhận")."""
    if isinstance(context.get("can_receive"), bool):
        # The view has asked already (the home page).
        return context["can_receive"]
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and selectors.reception_units(user))


@register.simple_tag(takes_context=True)
def handles_complaints(context) -> bool:
    """Whether the user answers complaints in some unit (shows "Phản ánh, kiến nghị")."""
    from motcua.floor.permissions import complaint_unit_ids

    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and complaint_unit_ids(user))


@register.filter
def field_errors(form, name: str):
    """Errors of one field by name (for dynamically named checklist fields)."""
    return form.errors.get(name, [])


@register.filter
def person(user) -> str:
    """A staff member's name as written in Vietnamese: family name first (Đặng Văn Khoa)."""
    return selectors.person_name(user)


@register.filter
def vn_int(n) -> str:
    """12345 -> "12.345" (Vietnamese digit grouping, whatever the active format settings)."""
    return f"{int(n):,}".replace(",", ".")
