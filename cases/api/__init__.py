"""The partner API over cases, their people, and complaints (``/api/v1/``)."""
