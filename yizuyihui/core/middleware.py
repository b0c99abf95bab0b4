"""Chinese first: the UI is zh-hans unless the user picked English with the language switch.

LocaleMiddleware would otherwise follow the browser's Accept-Language, and many phones and
office PCs in China run with an English system language; the switch's cookie still wins.
"""

from django.conf import settings


def chinese_first(get_response):
    def middleware(request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware
