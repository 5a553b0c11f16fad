from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    """Django's model backend, loading the user's unit with the user: every staff page needs the unit for
    the scope check, so this saves a query on each of them."""

    def get_user(self, user_id):
        user = self._user_model()._default_manager.select_related("unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _user_model():
        from django.contrib.auth import get_user_model

        return get_user_model()
