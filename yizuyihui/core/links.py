"""Links to many objects of one kind on a page of rows, for the price of one `reverse()`.

`reverse()` walks the URL resolver on every call (~35 µs here); a worklist or a list of meetings
makes 20–70 of them, and the rows are the page's dearest part under load (docs/scale.md).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse


def object_paths(name: str) -> Callable[[int], str]:
    """pk → `reverse(name, args=[pk])`, for URL patterns ending in "<int:…>/" (checked once here)."""
    probe = reverse(name, args=[0])
    if not probe.endswith("/0/"):
        raise ValueError(f"{name} does not end in its object's number: {probe}")
    head = probe[:-2]
    return lambda pk: f"{head}{int(pk)}/"
