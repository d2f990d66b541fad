from django.urls import path

from siaga.operations import views

app_name = "operations"
urlpatterns = [
    path("", views.command, name="command"),
]
