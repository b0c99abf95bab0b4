"""core.links.object_paths: one reverse() for a page of rows, the same links as reverse() per row."""

import pytest
from django.urls import NoReverseMatch, reverse

from yizuyihui.core.links import object_paths


@pytest.mark.parametrize("name", ["cases:detail", "meetings:detail", "meetings:unit"])
def test_the_links_equal_reverse_for_every_number(name):
    href = object_paths(name)
    for pk in (1, 7, 10, 100, 12345678):
        assert href(pk) == reverse(name, args=[pk])


def test_a_pattern_not_ending_in_the_number_is_refused():
    with pytest.raises(ValueError):
        object_paths("cases:handler_search")  # <pk>/handlers/: the number is not last
    with pytest.raises(NoReverseMatch):
        object_paths("core:home")  # no number at all
    with pytest.raises(NoReverseMatch):
        object_paths("meetings:unit_act")  # unit/<id>/act/<action>/: more than the number
