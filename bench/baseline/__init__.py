"""The naive baseline of the case list API, written the textbook way: a DRF
``ModelViewSet`` filtered by django-guardian's ``get_objects_for_user`` over guardian's
generic permission tables. It exists only inside the benchmark (issue 9), to show what
Sinergi's scope columns are measured against; nothing in Sinergi imports it.
"""
