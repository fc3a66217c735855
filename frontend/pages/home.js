// The front door: a welcome for visitors, the home feed for members.
import { html } from "../lib.js";
import { useTitle } from "../components.js";
import { FeedPage } from "./feed.js";

export function HomePage({ me }) {
  useTitle(me ? "Feed" : "");
  if (!me) {
    return html`<section class="hero">
      <h1><span class="brand-zh">好物</span> Good finds, from people you trust</h1>
      <p>Post what you bought and loved, ask friends which one to buy, keep wish lists, and shop
        from makers with the platform holding your money until the parcel arrives.</p>
      <div class="row"><a class="button primary" href="/signup">Join Haowu</a> <a class="button" href="/login">Log in</a></div>
    </section>`;
  }
  return html`<${FeedPage} me=${me} />`;
}
