// The front door: a welcome for visitors, a greeting (and later the home feed) for members.
import { html } from "../lib.js";
import { Avatar, useTitle } from "../components.js";

export function HomePage({ me }) {
  useTitle("");
  if (!me) {
    return html`<section class="hero">
      <h1><span class="brand-zh">好物</span> Good finds, from people you trust</h1>
      <p>Post what you bought and loved, ask friends which one to buy, keep wish lists, and shop
        from makers with the platform holding your money until the parcel arrives.</p>
      <div class="row"><a class="button primary" href="/signup">Join Haowu</a> <a class="button" href="/login">Log in</a></div>
    </section>`;
  }
  const fresh = !me.bio && !(me.interests && me.interests.length);
  return html`<section class="page">
    <div class="greeting card">
      <${Avatar} user=${me} size=${56} />
      <div>
        <h1>Hello, ${me.displayName}</h1>
        <p class="muted">${fresh
          ? html`Tell people what you love finding: <a href="/settings/profile">complete your profile</a>.`
          : html`Your feed is being prepared. Meanwhile, <a href=${`/u/${me.username}`}>see your profile</a>.`}</p>
      </div>
    </div>
  </section>`;
}
