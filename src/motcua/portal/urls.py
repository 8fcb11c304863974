from django.urls import path

from motcua.portal import verify_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedures"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path("linh-vuc/<slug:slug>/", views.field_detail, name="field"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("tra-cuu/<str:code>/", views.lookup_result, name="lookup-result"),
    path("xac-thuc-ket-qua/", verify_views.verify_result_upload, name="verify_result"),
    path("xac-thuc-ket-qua/<str:token>/", verify_views.verify_result_token,
         name="verify_result_token"),
]
