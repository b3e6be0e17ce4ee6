from payback.core.commands import StaffMemberCommand
from payback.staff.models import User
from payback.staff.two_factor import devices_reset


class Command(StaffMemberCommand):
    help = "Remove a member of staff's authenticator app (a lost phone): they set up a new one at their next sign-in."
    username_help = "The member of staff whose authenticator app is removed"

    def change(self, user: User) -> str:
        devices_reset(actor=None, user=user)
        return f"Authenticator app of {user.username} removed: a new one is set up at the next sign-in"
