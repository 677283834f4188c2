from django.urls import path

from makers import views

urlpatterns = [
    path("", views.home, name="home"),
]
