from payback.core.commands import StaffMemberCommand
from payback.staff.models import User
from payback.staff.services import api_tokens_revoke_all


class Command(StaffMemberCommand):
    help = "Stop every working API token of a member of staff at once (the records stay, for the audit trail)."
    username_help = "The member of staff whose tokens stop working"

    def change(self, user: User) -> str:
        revoked = api_tokens_revoke_all(actor=None, user=user)
        return f"Revoked {revoked} API token{'' if revoked == 1 else 's'} of {user.username}"
