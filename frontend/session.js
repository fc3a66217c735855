// Who is logged in: one shared store, refreshed after log-in, log-out and profile edits.
import { useState, useEffect } from "./lib.js";
import { gql, resetSocket } from "./api.js";

let state = { me: null, loading: true };
const listeners = new Set();

function set(next) {
  state = { ...state, ...next };
  listeners.forEach((fn) => fn(state));
}

export async function refreshSession() {
  const { data } = await gql("Me");
  set({ me: (data && data.me) || null, loading: false });
  return state.me;
}

export function sessionChanged() {
  resetSocket();
  return refreshSession();
}

export function useSession() {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    listeners.add(setCurrent);
    // Effects run after the next frame: the session may have been answered since the first
    // render, with nobody listening yet.
    setCurrent(state);
    return () => listeners.delete(setCurrent);
  }, []);
  return current;
}

refreshSession();
