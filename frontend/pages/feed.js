// The home feed: a composer, your feed (20 at a time), and a live "N new posts" banner.
import { html, useState, useEffect, useRef } from "../lib.js";
import { gql, mutate, subscribe } from "../api.js";
import { useForm, Field, Submit, FormError } from "../forms.js";
import { Avatar, Loading, Empty, ProductImage } from "../components.js";
import { Icon, AudienceSelect, PostCard, usePaged, LoadMore } from "./social-common.js";

export const POST_MAX = 2000;
const MAX_IMAGES = 9;
const MAX_PRODUCTS = 6;
const URL_LIKE = /^https?:\/\/\S+$/;

// Pick up to six active products: the newest first, or search results as you type.
function ProductPicker({ form, picked, setPicked }) {
  const [recent, setRecent] = useState(null);
  const [query, setQuery] = useState("");
  const [found, setFound] = useState(null);
  const [searching, setSearching] = useState(false);
  useEffect(() => {
    gql("ProductPicker", { first: 50 }).then(({ data }) =>
      setRecent(((data && data.products.edges) || []).map((e) => e && e.node).filter(Boolean)),
    );
  }, []);
  useEffect(() => {
    const text = query.trim();
    if (text.length < 2) {
      setFound(null);
      return undefined;
    }
    setSearching(true);
    const timer = setTimeout(async () => {
      const { data } = await gql("ProductPicker", { search: text, first: 20 });
      setFound(((data && data.products.edges) || []).map((e) => e && e.node).filter(Boolean));
      setSearching(false);
    }, 250);
    return () => clearTimeout(timer);
  }, [query]);
  const text = query.trim().toLowerCase();
  const local = (recent || []).filter(
    (p) => !text || p.title.toLowerCase().includes(text) || (p.shop && p.shop.name.toLowerCase().includes(text)),
  );
  const seen = new Set();
  const shown = [...(found || []), ...local].filter((p) => !seen.has(p.id) && seen.add(p.id)).slice(0, 8);
  const ids = picked.map((p) => p.id);
  const full = picked.length >= MAX_PRODUCTS;
  const toggle = (product) => {
    const next = ids.includes(product.id) ? picked.filter((p) => p.id !== product.id) : full ? picked : [...picked, product];
    setPicked(next);
    form.set("productIds", next.map((p) => p.id));
  };
  const error = form.errors.productIds;
  return html`<fieldset class=${"field so-picker" + (error ? " has-error" : "")} id="f-productIds" tabindex="-1"
      aria-invalid=${error ? "true" : "false"} aria-describedby=${error ? "f-productIds-error" : undefined}>
    <legend>Products <span class="muted">(${picked.length} / ${MAX_PRODUCTS})</span></legend>
    ${picked.length
      ? html`<ul class="so-picked" aria-label="Attached products">
          ${picked.map((p) => html`<li key=${p.id}>
            <${ProductImage} product=${p} size="sm" />
            <span class="so-picked-title">${p.title}</span>
            <button type="button" class="so-x" onClick=${() => toggle(p)} aria-label=${`Remove ${p.title}`} disabled=${form.busy}>×</button>
          </li>`)}
        </ul>`
      : null}
    <label for="f-product-search" class="so-sub-label">Find a product to attach</label>
    <input id="f-product-search" type="search" value=${query} placeholder="Teapot, jacket, 茶…" autocomplete="off"
      onInput=${(e) => setQuery(e.target.value)} disabled=${form.busy} />
    ${recent === null
      ? html`<${Loading} text="Loading products…" />`
      : shown.length
        ? html`<ul class="so-pick-list" aria-label="Products you can attach" aria-busy=${searching ? "true" : "false"}>
            ${shown.map((p) => {
              const on = ids.includes(p.id);
              return html`<li key=${p.id}>
                <button type="button" class=${"so-pick" + (on ? " on" : "")} aria-pressed=${on ? "true" : "false"}
                  disabled=${form.busy || (full && !on)} onClick=${() => toggle(p)}>
                  <${ProductImage} product=${p} size="sm" />
                  <span class="so-pick-text"><span class="so-product-title">${p.title}</span>
                    <span class="muted">${p.shop && p.shop.name} · <span class="price">${p.priceFrom.formatted}</span></span></span>
                  <span class="so-pick-mark" aria-hidden="true">${on ? "✓" : "+"}</span>
                </button>
              </li>`;
            })}
          </ul>`
        : html`<p class="muted so-none">${searching ? "Searching…" : "No products match."}</p>`}
    ${full ? html`<div class="hint">That's the most a post can hold.</div>` : null}
    ${error ? html`<div class="field-error" id="f-productIds-error" role="alert">${error}</div>` : null}
  </fieldset>`;
}

function ImageFields({ form }) {
  const urls = form.values.imageUrls;
  const error = form.errors.imageUrls;
  const setAt = (i, value) => form.set("imageUrls", urls.map((u, j) => (j === i ? value : u)));
  const remove = (i) => form.set("imageUrls", urls.filter((_, j) => j !== i));
  const add = () => {
    form.set("imageUrls", [...urls, ""]);
    requestAnimationFrame(() => document.getElementById(`f-image-${urls.length}`)?.focus());
  };
  return html`<fieldset class=${"field so-photos" + (error ? " has-error" : "")} id="f-imageUrls" tabindex="-1"
      aria-invalid=${error ? "true" : "false"} aria-describedby=${"f-imageUrls-hint" + (error ? " f-imageUrls-error" : "")}>
    <legend>Photos <span class="muted">(${urls.length} / ${MAX_IMAGES})</span></legend>
    ${urls.map((url, i) => html`<div class="so-photo-row" key=${i}>
      <span class="so-thumb" aria-hidden="true">${URL_LIKE.test(url.trim()) ? html`<img src=${url.trim()} alt="" />` : html`<${Icon} name="image" />`}</span>
      <label for=${`f-image-${i}`} class="so-sr">Photo ${i + 1} address</label>
      <input id=${`f-image-${i}`} type="url" inputmode="url" placeholder="https://…" value=${url} disabled=${form.busy}
        onInput=${(e) => setAt(i, e.target.value)} aria-invalid=${error ? "true" : "false"} />
      <button type="button" class="so-x" onClick=${() => remove(i)} aria-label=${`Remove photo ${i + 1}`} disabled=${form.busy}>×</button>
    </div>`)}
    <div class="row">
      <button type="button" class="so-small-btn" onClick=${add} disabled=${form.busy || urls.length >= MAX_IMAGES}>+ Add a photo</button>
      <span class="hint" id="f-imageUrls-hint">http(s) image addresses, up to ${MAX_IMAGES}.</span>
    </div>
    ${error ? html`<div class="field-error" id="f-imageUrls-error" role="alert">${error}</div>` : null}
  </fieldset>`;
}

function Composer({ me, onPosted }) {
  const initial = { body: "", imageUrls: [], productIds: [], audience: "FRIENDS" };
  const form = useForm(initial);
  const [picked, setPicked] = useState([]);
  const [photos, setPhotos] = useState(false);
  const [products, setProducts] = useState(false);
  const submit = form.submit(
    (v) =>
      mutate("CreatePost", {
        body: v.body,
        imageUrls: v.imageUrls.map((u) => u.trim()).filter(Boolean),
        productIds: v.productIds,
        audience: v.audience,
      }),
    async (payload) => {
      const { data } = await gql("FeedPost", { id: payload.post.id });
      onPosted(data && data.post);
      form.reset(initial);
      setPicked([]);
      setPhotos(false);
      setProducts(false);
      form.setNotice(payload.post.audience === "PRIVATE" ? "Saved, only you can see it." : "Posted.");
    },
  );
  const openPhotos = () => {
    if (!photos && !form.values.imageUrls.length) form.set("imageUrls", [""]);
    setPhotos(!photos);
  };
  return html`<section class="card so-composer" aria-labelledby="composer-title">
    <h2 id="composer-title" class="so-sr">Write a post</h2>
    <form onSubmit=${submit} novalidate>
      <div class="so-composer-top">
        <${Avatar} user=${me} size=${44} />
        <${Field} form=${form} name="body" label="Share a good find" textarea rows=${3} maxLength=${POST_MAX}
          placeholder=${`What did you find, ${me.displayName.split(" ")[0]}? Mention friends with @username.`} />
      </div>
      ${photos ? html`<${ImageFields} form=${form} />` : null}
      ${products ? html`<${ProductPicker} form=${form} picked=${picked} setPicked=${setPicked} />` : null}
      <${FormError} form=${form} />
      <div class="so-composer-bar">
        <button type="button" class=${"so-tool" + (photos ? " on" : "")} aria-expanded=${photos ? "true" : "false"} onClick=${openPhotos} disabled=${form.busy}>
          <${Icon} name="image" /> Photos${form.values.imageUrls.filter((u) => u.trim()).length ? ` (${form.values.imageUrls.filter((u) => u.trim()).length})` : ""}
        </button>
        <button type="button" class=${"so-tool" + (products ? " on" : "")} aria-expanded=${products ? "true" : "false"} onClick=${() => setProducts(!products)} disabled=${form.busy}>
          <${Icon} name="bag" /> Products${picked.length ? ` (${picked.length})` : ""}
        </button>
        <span class="so-grow"></span>
        <div class=${"so-audience-wrap" + (form.errors.audience ? " has-error" : "")}>
          <${AudienceSelect} id="f-audience" value=${form.values.audience} disabled=${form.busy} onChange=${(v) => form.set("audience", v)} />
          ${form.errors.audience ? html`<div class="field-error" role="alert">${form.errors.audience}</div>` : null}
        </div>
        <${Submit} form=${form} busyText="Posting…">Post<//>
      </div>
    </form>
  </section>`;
}

function Aside({ me }) {
  const [requests, setRequests] = useState(null);
  useEffect(() => {
    gql("FriendRequests").then(({ data }) => setRequests((data && data.incoming) || []));
  }, []);
  return html`<aside class="so-aside" aria-label="You">
    <div class="card so-me">
      <a href=${`/u/${me.username}`} class="so-me-link"><${Avatar} user=${me} size=${52} />
        <span><strong>${me.displayName}</strong><br /><span class="muted">@${me.username}</span></span></a>
      ${!me.bio && !(me.interests && me.interests.length)
        ? html`<p class="muted so-small">Tell people what you love finding: <a href="/settings/profile">complete your profile</a>.</p>`
        : null}
      <nav class="so-me-nav" aria-label="Social">
        <a href="/friends">Friends${requests && requests.length ? html` <span class="so-pill">${requests.length} new</span>` : null}</a>
        <a href="/notifications">Notifications</a>
        <a href=${`/u/${me.username}`}>Your posts</a>
      </nav>
    </div>
    ${requests && requests.length
      ? html`<div class="card so-aside-requests">
          <h2>Friend requests</h2>
          <ul>${requests.slice(0, 3).map((r) => html`<li key=${r.id}><a href=${`/u/${r.sender.username}`}><${Avatar} user=${r.sender} size=${28} /> ${r.sender.displayName}</a></li>`)}</ul>
          <a href="/friends">Answer ${requests.length === 1 ? "it" : "them"} →</a>
        </div>`
      : null}
  </aside>`;
}

// The member's home: composer, feed, live banner.
export function FeedPage({ me }) {
  const feed = usePaged("HomeFeed", {}, (d) => d && d.homeFeed, 20);
  const [pending, setPending] = useState([]);
  const [showing, setShowing] = useState(false);
  const top = useRef(null);
  useEffect(
    () =>
      subscribe("HomeFeedUpdated", {}, (d) => {
        const post = d && d.homeFeedUpdated;
        // Your own posts are put at the top by the composer.
        if (!post || (post.author && post.author.username === me.username)) return;
        setPending((ids) => (ids.includes(post.id) ? ids : [...ids, post.id]));
      }),
    [me.id],
  );
  // A new friendship drops your cached timeline on the server, and posts are only announced
  // live into timelines that exist (community/social/feeds.py). Reading the feed rebuilds it;
  // whatever arrived meanwhile is announced like any new post.
  const newest = useRef(null);
  newest.current = feed.items.length ? feed.items[0].createdAt : "";
  const listed = useRef(new Set());
  listed.current = new Set(feed.items.map((p) => p.id));
  useEffect(
    () =>
      subscribe("NotificationReceived", {}, async (d) => {
        const note = d && d.notificationReceived && d.notificationReceived.notification;
        if (!note || note.kind !== "FRIEND_ACCEPTED") return;
        const { data } = await gql("HomeFeed", { first: 10 });
        const arrived = ((data && data.homeFeed.edges) || [])
          .map((e) => e && e.node)
          .filter((p) => p && !p.isMine && !listed.current.has(p.id) && p.createdAt > newest.current)
          .map((p) => p.id);
        if (arrived.length) setPending((ids) => [...ids, ...arrived.filter((id) => !ids.includes(id))]);
      }),
    [me.id],
  );
  const known = new Set(feed.items.map((p) => p.id));
  const fresh = pending.filter((id) => !known.has(id));
  const showNew = async () => {
    if (showing) return;
    setShowing(true);
    const wanted = new Set(fresh);
    const { data } = await gql("HomeFeed", { first: Math.min(100, wanted.size + 10) });
    const got = ((data && data.homeFeed.edges) || []).map((e) => e && e.node).filter((p) => p && wanted.has(p.id));
    feed.setItems((items) => {
      const have = new Set(items.map((p) => p.id));
      const merged = [...got.filter((p) => !have.has(p.id)), ...items];
      return merged.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    });
    setPending([]);
    setShowing(false);
    if (top.current && top.current.getBoundingClientRect().top < 0) top.current.scrollIntoView({ behavior: "smooth", block: "start" });
  };
  const replace = (post) => feed.setItems((items) => items.map((p) => (p.id === post.id ? post : p)));
  const remove = (id) => feed.setItems((items) => items.filter((p) => p.id !== id));
  const posted = (post) => post && feed.setItems((items) => [post, ...items.filter((p) => p.id !== post.id)]);
  return html`<div class="so-home">
    <div class="so-main">
      <${Composer} me=${me} onPosted=${posted} />
      <div ref=${top} class="so-feed-top"></div>
      <h2 class="so-sr" id="feed-title">Your feed</h2>
      ${fresh.length
        ? html`<div class="so-new-wrap"><button type="button" class="so-new" onClick=${showNew} disabled=${showing} aria-live="polite">
            ${showing ? html`<span class="spinner" aria-hidden="true"></span>` : "↑"} ${fresh.length} new ${fresh.length === 1 ? "post" : "posts"}
          </button></div>`
        : null}
      <section class="so-feed" aria-labelledby="feed-title">
        ${feed.loading && !feed.items.length
          ? html`<${Loading} text="Loading your feed…" />`
          : feed.items.length
            ? feed.items.map((post) => html`<${PostCard} key=${post.id} post=${post} me=${me} onChange=${replace} onRemove=${remove} />`)
            : feed.errors.length
              ? html`<div class="form-error" role="alert">${feed.errors.map((e) => e.message).join(" ")} <button type="button" class="link" onClick=${feed.reload}>Try again</button></div>`
              : html`<${Empty}>Your feed is quiet. Write your first post above, or visit someone's profile and add them as a friend —
                  their posts will show up here.<//>`}
        <${LoadMore} list=${feed} text="Load more posts" />
        ${!feed.loading && feed.items.length && !feed.hasMore ? html`<p class="so-end muted">You're all caught up.</p>` : null}
      </section>
    </div>
    <${Aside} me=${me} />
  </div>`;
}

