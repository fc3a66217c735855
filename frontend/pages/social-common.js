// Pieces the social pages share: icons, post cards (body with @mentions, images, attached
// products, likes), audience labels, and a hook for "load more" lists.
import { html, useState, useEffect, useCallback, useRef } from "../lib.js";
import { gql, mutate } from "../api.js";
import { Avatar, ProductImage } from "../components.js";
import { ActionButton } from "../forms.js";
import { timeAgo, formatDateTime, label } from "../format.js";

// --- icons (inline SVG: no emoji font needed) ---------------------------------------------

const ICONS = {
  heart: html`<path d="M12 20.5s-7.5-4.6-9.3-9.2C1.4 7.9 3.6 4.5 7 4.5c2.1 0 3.6 1.1 5 3 1.4-1.9 2.9-3 5-3 3.4 0 5.6 3.4 4.3 6.8-1.8 4.6-9.3 9.2-9.3 9.2z" />`,
  comment: html`<path d="M20.5 11.5a8 8 0 0 1-11.7 7.1L3.5 20l1.4-4.6a8 8 0 1 1 15.6-3.9z" />`,
  globe: html`<circle cx="12" cy="12" r="9" /><path d="M3 12h18M12 3c2.5 2.6 3.7 5.6 3.7 9s-1.2 6.4-3.7 9M12 3c-2.5 2.6-3.7 5.6-3.7 9s1.2 6.4 3.7 9" />`,
  friends: html`<circle cx="9" cy="8" r="3.5" /><path d="M2.5 20c.8-3.6 3.3-5.5 6.5-5.5s5.7 1.9 6.5 5.5" /><circle cx="17" cy="9" r="2.6" /><path d="M16.4 14.3c2.7.2 4.4 2 5.1 4.9" />`,
  lock: html`<rect x="5" y="11" width="14" height="10" rx="2" /><path d="M8 11V8a4 4 0 0 1 8 0v3" />`,
  image: html`<rect x="3" y="4" width="18" height="16" rx="2.5" /><circle cx="8.5" cy="9.5" r="1.6" /><path d="M21 16l-5.2-5.2L6 20.5" />`,
  bag: html`<path d="M5 8h14l-1.1 12.1a1 1 0 0 1-1 .9H7.1a1 1 0 0 1-1-.9L5 8z" /><path d="M9 10V6.5a3 3 0 0 1 6 0V10" />`,
  bell: html`<path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.8 1.8H4.2L6 16.5z" /><path d="M10 20.5a2.1 2.1 0 0 0 4 0" />`,
  reply: html`<path d="M10 8.5L4.5 13 10 17.5M4.5 13H14a6 6 0 0 1 6 6" />`,
  spark: html`<path d="M12 3v4M12 17v4M3 12h4M17 12h4M6 6l2.5 2.5M15.5 15.5L18 18M6 18l2.5-2.5M15.5 8.5L18 6" />`,
};

export function Icon({ name, size = 18 }) {
  return html`<svg class=${`so-icon so-icon-${name}`} width=${size} height=${size} viewBox="0 0 24 24" fill="none"
    stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${ICONS[name]}</svg>`;
}

// --- audiences ----------------------------------------------------------------------------

export const AUDIENCES = [
  { value: "FRIENDS", label: "Friends", icon: "friends", says: "Visible to friends" },
  { value: "PUBLIC", label: "Public", icon: "globe", says: "Visible to everyone" },
  { value: "PRIVATE", label: "Only me", icon: "lock", says: "Private: only you" },
];

export function AudienceIcon({ audience }) {
  const a = AUDIENCES.find((x) => x.value === audience) || AUDIENCES[0];
  return html`<span class="so-audience" title=${a.says} role="img" aria-label=${a.says}><${Icon} name=${a.icon} size=${14} /></span>`;
}

export function AudienceSelect({ id, value, onChange, disabled, labelText = "Who can see this" }) {
  return html`<span class="so-audience-field">
    <label for=${id}>${labelText}</label>
    <select id=${id} value=${value} disabled=${disabled} onChange=${(e) => onChange(e.target.value)}>
      ${AUDIENCES.map((a) => html`<option value=${a.value} selected=${a.value === value}>${a.label}</option>`)}
    </select>
  </span>`;
}

// --- text with @mentions and links -------------------------------------------------------

// As the server finds mentions (community/social/posts.py MENTION_RE), plus http(s) links.
const TOKENS = /((?<![\w@])@[A-Za-z][A-Za-z0-9_]{2,19}\b|https?:\/\/[^\s<]+[^\s<.,;:!?)\]'"])/g;

