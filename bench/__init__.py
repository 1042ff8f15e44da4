"""The scale benchmark (issue 9): a synthetic national deployment, measured side by side.

``make bench`` (``python -m bench``) builds the dataset, serves it with the production
configuration and measures it; see docs/performance.md. Nothing here is imported by the
application itself.
"""
