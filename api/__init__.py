"""The partner REST API's shared machinery: authentication by API client, scopes,
versions (ETag/If-Match), idempotent POSTs, errors, pagination and webhooks.

Each domain app keeps its own endpoints (``<app>/api.py``); they all build on the base
classes here, which apply the app's ``visible_to``/``editable_by`` rules.
"""
