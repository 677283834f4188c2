from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ShopBackend(ModelBackend):
    """Django's email-and-password backend, loading a logged-in person's maker profile
    (if any) with them: every page asks whether they are a maker, and this answers it
    without a query of its own."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("maker").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
