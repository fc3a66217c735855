// The one GraphQL client of the web app. Named operations (graphql/operations/*.graphql)
// are sent by persisted documentId; cookie sessions send the CSRF header on mutations.
import { createClient } from "graphql-ws";

let manifest = null;

async function operations() {
  if (!manifest) {
    const response = await fetch("/operations.json", { credentials: "same-origin" });
    manifest = await response.json();
  }
  return manifest;
}

function cookie(name) {
  const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

export class ApiError extends Error {}

// Run a named operation; resolves to { data, errors } (GraphQL errors, not thrown).
export async function gql(name, variables = {}) {
  const ids = await operations();
  if (!ids[name]) throw new ApiError(`Unknown operation ${name}`);
  const headers = { "content-type": "application/json", accept: "application/json" };
  const csrf = cookie("haowu_csrf");
  if (csrf) headers["x-csrf-token"] = csrf;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      credentials: "same-origin",
      headers,
      body: JSON.stringify({ documentId: ids[name], variables, operationName: name }),
    });
  } catch (e) {
    return { data: null, errors: [{ message: "Network error: is the server running?" }] };
  }
  let body;
  try {
    body = await response.json();
  } catch (e) {
    return { data: null, errors: [{ message: `Server error (${response.status})` }] };
  }
  return { data: body.data || null, errors: body.errors || [] };
}

// Run a named mutation with { input }; resolves to its payload, always with `errors`
// (UserErrors, or one general error when the request itself failed).
export async function mutate(name, input) {
  const { data, errors } = await gql(name, input === undefined ? {} : { input });
  const payload = data && Object.values(data)[0];
  if (!payload) return { errors: errors.map((e) => ({ field: null, code: "ERROR", message: e.message })) };
  return payload;
}

let wsClient = null;

// Subscribe to a named subscription; calls onNext(data) for each event. Returns unsubscribe.
export function subscribe(name, variables, onNext) {
  let stop = () => {};
  let stopped = false;
  operations().then((ids) => {
    if (stopped) return;
    if (!wsClient) {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      wsClient = createClient({ url: `${scheme}://${location.host}/graphql`, lazy: true, retryAttempts: 20 });
    }
    // The server resolves persisted documentIds on the socket too.
    stop = wsClient.subscribe(
      { documentId: ids[name], variables },
      { next: (result) => result.data && onNext(result.data), error: () => {}, complete: () => {} },
    );
  });
  return () => {
    stopped = true;
    stop();
  };
}

// After log-in / log-out the socket must reconnect with the new cookie.
export function resetSocket() {
  if (wsClient) wsClient.dispose();
  wsClient = null;
}
