from django.conf import settings


def site(request):
    user = getattr(request, "user", None)

    def is_staff_member() -> bool:
        # Called by the template only when it asks (the header's dossier search box).
        from motcua.org import permissions

        return bool(user is not None and user.is_authenticated
                    and permissions.is_staff_member(user))

    return {
        "province_name": settings.MOTCUA_PROVINCE_NAME,
        "site_name": f"Trung tâm Phục vụ hành chính công tỉnh {settings.MOTCUA_PROVINCE_NAME}",
        "is_staff_member": is_staff_member,
    }
