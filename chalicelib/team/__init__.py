"""Team members, users and invitations."""
