"""`yzyh apikey create|revoke|list`: API keys for scripts and Open311 clients."""

from __future__ import annotations

import click

from yizuyihui.core.cli import setup_django


@click.group()
def apikey() -> None:
    """API keys (hashed at rest: a key is printed once, when it is made)."""


@apikey.command("create")
@click.option("--user", "username", required=True, help="the account the key acts as")
@click.option("--name", required=True, help="what uses the key, e.g. 12345 hotline bridge")
def create_cmd(username: str, name: str) -> None:
    setup_django()
    from django.contrib.auth import get_user_model

    from yizuyihui.accounts.apikeys import apikey_create

    try:
        user = get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist as exc:
        raise click.ClickException(f"no user {username!r}") from exc
    key, raw = apikey_create(user=user, name=name)
    click.echo(f"key {key.pk} for {username} ({name}); store it now, it is not shown again:")
    click.echo(raw)


@apikey.command("revoke")
@click.argument("key_id", type=click.IntRange(1, 2**62))
def revoke_cmd(key_id: int) -> None:
    setup_django()
    from yizuyihui.accounts.apikeys import apikey_revoke
    from yizuyihui.accounts.models import ApiKey

    key = ApiKey.objects.select_related("user").filter(pk=key_id).first()
    if key is None:
        raise click.ClickException(f"no key {key_id}")
    apikey_revoke(key=key)
    click.echo(f"revoked key {key.pk} ({key.prefix}…) of {key.user.username}")


@apikey.command("list")
@click.option("--user", "username", default=None)
def list_cmd(username: str | None) -> None:
    setup_django()
    from yizuyihui.accounts.models import ApiKey

    qs = ApiKey.objects.select_related("user")
    if username:
        qs = qs.filter(user__username=username)
    for k in qs:
        state = "revoked" if k.revoked_at else "active"
        click.echo(f"{k.pk}\t{k.prefix}…\t{k.user.username}\t{k.name}\t{state}\tlast used {k.last_used_at or '-'}")


commands = [apikey]
