from django.urls import path

from siaga.gakkumdu import views

app_name = "gakkumdu"
urlpatterns = [
    path("", views.index, name="index"),
    path("daftar/", views.register, name="register"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/lanjut/", views.advance, name="advance"),
]
