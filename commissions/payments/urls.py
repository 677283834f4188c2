from django.urls import path

from commissions.payments import views

app_name = "payments"

urlpatterns = [
    # Coming back from Checkout, and the status the page polls
    path("<uuid:public_id>/return/", views.payment_return, name="return"),
    path("<uuid:public_id>/status/", views.payment_status, name="status"),
    # Stripe's webhook
    path("stripe/webhook/", views.stripe_webhook, name="webhook"),
    # The local test-payment page (only without Stripe keys)
    path("test-checkout/<str:session_id>/", views.test_checkout, name="test_checkout"),
]
