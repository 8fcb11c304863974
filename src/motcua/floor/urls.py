from django.urls import path

from motcua.floor import views

app_name = "floor"
urlpatterns = [
    path("dat-lich/", views.book, name="book"),
    path("dat-lich/xac-nhan/<str:token>/", views.confirmation, name="confirmation"),
    path("dat-lich/lich/<str:token>/", views.booking_ics, name="ics"),
    path("dat-lich/huy/<str:token>/", views.booking_cancel, name="cancel"),
    path("dat-lich/doi/<str:token>/", views.booking_change, name="change"),
    path("kiosk/<str:unit_code>/", views.kiosk, name="kiosk"),
    path("kiosk/<str:unit_code>/ma/<str:code>", views.kiosk_code, name="kiosk_code"),
    path("kiosk/<str:unit_code>/phieu/<str:token>/", views.kiosk_ticket, name="kiosk_ticket"),
    path("kiosk/<str:unit_code>/phieu/<str:token>/in/", views.kiosk_ticket_pdf,
         name="kiosk_ticket_pdf"),
    path("man-hinh/am-thanh/<str:key>.wav", views.speech, name="speech"),
    path("man-hinh/<str:unit_code>/", views.screen, name="display"),
    path("man-hinh/<str:unit_code>/su-kien/", views.events, name="events"),
    path("danh-gia/ho-so/<str:token>/", views.rate_dossier, name="rate_dossier"),
    path("danh-gia/<int:counter_id>/", views.rate_counter, name="rate"),
    path("phan-anh/", views.complaints, name="complaints"),
]
