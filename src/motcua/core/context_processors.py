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
        # Not ``site_name``: Django's sign-in views put their own ``site_name`` (the request's
        # host) in the context, and the header that shows this name is a fragment kept per
        # process, so the first page rendered would brand every later page with the host.
        "center_name": f"Trung tâm Phục vụ hành chính công tỉnh {settings.MOTCUA_PROVINCE_NAME}",
        "is_staff_member": is_staff_member,
    }
