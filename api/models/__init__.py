from api.models.idempotency import IdempotencyKey
from api.models.requests import ApiRequestLog

__all__ = ["ApiRequestLog", "IdempotencyKey"]
