from django.conf import settings


def site(request):
    return {
        "province_name": settings.MOTCUA_PROVINCE_NAME,
        "site_name": f"Trung tâm Phục vụ hành chính công tỉnh {settings.MOTCUA_PROVINCE_NAME}",
    }
