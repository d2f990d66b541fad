from django.urls import path

from siaga.intel import views

app_name = "intel"
urlpatterns = [
    path("", views.index, name="index"),
    path("li/baru/", views.li_new, name="li_new"),
    path("lapsus/baru/", views.lapsus_new, name="lapsus_new"),
    path("kirka/baru/", views.kirka_new, name="kirka_new"),
    path("produk/<int:pk>/", views.product_detail, name="product"),
    path("produk/<int:pk>/teruskan/", views.product_forward, name="forward"),
    # after teruskan/, which the format pattern would otherwise swallow
    path("produk/<int:pk>/<str:fmt>/", views.product_download, name="download"),
    path("terusan/<int:pk>/terima/", views.forward_ack, name="forward_ack"),
    path("lapinhar/", views.lapinhar, name="lapinhar"),
    path("deteksi-dini/", views.watch, name="watch"),
    path("kasus/", views.cases, name="cases"),
    path("kasus/<int:pk>/", views.case_detail, name="case"),
]
