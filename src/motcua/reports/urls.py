from django.urls import path

from motcua.reports import payments, views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("ho-so/", views.dossier_list_view, name="dossiers"),
    path("cong-khai/", views.transparency_view, name="transparency"),
    path("chi-so/", views.index_view, name="index766"),
    path("cham-diem/", views.scoring_view, name="scoring"),
    path("khoi-luong/", views.workload_view, name="workload"),
    path("tai-ve/", views.report_download_view, name="download"),
    path("thanh-toan/", payments.payments_view, name="payments"),
    path("san/", views.floor_view, name="floor"),
]