export function RichText({ text }) {
  const parts = String(text || "").split(TOKENS);
  return parts.map((part, i) => {
    if (i % 2 === 0) return part;
    if (part.startsWith("@")) return html`<a class="so-mention" href=${`/u/${part.slice(1)}`}>${part}</a>`;
    return html`<a href=${part} target="_blank" rel="noopener noreferrer nofollow">${part}</a>`;
  });
}

// --- people --------------------------------------------------------------------------------

export function PersonLink({ user, size = 40, children, class: cls = "" }) {
  return html`<a class=${"so-person " + cls} href=${`/u/${user.username}`}>
    <${Avatar} user=${user} size=${size} />
    <span class="so-person-text"><span class="so-person-name">${user.displayName}</span>
      ${children === undefined ? html`<span class="so-person-handle">@${user.username}</span>` : children}</span>
  </a>`;
}

// --- lists that load more ------------------------------------------------------------------

function nodes(connection) {
  return ((connection && connection.edges) || []).map((e) => e && e.node).filter(Boolean);
}

// A connection query shown as a list with "Load more" (`after` = pageInfo.endCursor).
// pick(data) returns the connection. Returns { items, setItems, loading, loadingMore,
// hasMore, loadMore, reload, errors, data }.
export function usePaged(name, variables, pick, first = 20) {
  const key = JSON.stringify(variables);
  const [state, setState] = useState({ items: [], pageInfo: null, loading: true, loadingMore: false, errors: [], data: null });
  const cursor = useRef(null);
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    const { data, errors } = await gql(name, { ...variables, first });
    if (mine !== generation.current) return;
    const connection = pick(data);
    cursor.current = connection ? connection.pageInfo : null;
    setState({ items: nodes(connection), pageInfo: cursor.current, loading: false, loadingMore: false, errors, data });
  }, [name, key, first]);
  useEffect(() => {
    reload();
  }, [reload]);
  const loadMore = async () => {
    const info = cursor.current;
    if (!info || !info.hasNextPage || state.loadingMore) return;
    const mine = generation.current;
    setState((s) => ({ ...s, loadingMore: true }));
    const { data, errors } = await gql(name, { ...variables, first, after: info.endCursor });
    if (mine !== generation.current) return;
    const connection = pick(data);
    if (connection) cursor.current = connection.pageInfo;
    setState((s) => {
      const have = new Set(s.items.map((item) => item.id));
      return {
        ...s,
        loadingMore: false,
        errors,
        pageInfo: cursor.current,
        items: [...s.items, ...nodes(connection).filter((n) => !have.has(n.id))],
      };
    });
  };
  const setItems = (fn) => setState((s) => ({ ...s, items: typeof fn === "function" ? fn(s.items) : fn }));
  return {
    ...state,
    hasMore: Boolean(state.pageInfo && state.pageInfo.hasNextPage),
    loadMore,
    reload,
    setItems,
  };
}

export function LoadMore({ list, text = "Load more" }) {
  if (!list.hasMore) return null;
  return html`<div class="so-load-more">
    <button type="button" onClick=${list.loadMore} disabled=${list.loadingMore} aria-busy=${list.loadingMore ? "true" : "false"}>
      ${list.loadingMore ? html`<span class="spinner" aria-hidden="true"></span> Loading…` : text}
    </button>
  </div>`;
}

// --- likes ---------------------------------------------------------------------------------

// Like / unlike a post ({ postId }) or a comment ({ commentId }) at once; the server's answer
// (or a failure) corrects the count afterwards.
export function LikeButton({ me, target, liked, count, onChange, small }) {
  const busy = useRef(false);
  const [error, setError] = useState("");
  if (!me) {
    return html`<a class=${"so-like" + (small ? " small" : "")} href=${`/login?next=${encodeURIComponent(location.pathname)}`} title="Log in to like">
      <${Icon} name="heart" size=${small ? 15 : 18} /><span class="so-sr">Like</span> <span class="n">${count}</span></a>`;
  }
  const click = async () => {
    if (busy.current) return;
    busy.current = true;
    setError("");
    const next = !liked;
    onChange({ liked: next, count: Math.max(0, count + (next ? 1 : -1)) });
    try {
      const payload = await mutate(next ? "Like" : "Unlike", target);
      if (payload.errors && payload.errors.length) {
        onChange({ liked, count });
        setError(payload.errors.map((e) => e.message).join(" "));
      } else if (target.postId && payload.post) {
        onChange({ liked: payload.post.viewerHasLiked, count: payload.post.likeCount });
      }
    } finally {
      busy.current = false;
    }
  };
  return html`<span class="so-like-wrap">
    <button type="button" class=${"so-like" + (liked ? " on" : "") + (small ? " small" : "")} aria-pressed=${liked ? "true" : "false"}
      title=${liked ? "Unlike" : "Like"} onClick=${click}>
      <${Icon} name="heart" size=${small ? 15 : 18} /><span class="so-sr">Like</span> <span class="n">${count}</span>
    </button>
    ${error ? html`<span class="field-error" role="alert">${error}</span>` : null}
  </span>`;
}

