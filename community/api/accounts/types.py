"""Account types as clients see them."""

from __future__ import annotations

from typing import Any

import graphene

from community.accounts import policy
from community.accounts.models import INTERESTS
from community.accounts.models import Role as RoleModel
from community.accounts.models import User as UserModel
from community.api.relay import Node

__all__ = ["Interest", "Role", "User"]

Role = graphene.Enum.from_enum(RoleModel, description="What an account may do besides shop.")


class Interest(graphene.ObjectType):
    slug = graphene.String(required=True)
    name = graphene.String(required=True)


class User(graphene.ObjectType):
    """A member of the community. Profiles are public; the email only to its owner."""

    class Meta:
        interfaces = (Node,)

    username = graphene.String(required=True)
    display_name = graphene.String(required=True)
    bio = graphene.String(required=True)
    avatar_url = graphene.String(description="An http(s) image address, or null.")
    interests = graphene.List(graphene.NonNull(Interest), required=True)
    roles = graphene.List(graphene.NonNull(Role), required=True)
    email = graphene.String(description="Only visible to the account itself and admins.")
    joined_at = graphene.DateTime(required=True)
    friend_count = graphene.Int(required=True)
    follower_count = graphene.Int(required=True)
    following_count = graphene.Int(required=True)
    mutual_friends = graphene.List(
        graphene.NonNull(lambda: User), required=True, description="Friends you share (up to 20)."
    )
    friends = graphene.List(
        graphene.NonNull(lambda: User),
        required=True,
        first=graphene.Int(default_value=50),
        description="Friends, most recent first (up to 100).",
    )
    relationship = graphene.Field(
        "community.api.social.account_fields.Relationship",
        description="How you relate to this person (null when logged out).",
    )
    timeline = graphene.ConnectionField(
        "community.api.social.types.PostConnection",
        required=True,
        description="Their posts that you may see, newest first.",
    )
    buyer_credit = graphene.Field(
        "community.api.ratings.types.Credit", required=True, description="Ratings as a buyer."
    )
    seller_credit = graphene.Field(
        "community.api.ratings.types.Credit", required=True, description="Ratings as a seller."
    )

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, UserModel)

    @classmethod
    async def get_node(cls, info: Any, pk: int) -> UserModel | None:
        from community.social.policy import can_view_user as not_blocked

        user = await info.context.loaders.user_by_id.load(pk)
        if user is None or not policy.can_view_user(info.context.viewer, user):
            return None
        if not not_blocked(await info.context.relations(), user.id):
            return None
        return user

    @staticmethod
    async def resolve_friend_count(user: UserModel, info: Any) -> int:
        from community.api.social.account_fields import counts

        return (await counts(info, user.id))[0]

    @staticmethod
    async def resolve_follower_count(user: UserModel, info: Any) -> int:
        from community.api.social.account_fields import counts

        return (await counts(info, user.id))[1]

    @staticmethod
    async def resolve_following_count(user: UserModel, info: Any) -> int:
        from community.api.social.account_fields import counts

        return (await counts(info, user.id))[2]

    @staticmethod
    async def resolve_mutual_friends(user: UserModel, info: Any) -> Any:
        from community.api.social.account_fields import mutual_friends

        return await mutual_friends(info, user.id)

    @staticmethod
    async def resolve_friends(user: UserModel, info: Any, first: int = 50) -> Any:
        from community.api.social.account_fields import friends

        return await friends(info, user.id, first)

    @staticmethod
    async def resolve_relationship(user: UserModel, info: Any) -> Any:
        from community.api.social.account_fields import relationship

        return await relationship(info, user.id)

    @staticmethod
    async def resolve_timeline(user: UserModel, info: Any, **args: Any) -> Any:
        from community.api.social.schema import user_timeline

        return await user_timeline(info, user.id, args.get("first"), args.get("after"))

    @staticmethod
    def resolve_avatar_url(user: UserModel, info: Any) -> str | None:
        return user.avatar_url or None

    @staticmethod
    def resolve_interests(user: UserModel, info: Any) -> list[Interest]:
        return [Interest(slug=s, name=INTERESTS[s]) for s in user.interests if s in INTERESTS]

    @staticmethod
    async def resolve_roles(user: UserModel, info: Any) -> list[str]:
        roles = await info.context.loaders.roles_by_user_id.load(user.id)
        return sorted(roles)

    @staticmethod
    async def resolve_email(user: UserModel, info: Any) -> str | None:
        viewer = info.context.viewer
        if viewer is None:
            return None
        viewer_roles = await info.context.loaders.roles_by_user_id.load(viewer.id)
        return user.email if policy.can_see_email(viewer, user, viewer_roles) else None

    @staticmethod
    def resolve_joined_at(user: UserModel, info: Any) -> Any:
        return user.created_at

    @staticmethod
    async def resolve_buyer_credit(user: UserModel, info: Any) -> Any:
        from community.api.ratings.types import credit_for
        from community.ratings.models import CreditRole

        return await credit_for(info, user.id, CreditRole.BUYER)

    @staticmethod
    async def resolve_seller_credit(user: UserModel, info: Any) -> Any:
        from community.api.ratings.types import credit_for
        from community.ratings.models import CreditRole

        return await credit_for(info, user.id, CreditRole.SELLER)
