from django.urls import path

from motcua.payments import views

app_name = "payments"
urlpatterns = [
    path("vnpay/ipn/", views.vnpay_ipn, name="vnpay_ipn"),
    path("vnpay/tra-ve/", views.vnpay_return, name="vnpay_return"),
    path("sandbox/vnpay/", views.sandbox_gateway, name="sandbox"),
    path("quay/<str:code>/", views.counter, name="counter"),
    path("bien-lai/<int:pk>/", views.receipt, name="receipt"),
    path("bien-lai/<int:pk>/pdf/", views.receipt, {"fmt": "pdf"}, name="receipt_pdf"),
    path("<str:code>/", views.pay, name="pay"),
]
