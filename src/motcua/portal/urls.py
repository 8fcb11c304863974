from django.urls import path

from motcua.portal import citizen_views as cv
from motcua.portal import verify_views, views

app_name = "portal"
urlpatterns = [
    # First: the status lookup is the portal's busiest page (each receipt's QR code), and a
    # request is matched against the patterns in order.
    path("tra-cuu/", views.lookup, name="lookup"),
    path("tra-cuu/<str:code>/", views.lookup_result, name="lookup-result"),
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedures"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", cv.apply_start, name="apply-start"),
    path("nop-ho-so/<int:pk>/nguoi-nop/", cv.apply_applicant, name="apply-applicant"),
    path("nop-ho-so/<int:pk>/yeu-cau/", cv.apply_request, name="apply-request"),
    path("nop-ho-so/<int:pk>/giay-to/<int:n>/", cv.apply_document, name="apply-document"),
    path("nop-ho-so/<int:pk>/nhan-ket-qua/", cv.apply_delivery, name="apply-delivery"),
    path("nop-ho-so/<int:pk>/kiem-tra/", cv.apply_review, name="apply-review"),
    path("nop-ho-so/<int:pk>/xoa/", cv.draft_delete, name="draft-delete"),
    path("ho-so-cua-toi/", cv.my_dossiers, name="my-dossiers"),
    path("cong-dan/thong-bao/", cv.my_notifications, name="my-notifications"),
    path("ho-so-cua-toi/<str:code>/", cv.my_dossier, name="my-dossier"),
    path("ho-so-cua-toi/<str:code>/rut-ho-so/", cv.my_withdraw, name="my-withdraw"),
    path("ho-so-cua-toi/<str:code>/ket-qua/", cv.my_result, name="my-result"),
    path("ho-so-cua-toi/<str:code>/xac-nhan.pdf", cv.my_receipt_pdf, name="my-receipt"),
    path("ho-so-cua-toi/<str:code>/phieu-yeu-cau-bo-sung.pdf", cv.my_supplement_notice,
         name="my-supplement-notice"),
    path("ho-so-cua-toi/<str:code>/tep/<int:file_id>/", cv.my_file, name="my-file"),
    path("linh-vuc/<slug:slug>/", views.field_detail, name="field"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency"),
    path("xac-thuc-ket-qua/", verify_views.verify_result_upload, name="verify_result"),
    path("xac-thuc-ket-qua/<str:token>/", verify_views.verify_result_token,
         name="verify_result_token"),
]
