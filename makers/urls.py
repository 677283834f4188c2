from django.urls import path

from makers import views

app_name = "makers"

urlpatterns: list = [
]
