// History-API routing: routes are [pattern, Page] pairs; ":name" segments become params.
import { html, useState, useEffect } from "./lib.js";

const listeners = new Set();

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  window.scrollTo(0, 0);
  listeners.forEach((fn) => fn());
}

window.addEventListener("popstate", () => listeners.forEach((fn) => fn()));

// Same-origin <a href> clicks navigate without reloading.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[href]");
  if (!link || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || link.target === "_blank") return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith("/graphql")) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

export function usePath() {
  const [path, setPath] = useState(location.pathname + location.search);
  useEffect(() => {
    const update = () => setPath(location.pathname + location.search);
    listeners.add(update);
    update(); // a navigation between the first render and this effect (see useSession)
    return () => listeners.delete(update);
  }, []);
  return path;
}

export function match(routes, fullPath) {
  const [path, search] = fullPath.split("?");
  const query = Object.fromEntries(new URLSearchParams(search || ""));
  const parts = path.split("/").filter(Boolean);
  for (const [pattern, Page] of routes) {
    const want = pattern.split("/").filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    const ok = want.every((seg, i) => {
      if (seg.startsWith(":")) {
        params[seg.slice(1)] = decodeURIComponent(parts[i]);
        return true;
      }
      return seg === parts[i];
    });
    if (ok) return { Page, params, query };
  }
  return null;
}

export function Link({ href, children, ...rest }) {
  return html`<a href=${href} ...${rest}>${children}</a>`;
}
