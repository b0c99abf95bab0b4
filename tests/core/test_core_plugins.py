"""The provider hooks of core/plugins.py."""

from __future__ import annotations

from yizuyihui.core import plugins


def test_provider_call_answers_with_the_registered_function_or_the_default():
    assert plugins.provider_call("test_hook", 1, default="none") == "none"
    plugins.register_provider("test_hook", lambda x, *, y=0: x + y)
    try:
        assert plugins.provider_call("test_hook", 1, y=2, default="none") == 3
    finally:
        plugins.unregister_provider("test_hook")
    assert plugins.provider_call("test_hook", 1, default="none") == "none"


def test_a_failing_provider_gives_the_default():
    def boom(_node):
        raise RuntimeError("down")

    plugins.register_provider("test_hook_fail", boom)
    try:
        assert plugins.provider_call("test_hook_fail", object(), default="normal") == "normal"
    finally:
        plugins.unregister_provider("test_hook_fail")
