"""The model backend, loading a session's user together with its wholesaler."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class MembershipModelBackend(ModelBackend):
    """Load the user with its wholesaler membership in the same query.

    ``SessionSecurityMiddleware`` checks the wholesaler's status on every request;
    with the join that check costs no query of its own.
    """

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related(
                "wholesaler_membership__wholesaler"
            ).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
