from django.urls import path

from motcua.printing import views

app_name = "printing"
urlpatterns = [
    path("ho-so/<str:code>/", views.dossier_forms, name="dossier_forms"),
    path("ho-so/<str:code>/<slug:form>/", views.dossier_form, name="dossier_form"),
    path(
        "ho-so/<str:code>/<slug:form>/pdf/", views.dossier_form, {"fmt": "pdf"},
        name="dossier_form_pdf",
    ),
    path("huong-dan/<int:pk>/mau-02/", views.guidance_form, name="guidance_form"),
    path(
        "huong-dan/<int:pk>/mau-02/pdf/", views.guidance_form, {"fmt": "pdf"},
        name="guidance_form_pdf",
    ),
    path("so-theo-doi/", views.register, name="register"),
    path("so-theo-doi/pdf/", views.register, {"fmt": "pdf"}, name="register_pdf"),
]
