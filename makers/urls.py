app_name = "makers"

urlpatterns: list = []
