// The web app's shell: header with navigation, the routed page, and the session.
import { html, render, useEffect } from "./lib.js";
import { usePath, match, navigate } from "./router.js";
import { useSession, sessionChanged } from "./session.js";
import { mutate } from "./api.js";
import { Avatar, Loading, useTitle } from "./components.js";
import { routes, nav } from "./routes.js";
import { NotificationsLink } from "./pages/notifications.js";

function Header({ me, path }) {
  const logout = async () => {
    await mutate("Logout");
    navigate("/"); // leave a members-only page before the session empties
    await sessionChanged();
  };
  const roles = (me && me.roles) || [];
  const links = nav.filter(([, , opts = {}]) => (!opts.auth || me) && (!opts.admin || roles.includes("ADMIN")));
  return html`<header class="top">
    <div class="bar">
      <a href="/" class="brand"><span class="brand-zh">好物</span> Haowu</a>
      <nav aria-label="Main">${links.map(([href, text]) => html`<a href=${href} aria-current=${path.split("?")[0] === href ? "page" : undefined}>${text}</a>`)}</nav>
      <div class="account">
        <${NotificationsLink} me=${me} path=${path} />
        ${me
          ? html`<a href=${`/u/${me.username}`} class="me" title="Your profile"><${Avatar} user=${me} size=${30} /> <span>${me.displayName}</span></a>
              <a href="/settings/profile">Settings</a>
              <button type="button" class="link" onClick=${logout}>Log out</button>`
          : html`<a href="/login">Log in</a> <a href="/signup" class="button primary">Sign up</a>`}
      </div>
    </div>
  </header>`;
}

function NotFound() {
  useTitle("Not found");
  return html`<section class="page narrow"><h1>Not found</h1><p>There is nothing at this address. <a href="/">Go home</a>.</p></section>`;
}

function App() {
  const path = usePath();
  const { me, loading } = useSession();
  const found = match(routes, path);
  const needsLogin = found && found.Page && routes.find(([p, P]) => P === found.Page)?.[2]?.auth;
  useEffect(() => {
    // (only if still there: an effect can run after a navigation it did not see)
    const here = location.pathname + location.search === path;
    if (here && !loading && needsLogin && !me) navigate(`/login?next=${encodeURIComponent(path)}`, { replace: true });
  }, [loading, needsLogin, me, path]);
  let body;
  if (loading) body = html`<${Loading} />`;
  else if (!found) body = html`<${NotFound} />`;
  else if (needsLogin && !me) body = html`<${Loading} />`;
  else body = html`<${found.Page} key=${path} ...${found.params} query=${found.query} me=${me} />`;
  return html`<${Header} me=${me} path=${path} /><main>${body}</main>
    <footer class="foot">好物 Haowu — good finds, from people you trust. Open source.</footer>`;
}

const root = document.getElementById("app");
root.textContent = "";
render(html`<${App} />`, root);
