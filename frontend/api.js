// The one GraphQL client of the web app. Named operations (graphql/operations/*.graphql)
// are sent by persisted documentId; cookie sessions send the CSRF header on mutations.
import { createClient } from "graphql-ws";

export class ApiError extends Error {}

// The manifest { OperationName: documentId } is fetched once and shared by every caller
// (a failed fetch is forgotten, so the next call tries again).
let manifest = null;

function operations() {
  if (!manifest) {
    manifest = fetch("/operations.json", { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new ApiError(`Could not load operations (${response.status})`);
        return response.json();
      })
      .catch((error) => {
        manifest = null;
        throw error;
      });
  }
  return manifest;
}

function cookie(name) {
  const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

// Run a named operation; resolves to { data, errors } (GraphQL errors, not thrown).
// The CSRF header goes with every request (the server checks it on cookie-authenticated
// mutations; a persisted documentId does not tell the client which operations those are).
export async function gql(name, variables = {}) {
  let ids;
  try {
    ids = await operations();
  } catch (e) {
    return { data: null, errors: [{ message: "Network error: is the server running?" }] };
  }
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
const active = new Set(); // live subscriptions: { name, variables, onNext, stop }

function socket() {
  if (!wsClient) {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    wsClient = createClient({ url: `${scheme}://${location.host}/graphql`, lazy: true, retryAttempts: 20 });
  }
  return wsClient;
}

function start(sub) {
  operations()
    .then((ids) => {
      if (!active.has(sub)) return;
      if (!ids[sub.name]) throw new ApiError(`Unknown operation ${sub.name}`);
      // The server resolves persisted documentIds on the socket too; graphql-ws insists on a
      // string `query`, and an empty one tells the server to use the documentId.
      sub.stop = socket().subscribe(
        { query: "", documentId: ids[sub.name], variables: sub.variables },
        {
          next: (result) => result.data && sub.onNext(result.data),
          error: (error) => console.warn(`subscription ${sub.name} failed`, error),
          complete: () => {},
        },
      );
    })
    .catch((error) => console.warn(`subscription ${sub.name} not started`, error));
}

// Subscribe to a named subscription; calls onNext(data) for each event. Returns unsubscribe
// (return it from a useEffect). The socket opens with the first subscription and
// authenticates with the session cookie.
export function subscribe(name, variables, onNext) {
  const sub = { name, variables, onNext, stop: () => {} };
  active.add(sub);
  start(sub);
  return () => {
    active.delete(sub);
    sub.stop();
  };
}

// After log-in / log-out the socket reconnects with the new cookie; live subscriptions
// move to the new socket.
export function resetSocket() {
  for (const sub of active) {
    sub.stop();
    sub.stop = () => {};
  }
  if (wsClient) wsClient.dispose();
  wsClient = null;
  for (const sub of active) start(sub);
}
