"""`{% tile_attrs %}`: the tile layer's data attributes for a map div, from the environment."""

from django import template
from django.conf import settings
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def tile_attrs():
    url = settings.YZYH_TILE_URL or ""
    if url and settings.YZYH_TILE_KEY:
        url = url.replace("{key}", settings.YZYH_TILE_KEY)
    return format_html('data-tiles="{}" data-tile-subdomains="{}" data-tile-attribution="{}"',
                       url, settings.YZYH_TILE_SUBDOMAINS, settings.YZYH_TILE_ATTRIBUTION)
