"""Versions over HTTP: every read carries an ``ETag``; every update must send it back in
``If-Match`` (428 without, 412 when someone changed the record in between)."""

from api.errors import PreconditionFailed, PreconditionRequired


def version_token(obj) -> str:
    """Models with a ``version`` counter use it; others their last change time."""
    version = getattr(obj, "version", None)
    if version is not None:
        return f"v{version}"
    return f"t{int(obj.updated_at.timestamp() * 1_000_000)}"


def etag_of(obj) -> str:
    return f'"{obj._meta.model_name}-{obj.pk}-{version_token(obj)}"'


def _offered_tags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def require_if_match(request, obj) -> None:
    """Refuse the write unless If-Match names the version of ``obj`` now stored.

    ``*`` is not accepted: it would skip the very check partners must make."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired
    if etag_of(obj) not in _offered_tags(header):
        raise PreconditionFailed


def expected_version(request, obj) -> int:
    """For models with a version counter: the version If-Match names, checked against
    ``obj``'s, which the service then re-checks in its conditional UPDATE."""
    require_if_match(request, obj)
    return obj.version
