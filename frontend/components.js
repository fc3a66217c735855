// Small shared pieces: avatars, loading and empty states, images with a placeholder,
// credit badges, a hook for loading one named query, a hook for the page title.
import { html, useState, useEffect, useCallback } from "./lib.js";
import { gql } from "./api.js";

// Load a named query; returns { data, errors, loading, reload }.
export function useQuery(name, variables = {}, deps = []) {
  const [state, setState] = useState({ data: null, errors: [], loading: true });
  const key = JSON.stringify(variables);
  const load = useCallback(async () => {
    setState((s) => ({ ...s, loading: true }));
    const { data, errors } = await gql(name, variables);
    setState({ data, errors, loading: false });
  }, [name, key, ...deps]);
  useEffect(() => {
    load();
  }, [load]);
  return { ...state, reload: load };
}

// Set the browser tab's title while a page is shown: useTitle("Log in") → "Log in · 好物 Haowu".
export function useTitle(text) {
  useEffect(() => {
    document.title = text ? `${text} · 好物 Haowu` : "好物 Haowu — good finds";
  }, [text]);
}

export function Loading({ text = "Loading…" }) {
  return html`<div class="loading" role="status"><span class="spinner"></span> ${text}</div>`;
}

export function Empty({ children }) {
  return html`<div class="empty">${children}</div>`;
}

export function Errors({ errors }) {
  if (!errors || !errors.length) return null;
  return html`<div class="form-error" role="alert">${errors.map((e) => e.message).join(" ")}</div>`;
}

function initials(user) {
  const name = (user && (user.displayName || user.username)) || "?";
  return name.trim().slice(0, 1).toUpperCase();
}

const HUES = [12, 32, 140, 200, 260, 320, 170, 45];

export function Avatar({ user, size = 40 }) {
  // Remember which address failed, so a new address (say, typed in settings) is tried again.
  const [brokenUrl, setBrokenUrl] = useState(null);
  const style = `width:${size}px;height:${size}px;font-size:${Math.round(size / 2.3)}px`;
  const url = user && user.avatarUrl;
  if (url && url !== brokenUrl) {
    return html`<img class="avatar" src=${url} alt="" style=${style} onError=${() => setBrokenUrl(url)} />`;
  }
  const hue = HUES[((user && user.username) || "").length % HUES.length];
  return html`<span class="avatar avatar-initials" aria-hidden="true" style=${`${style};background:hsl(${hue} 55% 88%);color:hsl(${hue} 45% 30%)`}>${initials(user)}</span>`;
}

const CATEGORY_EMOJI = {
  fashion: "👗", beauty: "💄", electronics: "🎧", home: "🏺", food: "🍵",
  sports: "🥾", books: "📓", kids: "🧸", pets: "🐈", crafts: "🧶",
};

// A product image, or a warm placeholder tile when there is none or it fails to load.
export function ProductImage({ product, url, size = "md" }) {
  const [broken, setBroken] = useState(false);
  const src = url || (product && product.imageUrls && product.imageUrls[0]);
  if (src && !broken) {
    return html`<img class=${`product-img ${size}`} src=${src} alt=${(product && product.title) || ""} onError=${() => setBroken(true)} />`;
  }
  const title = (product && product.title) || "";
  const hue = (title.length * 37) % 360;
  const slug = product && product.category && (product.category.slug || "");
  const emoji = CATEGORY_EMOJI[(slug || "").split("-")[0]] || "🎁";
  return html`<div class=${`product-img placeholder ${size}`} style=${`background:linear-gradient(135deg,hsl(${hue} 60% 90%),hsl(${(hue + 40) % 360} 55% 80%))`} role="img" aria-label=${title}>
    <span>${emoji}</span>
  </div>`;
}

const TIER_SYMBOL = { HEART: "♥", DIAMOND: "◆", CROWN: "♛", GOLD_CROWN: "♛" };

// Taobao-style credit: hearts, diamonds, crowns, gold crowns.
export function CreditBadge({ credit, label = "" }) {
  if (!credit) return null;
  const level = credit.level;
  const symbols = level ? TIER_SYMBOL[level.tier].repeat(level.count) : "";
  const tier = level ? level.tier.toLowerCase().replace("_", "-") : "none";
  return html`<span class=${`credit credit-${tier}`} title=${`${label} credit ${credit.score}`}>
    ${label ? html`<span class="credit-label">${label}</span>` : null}
    ${symbols ? html`<span class="credit-symbols" aria-label=${`${level.count} ${level.tier.toLowerCase()}`}>${symbols}</span>` : html`<span class="credit-new">new</span>`}
    <span class="credit-score">${credit.score}</span>
  </span>`;
}

export function RoleBadges({ roles }) {
  const shown = (roles || []).filter((r) => r !== "SHOPPER");
  return html`${shown.map((r) => html`<span class=${`badge role-${r.toLowerCase()}`}>${r.toLowerCase()}</span>`)}`;
}
