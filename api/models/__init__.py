from api.models.idempotency import IdempotencyKey
from api.models.requests import ApiRequestLog
from api.models.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "ApiRequestLog",
    "IdempotencyKey",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
