// The shop window: browse and search products, a product page, a shop's public page.
import { html, useState, useEffect } from "../lib.js";
import { gql, mutate } from "../api.js";
import { navigate } from "../router.js";
import { useQuery, useTitle, Loading, Empty, Errors, Avatar, ProductImage, CreditBadge } from "../components.js";
import { timeAgo } from "../format.js";

export function ProductCard({ product }) {
  return html`<a class="product-card card" href=${`/p/${product.id}`}>
    <${ProductImage} product=${product} />
    <div class="product-card-body">
      <div class="title">${product.title}</div>
      <div class="row between">
        <span class="price">${product.priceFrom.formatted}</span>
        ${product.inStock === false ? html`<span class="status">Sold out</span>` : null}
      </div>
      ${product.shop ? html`<div class="muted small">${product.shop.name}</div>` : null}
    </div>
  </a>`;
}

export function BrowsePage({ query }) {
  useTitle("Shop");
  const [category, setCategory] = useState(query.category || "");
  const [text, setText] = useState(query.q || "");
  const [search, setSearch] = useState(query.q || "");
  const [pages, setPages] = useState({ items: [], after: null, more: false, loading: true, errors: [] });
  const cats = useQuery("Categories");
  const load = async (after) => {
    setPages((p) => ({ ...p, loading: true }));
    const vars = { first: 24, after, categoryId: category || null };
    const { data, errors } = search
      ? await gql("SearchProducts", { search, first: 24 })
      : await gql("Products", vars);
    const conn = data && data.products;
    setPages((p) => ({
      items: (after ? p.items : []).concat(conn ? conn.edges.map((e) => e.node) : []),
      after: conn && conn.pageInfo.endCursor,
      more: !search && conn && conn.pageInfo.hasNextPage,
      loading: false,
      errors,
    }));
  };
  useEffect(() => {
    load(null);
  }, [category, search]);
  const tops = (cats.data && cats.data.categories) || [];
  return html`<section class="page">
    <div class="row between wrap">
      <h1>Shop good finds</h1>
      <form class="search-form" onSubmit=${(e) => { e.preventDefault(); setSearch(text.trim()); }}>
        <label for="product-search" class="sr-only">Search products</label>
        <input id="product-search" type="search" placeholder="Search products, e.g. teacup or 茶杯" value=${text} onInput=${(e) => setText(e.target.value)} />
        <button type="submit">Search</button>
      </form>
    </div>
    ${search
      ? html`<p class="muted">Results for “${search}” · <button class="link" type="button" onClick=${() => { setText(""); setSearch(""); }}>clear</button></p>`
      : html`<div class="chips category-chips" role="group" aria-label="Categories">
          <button type="button" class=${"chip" + (!category ? " on" : "")} onClick=${() => setCategory("")}>All</button>
          ${tops.map((c) => html`<button type="button" class=${"chip" + (category === c.id ? " on" : "")} onClick=${() => setCategory(c.id)}>${c.name}</button>`)}
        </div>`}
    <${Errors} errors=${pages.errors} />
    ${pages.items.length
      ? html`<div class="grid products">${pages.items.map((p) => html`<${ProductCard} product=${p} />`)}</div>`
      : pages.loading ? null : html`<${Empty}>Nothing here yet.<//>`}
    ${pages.loading ? html`<${Loading} />` : null}
    ${pages.more && !pages.loading ? html`<div class="center"><button type="button" onClick=${() => load(pages.after)}>Load more</button></div>` : null}
  </section>`;
}

function optionNames(variants) {
  const names = [];
  for (const v of variants) for (const o of v.options) if (!names.includes(o.name)) names.push(o.name);
  return names;
}

export function ProductPage({ id, me }) {
  const { data, loading, reload } = useQuery("Product", { id });
  const product = data && data.product;
  useTitle(product ? product.title : "Product");
  const [picked, setPicked] = useState({});
  const [quantity, setQuantity] = useState(1);
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  const [image, setImage] = useState(0);
  if (loading && !data) return html`<${Loading} />`;
  if (!product) return html`<section class="page narrow"><h1>Not available</h1><p>This product is not for sale (or not yet). <a href="/products">Browse the shop</a>.</p></section>`;
  const names = optionNames(product.variants);
  const chosen =
    product.variants.length === 1
      ? product.variants[0]
      : product.variants.find((v) => v.options.every((o) => picked[o.name] === o.value)) || null;
  const valuesOf = (name) => [...new Set(product.variants.flatMap((v) => v.options.filter((o) => o.name === name).map((o) => o.value)))];
  const available = (name, value) =>
    product.variants.some(
      (v) => v.inStock && v.options.some((o) => o.name === name && o.value === value) &&
        v.options.every((o) => o.name === name || !picked[o.name] || picked[o.name] === o.value),
    );
  const act = async (buyNow) => {
    if (!me) return navigate(`/login?next=/p/${id}`);
    if (!chosen) return setMessage({ error: true, text: `Choose ${names.join(" and ")} first.` });
    setBusy(true);
    setMessage(null);
    try {
      if (!buyNow) {
        const r = await mutate("AddToCart", { variantId: chosen.id, quantity });
        setMessage(r.errors.length ? { error: true, text: r.errors[0].message } : { text: `Added to your cart (${r.cart.count} items).`, cart: true });
        return;
      }
      const book = await gql("Cart");
      const address = book.data && (book.data.addresses || [])[0];
      if (!address) return navigate("/cart?needAddress=1");
      const r = await mutate("PlaceOrder", { addressId: address.id, items: [{ variantId: chosen.id, quantity }] });
      if (r.errors.length) setMessage({ error: true, text: r.errors[0].message });
      else navigate(`/orders/${r.orders[0].id}`);
    } finally {
      setBusy(false);
      reload();
    }
  };
  const images = product.imageUrls.length ? product.imageUrls : [null];
  return html`<section class="page product-page">
    <div class="split">
      <div>
        <${ProductImage} product=${product} url=${images[image]} size="lg" />
        ${images.length > 1 ? html`<div class="thumbs">${images.map((u, i) => html`<button type="button" class=${"thumb" + (i === image ? " on" : "")} onClick=${() => setImage(i)} aria-label=${`Image ${i + 1}`}><${ProductImage} product=${product} url=${u} size="sm" /></button>`)}</div>` : null}
      </div>
      <div class="card buy-box">
        <div class="muted small">${product.category.parent ? `${product.category.parent.name} › ` : ""}${product.category.name}</div>
        <h1>${product.title}</h1>
        ${product.status !== "ACTIVE" ? html`<span class="status">${product.status.toLowerCase()}</span>` : null}
        <div class="price big">${chosen ? chosen.price.formatted : product.priceFrom.formatted}${!chosen && product.variants.length > 1 ? " and up" : ""}</div>
        ${names.map((name) => html`<fieldset class="field option-group">
          <legend>${name}</legend>
          <div class="chips">${valuesOf(name).map((value) => html`<button type="button" class=${"chip" + (picked[name] === value ? " on" : "")} disabled=${!available(name, value)} aria-pressed=${picked[name] === value ? "true" : "false"} onClick=${() => setPicked({ ...picked, [name]: value })}>${value}</button>`)}</div>
        </fieldset>`)}
        ${chosen ? html`<div class="muted small">${chosen.inStock ? `${chosen.stock} in stock` : "Sold out"} · SKU ${chosen.sku}</div>` : null}
        <div class="field quantity">
          <label for="quantity">Quantity</label>
          <input id="quantity" type="number" min="1" max="99" value=${quantity} onInput=${(e) => setQuantity(Math.max(1, parseInt(e.target.value || "1", 10)))} />
        </div>
        <div class="row">
          <button type="button" class="primary" disabled=${busy || (chosen && !chosen.inStock)} onClick=${() => act(false)}>Add to cart</button>
          <button type="button" disabled=${busy || (chosen && !chosen.inStock)} onClick=${() => act(true)}>Buy now</button>
        </div>
        ${message ? html`<div class=${message.error ? "form-error" : "form-notice"} role="status">${message.text} ${message.cart ? html`<a href="/cart">View cart</a>` : null}</div>` : null}
        <p class="muted small">Escrow: the platform holds your money until you confirm receipt.</p>
        <a class="shop-line" href=${`/shops/${product.shop.owner.username}`}>
          <${Avatar} user=${product.shop.owner} size=${32} /> <span><strong>${product.shop.name}</strong><br /><span class="muted small">${product.shop.verification === "VERIFIED" ? "Verified shop" : "Unverified shop"}</span></span>
        </a>
      </div>
    </div>
    ${product.description ? html`<div class="card description"><h2>About this item</h2><p>${product.description}</p></div>` : null}
  </section>`;
}

function Bar({ label, dim }) {
  const pct = (v) => (v ? `${(v / 5) * 100}%` : "0%");
  return html`<div class="bar-row">
    <div class="bar-label">${label}</div>
    <div class="bar-track" role="img" aria-label=${`${label}: ${dim.average ?? "no ratings"} of 5; category ${dim.categoryAverage ?? "n/a"}`}>
      <div class="bar-fill" style=${`width:${pct(dim.average)}`}></div>
      ${dim.categoryAverage ? html`<div class="bar-mark" style=${`left:${pct(dim.categoryAverage)}`} title=${`Category average ${dim.categoryAverage}`}></div>` : null}
    </div>
    <div class="bar-value">${dim.average ?? "–"}</div>
  </div>`;
}

const SCORE_TEXT = { GOOD: "Good", NEUTRAL: "Neutral", POOR: "Poor" };

export function ShopPage({ owner }) {
  const { data, loading } = useQuery("ShopPage", { owner });
  const shop = data && data.shop;
  useTitle(shop ? shop.name : "Shop");
  if (loading && !data) return html`<${Loading} />`;
  if (!shop) return html`<section class="page narrow"><h1>No such shop</h1></section>`;
  const s = shop.ratingSummary;
  const total = s.good + s.neutral + s.poor;
  return html`<section class="page shop-page">
    <div class="card shop-head">
      <${Avatar} user=${shop.owner} size=${72} />
      <div class="who">
        <h1>${shop.name} ${shop.verification === "VERIFIED" ? html`<span class="badge verified">verified</span>` : null}</h1>
        <div class="row"><${CreditBadge} credit=${shop.credit} label="Seller" /> <a href=${`/u/${shop.owner.username}`}>@${shop.owner.username}</a></div>
        ${shop.description ? html`<p>${shop.description}</p>` : null}
      </div>
    </div>
    <div class="split">
      <div>
        <h2>Products</h2>
        ${shop.products.edges.length
          ? html`<div class="grid products">${shop.products.edges.map((e) => html`<${ProductCard} product=${e.node} />`)}</div>`
          : html`<${Empty}>No products listed yet.<//>`}
      </div>
      <aside>
        <div class="card ratings-summary">
          <h2>Ratings, last 6 months</h2>
          <div class="good-rate"><strong>${s.goodRate == null ? "–" : `${Math.round(s.goodRate * 1000) / 10}%`}</strong> good <span class="muted">(${total} ratings)</span></div>
          <${Bar} label="Item as described" dim=${s.described} />
          <${Bar} label="Seller's service" dim=${s.service} />
          <${Bar} label="Shipping speed" dim=${s.shipping} />
          <div class="muted small">${s.category ? html`The marker is the average of shops in ${s.category.name}.` : "No store scores yet."}</div>
        </div>
        <div class="card latest-ratings">
          <h2>Latest ratings</h2>
          ${shop.ratings.edges.length ? shop.ratings.edges.map(({ node: r }) => html`<div class="rating">
            <div class="row between"><span><strong>${r.rater.displayName}</strong> <span class=${`score score-${r.score.toLowerCase()}`}>${SCORE_TEXT[r.score]}</span>${r.changed ? html` <span class="muted small">(changed to good)</span>` : null}</span><span class="muted small">${timeAgo(r.createdAt)}</span></div>
            ${r.comment ? html`<p>${r.comment}</p>` : r.automatic ? html`<p class="muted small">Automatic good rating.</p>` : null}
            ${r.reply ? html`<p class="reply"><strong>Shop:</strong> ${r.reply}</p>` : null}
          </div>`) : html`<${Empty}>No ratings yet.<//>`}
        </div>
      </aside>
    </div>
  </section>`;
}
