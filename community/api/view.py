"""The GraphQL endpoint: graphql-server's ASGI view with Haowu's rules added.

- documents come from :class:`DocumentCache` (parsed, validated and limit-checked once per
  query text) and may be sent as a persisted ``documentId``;
- a bearer token that does not open a session is a 401; cookie-authenticated mutations need
  the CSRF header (403 otherwise);
- unexpected exceptions are masked as "Internal error" with the request id, which the log has.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from graphql import (
    ExecutionContext,
    ExecutionResult,
    GraphQLError,
    OperationType,
    get_operation_ast,
)
from graphql.pyutils import is_awaitable as default_is_awaitable
from graphql_server.asgi import GraphQL
from graphql_server.exceptions import ConnectionRejectionError, GraphQLValidationError
from graphql_server.http import GraphQLHTTPResponse, GraphQLRequestData
from graphql_server.runtime import execute
from graphql_server.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from graphql_server.types.unset import UNSET
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from tortoise.models import Model

from community.api.context import (
    AuthFailure,
    Context,
    authenticate_connection,
    clear_session_cookies,
)
from community.api.documents import DocumentCache, PersistedOperations
from community.infra import logs
from community.infra.errors import DomainError

__all__ = ["HaowuGraphQL"]

log = logging.getLogger(__name__)


class Refused(Exception):
    """A request refused before execution, answered as JSON with an HTTP status."""

    def __init__(self, status: int, code: str, message: str, **headers: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def _error_body(code: str, message: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def public_errors(errors: list[GraphQLError]) -> list[dict[str, Any]]:
    """Errors as clients see them: GraphQL and domain errors as they are, the rest masked."""
    out: list[dict[str, Any]] = []
    for error in errors:
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            out.append(error.formatted)  # type: ignore[arg-type]
            continue
        formatted: dict[str, Any] = dict(error.formatted)
        if isinstance(original, DomainError):
            formatted["message"] = original.message
            formatted["extensions"] = {"code": original.code.value}
        else:
            rid = logs.request_id.get()
            log.error("internal error at %s", error.path, exc_info=original)
            formatted["message"] = f"Internal error (request id {rid})."
            formatted["extensions"] = {"code": "INTERNAL", "requestId": rid}
        out.append(formatted)
    return out


_PLAIN = frozenset({str, int, bool, float, type(None), list, dict, tuple})


class ModelsAreValues(ExecutionContext):
    """Tortoise models define ``__await__`` (awaiting one gives itself back), so graphql-core
    took every object a resolver returned for a coroutine: a 20-post feed page went through
    some 110 awaits and 80 ``asyncio.gather`` calls it did not need. Here a model is a value."""

    @staticmethod
    def is_awaitable(value: Any) -> bool:
        # Asked of every field's value: leaf values, the most common, answer at once.
        if type(value) in _PLAIN:
            return False
        return not isinstance(value, Model) and default_is_awaitable(value)


class _TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Validates subscribe messages through the view's document cache and limits."""

    async def handle_subscribe(self, message: Any) -> None:
        if self.connection_acknowledged and isinstance(message.get("payload"), dict):
            view: HaowuGraphQL = self.view  # type: ignore[assignment]
            try:
                query = view.resolve_query(message["payload"])
            except Refused as refused:
                error = {"message": refused.message, "extensions": {"code": refused.code}}
                await self.send_message({"id": message["id"], "type": "error", "payload": [error]})
                return
            if query:
                cached = view.documents.get(query)
                if cached.errors:
                    await self.send_message(
                        {
                            "id": message["id"],
                            "type": "error",
                            "payload": [e.formatted for e in cached.errors],
                        }
                    )
                    return
        await super().handle_subscribe(message)


class HaowuGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = _TransportWSHandler

    def __init__(
        self, schema: Any, documents: DocumentCache, operations: PersistedOperations
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql", keep_alive=True, keep_alive_interval=15)
        self.documents = documents
        self.operations = operations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except Refused as refused:
            response = JSONResponse(
                _error_body(refused.code, refused.message),
                status_code=refused.status,
                headers=refused.headers,
            )
            await response(scope, receive, send)

    def resolve_query(self, data: dict[str, Any]) -> str | None:
        """The query text of a request body: sent directly, or by persisted ``documentId``."""
        document_id = data.get("documentId")
        if document_id is not None and not data.get("query"):
            text = self.operations.by_id.get(str(document_id))
            if text is None:
                raise Refused(400, "PERSISTED_QUERY_NOT_FOUND", "Unknown documentId.")
            return text
        query = data.get("query")
        return query if isinstance(query, str) else None

    async def get_graphql_request_data(
        self, request: Any, context: Context, data: dict[str, Any], protocol: Any
    ) -> GraphQLRequestData:
        query = self.resolve_query(data) if isinstance(data, dict) else None
        document = None
        if query:
            document = self.documents.get(query).document
            if document is not None and protocol != "subscription":
                self._check_csrf(document, data.get("operationName"), context)
        return GraphQLRequestData(
            query=query if query is not None else data.get("query"),
            document=document,
            variables=data.get("variables"),
            operation_name=data.get("operationName"),
            extensions=data.get("extensions"),
            protocol=protocol,
        )

    @staticmethod
    def _check_csrf(document: Any, operation_name: Any, context: Context) -> None:
        operation = get_operation_ast(document, operation_name)
        if (
            operation is not None
            and operation.operation == OperationType.MUTATION
            and not context.csrf_ok()
        ):
            raise Refused(403, "CSRF_FAILED", "Missing or wrong X-CSRF-Token header.")

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        context = Context(request=request, response=response, request_id=logs.request_id.get())
        if isinstance(request, Request):
            try:
                (
                    context.auth,
                    context.auth_via,
                    context.clear_cookie,
                ) = await authenticate_connection(request)
                if context.clear_cookie:
                    clear_session_cookies(response)
            except AuthFailure as failure:
                raise Refused(
                    401,
                    failure.error.code.value,
                    failure.error.message,
                    **{"WWW-Authenticate": 'Bearer error="invalid_token"'},
                ) from None
        return context

    async def on_ws_connect(self, context: Context) -> Any:
        """WebSockets authenticate with ``{"authorization": "Bearer …"}`` in connection_init,
        or with the web app's cookie when the page is same-origin."""
        params = context.connection_params or {}
        authorization = params.get("authorization") or params.get("Authorization")
        conn = context.request
        if not authorization and conn.cookies:
            origin = conn.headers.get("origin")
            if origin and origin.split("://", 1)[-1] != conn.headers.get("host"):
                raise ConnectionRejectionError()  # cross-site WebSocket with our cookie
        try:
            context.auth, context.auth_via, _ = await authenticate_connection(
                conn, authorization=str(authorization) if authorization else None
            )
        except AuthFailure:
            raise ConnectionRejectionError() from None
        return UNSET

    async def execute_operation(
        self,
        request_adapter: Any,
        request_data: GraphQLRequestData,
        context: Context,
        root_value: Any,
        allowed_operation_types: set[OperationType],
    ) -> ExecutionResult:
        if request_data.protocol == "multipart-subscription" or not request_data.query:
            return await super().execute_operation(
                request_adapter, request_data, context, root_value, allowed_operation_types
            )
        cached = self.documents.get(request_data.query)
        if cached.errors:
            raise GraphQLValidationError(list(cached.errors))
        return await execute(
            schema=self.schema,
            query=cached.document,
            root_value=root_value,
            variable_values=request_data.variables,
            context_value=context,
            operation_name=request_data.operation_name,
            allowed_operation_types=allowed_operation_types,
            execution_context_class=ModelsAreValues,
            validate_document=False,
        )

    async def process_result(
        self, request: Any, result: ExecutionResult, strict: bool = False
    ) -> GraphQLHTTPResponse:
        body: GraphQLHTTPResponse = {} if strict and not result.data else {"data": result.data}
        if result.errors:
            body["errors"] = public_errors(result.errors)  # type: ignore[typeddict-item]
        if result.extensions:
            body["extensions"] = result.extensions
        return body

    def encode_json(self, data: object) -> str:
        # orjson: a 14 KB feed page encodes in a tenth of json.dumps's time (measured).
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def create_response(
        self, response_data: GraphQLHTTPResponse, sub_response: Response, is_strict: bool
    ) -> Response:
        response = super().create_response(response_data, sub_response, is_strict)
        response.headers.setdefault("cache-control", "no-store")
        return response
