"""Accounts: ``me``, ``user``, ``interests``; register / login / logout / updateProfile;
the ``userUpdated`` subscription."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import graphene

from community.accounts import services as accounts
from community.accounts.models import INTERESTS
from community.accounts.models import User as UserModel
from community.api.accounts.types import Interest, User
from community.api.context import clear_session_cookies, set_session_cookies
from community.api.errors import Mutation
from community.api.relay import decode_id
from community.infra import runtime
from community.infra.events import channel

__all__ = ["AccountMutations", "AccountQueries", "AccountSubscriptions"]


class AccountQueries(graphene.ObjectType):
    me = graphene.Field(User, description="The logged-in account, or null.")
    user = graphene.Field(
        User,
        username=graphene.String(),
        id=graphene.ID(),
        description="A member by username or ID, or null when there is none.",
    )
    interests = graphene.List(
        graphene.NonNull(Interest), required=True, description="Interests a profile can pick."
    )

    @staticmethod
    def resolve_me(root: Any, info: Any) -> UserModel | None:
        return info.context.viewer

    @staticmethod
    async def resolve_user(
        root: Any, info: Any, username: str | None = None, id: str | None = None
    ) -> UserModel | None:
        if id is not None:
            return await User.get_node(info, decode_id(id, "User"))
        if username:
            user = await UserModel.get_or_none(username_key=username.lower())
            return await User.get_node(info, user.id) if user else None
        return None

    @staticmethod
    def resolve_interests(root: Any, info: Any) -> list[Interest]:
        return [Interest(slug=slug, name=name) for slug, name in INTERESTS.items()]


def _start_session(info: Any, auth: accounts.Authenticated) -> None:
    # The rest of this response already sees the new session (e.g. the user's own email).
    info.context.auth, info.context.auth_via = auth, "bearer"
    max_age = runtime.get().settings.session_days * 86400
    set_session_cookies(info.context.response, auth.token, max_age)


class RegisterInput(graphene.InputObjectType):
    username = graphene.String(required=True)
    email = graphene.String(required=True)
    password = graphene.String(required=True)


class Register(Mutation):
    """Create an account and log in. The web app also gets a session cookie."""

    class Arguments:
        input = RegisterInput(required=True)

    user = graphene.Field(User)
    token = graphene.String(description="Bearer token for API clients.")

    @classmethod
    async def perform(cls, info: Any, input: RegisterInput) -> Register:
        auth = await accounts.register(
            username=input.username,
            email=input.email,
            password=input.password,
            user_agent=info.context.request.headers.get("user-agent", ""),
            address=info.context.client_address,
        )
        _start_session(info, auth)
        return cls(user=auth.user, token=auth.token)


class LoginInput(graphene.InputObjectType):
    login = graphene.String(required=True, description="Username or email.")
    password = graphene.String(required=True)


class Login(Mutation):
    """Log in with username or email; throttled per account and per client address."""

    class Arguments:
        input = LoginInput(required=True)

    user = graphene.Field(User)
    token = graphene.String(description="Bearer token for API clients.")

    @classmethod
    async def perform(cls, info: Any, input: LoginInput) -> Login:
        auth = await accounts.login(
            login=input.login,
            password=input.password,
            address=info.context.client_address,
            user_agent=info.context.request.headers.get("user-agent", ""),
        )
        _start_session(info, auth)
        return cls(user=auth.user, token=auth.token)


class Logout(Mutation):
    """Revoke the current session (its token and cookie stop working)."""

    ok = graphene.Boolean(required=True)

    @classmethod
    async def perform(cls, info: Any) -> Logout:
        ctx = info.context
        if ctx.auth is not None:
            await accounts.logout(ctx.auth.session)
        clear_session_cookies(ctx.response)
        return cls(ok=True)


class UpdateProfileInput(graphene.InputObjectType):
    display_name = graphene.String()
    bio = graphene.String()
    avatar_url = graphene.String()
    interests = graphene.List(graphene.NonNull(graphene.String), description="Interest slugs.")


class UpdateProfile(Mutation):
    """Edit your profile; omitted fields keep their value, null clears them."""

    class Arguments:
        input = UpdateProfileInput(required=True)

    user = graphene.Field(User)

    @classmethod
    async def perform(cls, info: Any, input: UpdateProfileInput) -> UpdateProfile:
        # The input holds only the keys the client sent, so omitted fields stay unset.
        user = await accounts.update_profile(info.context.require_user(), **dict(input))
        return cls(user=user)


class AccountMutations(graphene.ObjectType):
    register = Register.Field()
    login = Login.Field()
    logout = Logout.Field()
    update_profile = UpdateProfile.Field()


class AccountSubscriptions(graphene.ObjectType):
    user_updated = graphene.Field(
        User,
        id=graphene.ID(required=True),
        description="The member's profile each time it changes, from any server process.",
    )

    @staticmethod
    async def subscribe_user_updated(root: Any, info: Any, id: str) -> AsyncIterator[Any]:
        pk = decode_id(id, "User")
        async for _ in runtime.get().broker.subscribe(channel("user", pk)):
            # A fresh loader per message: the context (and its loaders) lives as long as the socket.
            user = await UserModel.get_or_none(id=pk)
            if user is not None:
                yield user