// --- post cards ----------------------------------------------------------------------------

const ACTIVITY = {
  POLL_OPENED: "asked which one to buy",
  POLL_CLOSED: "closed a poll",
  WISHLIST_SHARED: "shared a wish list",
  WISH_LIST_SHARED: "shared a wish list",
  REVIEW_WRITTEN: "wrote a review",
  GOOD_FIND_PICK: "picked a Good Find",
  GOOD_FIND: "picked a Good Find",
};

function KindLabel({ post }) {
  if (post.kind === "PURCHASE") return html`<span class="so-kind so-kind-purchase"><${Icon} name="bag" size=${13} /> bought this</span>`;
  if (post.kind === "ACTIVITY") {
    const what = ACTIVITY[post.activityType] || label(post.activityType || "activity").toLowerCase();
    return html`<span class="so-kind so-kind-activity"><${Icon} name="spark" size=${13} /> ${what}</span>`;
  }
  return null;
}

function PostImage({ url, index, total }) {
  const [broken, setBroken] = useState(false);
  if (broken) return html`<span class="so-image broken" role="img" aria-label=${`Photo ${index + 1} could not load`}><${Icon} name="image" size=${28} /></span>`;
  return html`<a class="so-image" href=${url} target="_blank" rel="noopener noreferrer">
    <img src=${url} alt=${`Photo ${index + 1} of ${total}`} loading="lazy" onError=${() => setBroken(true)} />
  </a>`;
}

export function PostImages({ urls }) {
  if (!urls || !urls.length) return null;
  const n = urls.length;
  const cols = n === 1 ? 1 : n === 2 || n === 4 ? 2 : 3;
  return html`<div class=${`so-images cols-${cols}` + (n === 1 ? " single" : "")}>
    ${urls.map((url, i) => html`<${PostImage} key=${url + i} url=${url} index=${i} total=${n} />`)}
  </div>`;
}

export function ProductMini({ product, children }) {
  return html`<a class="so-product" href=${`/p/${product.id}`}>
    <${ProductImage} product=${product} size="sm" />
    <span class="so-product-text">
      <span class="so-product-title">${product.title}</span>
      <span class="price">${product.priceFrom && product.priceFrom.formatted}</span>
      <span class="so-product-shop">${product.shop && product.shop.name}</span>
    </span>
    ${children}
  </a>`;
}

export function PostProducts({ products }) {
  if (!products || !products.length) return null;
  return html`<ul class="so-products" aria-label="Attached products">
    ${products.map((p) => html`<li key=${p.id}><${ProductMini} product=${p} /></li>`)}
  </ul>`;
}

function EditPostForm({ post, onSaved, onCancel }) {
  const [body, setBody] = useState(post.body);
  const [audience, setAudience] = useState(post.audience);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState([]);
  const id = `edit-${post.id}`;
  const bodyError = errors.find((e) => e.field === "body");
  const other = errors.filter((e) => e.field !== "body");
  const length = [...body].length;
  const save = async (event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors([]);
    const payload = await mutate("EditPost", { id: post.id, body, audience });
    setBusy(false);
    if (payload.errors && payload.errors.length) setErrors(payload.errors);
    else onSaved(payload.post);
  };
  return html`<form class="so-edit" onSubmit=${save} novalidate>
    <div class=${"field" + (bodyError ? " has-error" : "")}>
      <label for=${id}>Edit your post</label>
      <textarea id=${id} rows="4" value=${body} disabled=${busy} onInput=${(e) => setBody(e.target.value)}
        aria-invalid=${bodyError ? "true" : "false"} aria-describedby=${`${id}-counter` + (bodyError ? ` ${id}-error` : "")}></textarea>
      <div class=${"counter" + (length > 2000 ? " over" : "")} id=${`${id}-counter`}>${length} / 2000</div>
      ${bodyError ? html`<div class="field-error" id=${`${id}-error`} role="alert">${bodyError.message}</div>` : null}
    </div>
    ${other.length ? html`<div class="form-error" role="alert">${other.map((e) => e.message).join(" ")}</div>` : null}
    <div class="row so-edit-row">
      <${AudienceSelect} id=${`${id}-audience`} value=${audience} onChange=${setAudience} disabled=${busy} />
      <span class="so-grow"></span>
      <span class="row">
        <button type="button" onClick=${onCancel} disabled=${busy}>Cancel</button>
        <button type="submit" class="primary" disabled=${busy} aria-busy=${busy ? "true" : "false"}>
          ${busy ? html`<span class="spinner" aria-hidden="true"></span> Saving…` : "Save"}
        </button>
      </span>
    </div>
  </form>`;
}

