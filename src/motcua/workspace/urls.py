from django.urls import path

from motcua.workspace import complaints, counter, courier_views, downloads, files, views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("ho-so/", views.dossier_list, name="list"),
    path("tim/", views.search, name="search"),
    path("ho-so/<str:code>/", views.dossier_detail, name="dossier"),
    path("ho-so/<str:code>/ket-qua/", downloads.result_file, name="result_file"),
    path("ho-so/<str:code>/tep/<int:file_id>/", files.citizen_file, name="citizen_file"),
    path("ho-so/<str:code>/so-hoa/", files.digitise, name="digitise"),
    path("ho-so/<str:code>/thao-tac/<slug:action>/", views.dossier_action, name="action"),
    path("tiep-nhan/", views.intake, name="intake"),
    path("tiep-nhan/thu-tuc/", views.intake_procedures, name="intake_procedures"),
    path("tiep-nhan/giay-to/", views.intake_documents, name="intake_documents"),
    path("tiep-nhan/kiem-tra/", views.intake_validate, name="intake_validate"),
    path("tiep-nhan/huong-dan/<int:pk>/", views.guidance, name="guidance"),
    path("xin-loi/", views.apologies, name="apologies"),
    path("buu-chinh/", courier_views.courier_home, name="courier"),
    path("buu-chinh/lo/<str:token>/", courier_views.courier_batch, name="courier_batch"),
    path("buu-chinh/lo/<str:token>/bien-ban.pdf", courier_views.courier_batch_pdf,
         name="courier_batch_pdf"),
    path("ho-so/<str:code>/chuyen-phat/", courier_views.dossier_delivery,
         name="dossier_delivery"),
    path("chung-thuc-ban-sao/", courier_views.certify_copy, name="certify_copy"),
    path("quay/", counter.counter_page, name="counter"),
    path("phan-anh/", complaints.complaint_list, name="complaints"),
    path("phan-anh/<str:code>/", complaints.complaint_detail, name="complaint"),
]
