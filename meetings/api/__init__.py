"""The partner API over meetings and action items (``/api/v1/meetings/``,
``/api/v1/action-items/``): what the meeting pages show an invitee, through the same
visibility rules and the same services."""