// One post: author, time, audience, body, images, products, likes and comments.
// onChange(post) receives the updated post; onRemove(id) runs after it was deleted.
export function PostCard({ post, me, onChange, onRemove, detail = false }) {
  const [editing, setEditing] = useState(false);
  const author = post.author;
  const headingId = `post-${post.id}-by`;
  const update = (changes) => onChange && onChange({ ...post, ...changes });
  return html`<article class="card so-post" data-post=${post.id} aria-labelledby=${headingId}>
    <header class="so-post-head">
      <a href=${`/u/${author.username}`} class="so-post-avatar" tabindex="-1" aria-hidden="true"><${Avatar} user=${author} size=${44} /></a>
      <div class="so-post-meta">
        <div class="so-post-who" id=${headingId}>
          <a class="so-name" href=${`/u/${author.username}`}>${author.displayName}</a>
          <${KindLabel} post=${post} />
        </div>
        <div class="so-post-sub">
          <a class="so-time" href=${`/posts/${post.id}`}><time datetime=${post.createdAt} title=${formatDateTime(post.createdAt)}>${timeAgo(post.createdAt)}</time></a>
          <span aria-hidden="true">·</span>
          <${AudienceIcon} audience=${post.audience} />
          ${post.editedAt ? html`<span aria-hidden="true">·</span> <span title=${formatDateTime(post.editedAt)}>edited</span>` : null}
        </div>
      </div>
      ${post.isMine && !editing
        ? html`<div class="so-post-tools">
            ${post.kind !== "ACTIVITY" ? html`<button type="button" class="link" onClick=${() => setEditing(true)}>Edit</button>` : null}
            <${ActionButton} class="link danger" busyText="Deleting…" confirm="Delete this post? Its comments and likes go too."
              run=${() => mutate("DeletePost", { postId: post.id })} onDone=${() => onRemove && onRemove(post.id)}>Delete<//>
          </div>`
        : null}
    </header>
    ${editing
      ? html`<${EditPostForm} post=${post} onCancel=${() => setEditing(false)}
          onSaved=${(saved) => {
            setEditing(false);
            update(saved || {});
          }} />`
      : post.body
        ? html`<div class=${"so-body" + (detail ? " big" : "")}><${RichText} text=${post.body} /></div>`
        : null}
    <${PostImages} urls=${post.imageUrls} />
    <${PostProducts} products=${post.products} />
    <footer class="so-post-actions">
      <${LikeButton} me=${me} target=${{ postId: post.id }} liked=${post.viewerHasLiked} count=${post.likeCount}
        onChange=${({ liked, count }) => update({ viewerHasLiked: liked, likeCount: count })} />
      ${detail
        ? html`<span class="so-comment-count"><${Icon} name="comment" /> ${post.commentCount} ${post.commentCount === 1 ? "comment" : "comments"}</span>`
        : html`<a class="so-comment-count" href=${`/posts/${post.id}`}><${Icon} name="comment" /> ${post.commentCount} ${post.commentCount === 1 ? "comment" : "comments"}</a>`}
    </footer>
  </article>`;
}

// Remembered blocks (per account, in this browser): the API hides a blocked person entirely
// (user(username:) is null for both sides), so this is the only way back to "Unblock".
export function blockedList(me) {
  try {
    return JSON.parse(localStorage.getItem(`haowu.blocked.${me.id}`) || "[]");
  } catch (e) {
    return [];
  }
}

export function rememberBlock(me, user, blocked) {
  const rest = blockedList(me).filter((u) => u.id !== user.id);
  const next = blocked ? [...rest, { id: user.id, username: user.username, displayName: user.displayName }] : rest;
  try {
    localStorage.setItem(`haowu.blocked.${me.id}`, JSON.stringify(next));
  } catch (e) {
    /* private mode: nothing remembered */
  }
}
