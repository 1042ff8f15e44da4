"""Webhooks: signed HTTPS calls to agencies' endpoints when something happens that the
agency may see (docs/webhooks.md).

- ``events``: what each event carries and which agencies receive it; the workflow
  services call its ``*_emit`` functions inside their transactions.
- ``outbox``: writes one delivery row per subscribed endpoint in that transaction, and
  hands it to Celery once the transaction commits.
- ``delivery``: signs and sends one attempt, with retries, backoff and disabling.
- ``endpoints``: registering endpoints (the secret is shown once) and re-enabling them.
- ``targets``: which URLs may be called at all (HTTPS, no private addresses).
"""
