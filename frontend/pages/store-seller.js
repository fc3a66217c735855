// "My shop": open a shop, verify it, lock the deposit, list and edit products.
import { html, useState, useEffect } from "../lib.js";
import { gql, mutate } from "../api.js";
import { navigate } from "../router.js";
import { useForm, Field, Submit, FormError, ActionButton } from "../forms.js";
import { useQuery, useTitle, Loading, Empty, ProductImage } from "../components.js";
import { parseMoney, formatDateTime } from "../format.js";

function newKey() {
  return (crypto.randomUUID && crypto.randomUUID()) || String(Date.now()) + Math.random();
}

function OpenShopForm({ onDone }) {
  const form = useForm({ name: "", description: "" });
  return html`<section class="page narrow card">
    <h1>Open your shop</h1>
    <p class="muted">Sell what you make. After opening: verify your name and lock a security deposit, then list products.</p>
    <form onSubmit=${form.submit((v) => mutate("OpenShop", v), onDone)} novalidate>
      <${Field} form=${form} name="name" label="Shop name" />
      <${Field} form=${form} name="description" label="What you sell" textarea maxLength=${1000} />
      <${FormError} form=${form} />
      <${Submit} form=${form} busyText="Opening…">Open shop<//>
    </form>
  </section>`;
}

function Verification({ shop, onDone }) {
  const form = useForm({ amount: "" });
  if (shop.verification === "VERIFIED") return html`<div class="step done">✓ Real-name verification done</div>`;
  const confirm = form.submit(async ({ amount }) => {
    const fen = parseMoney(amount);
    if (Number.isNaN(fen)) return { errors: [{ field: "amount", message: "Enter the amount, e.g. 0.37" }] };
    return mutate("ConfirmShopVerification", { amount: fen });
  }, onDone);
  return html`<div class="step card">
    <h2>1. Verify your real name</h2>
    ${shop.verification === "UNVERIFIED"
      ? html`<p>We send a small random amount (¥0.01–¥0.99) to your wallet; you tell us how much it was.</p>
          <${ActionButton} class="primary" run=${() => mutate("StartShopVerification")} onDone=${onDone}>Send the micro-deposit<//>`
      : html`<p>We sent a small amount to your <a href="/wallet">wallet</a>. How much was it?</p>
          ${shop.verificationLockedUntil ? html`<p class="form-error">Locked until ${formatDateTime(shop.verificationLockedUntil)} after three wrong amounts.</p>` : null}
          <form onSubmit=${confirm} novalidate class="inline-form">
            <${Field} form=${form} name="amount" label="Amount received (¥)" inputmode="decimal" placeholder="0.37" />
            <${FormError} form=${form} />
            <${Submit} form=${form} busyText="Checking…">Confirm amount<//>
          </form>`}
  </div>`;
}

function Deposit({ shop, wallet, onDone }) {
  const form = useForm({ amount: shop.depositRequired.amount > shop.deposit.amount ? ((shop.depositRequired.amount - shop.deposit.amount) / 100).toFixed(2) : "" });
  const ok = shop.deposit.amount >= shop.depositRequired.amount;
  const lock = form.submit(async ({ amount }) => {
    const fen = parseMoney(amount);
    if (Number.isNaN(fen)) return { errors: [{ field: "amount", message: "Enter an amount in yuan." }] };
    return mutate("LockDeposit", { amount: fen, idempotencyKey: newKey() });
  }, onDone);
  return html`<div class=${"step card" + (ok ? " done" : "")}>
    <h2>2. Security deposit</h2>
    <p>Locked: <strong>${shop.deposit.formatted}</strong> of ${shop.depositRequired.formatted} required. Wallet: ${wallet.balance.formatted} (<a href="/wallet">top up</a>).</p>
    ${ok ? html`<p class="muted">Your deposit covers listing. It pays violation fees if a dispute goes against you.</p>` : null}
    <form onSubmit=${lock} novalidate class="inline-form">
      <${Field} form=${form} name="amount" label="Lock from wallet (¥)" inputmode="decimal" />
      <${FormError} form=${form} />
      <${Submit} form=${form} busyText="Locking…">Lock deposit<//>
    </form>
  </div>`;
}

const NEXT_STATUS = { DRAFT: ["ACTIVE", "Publish"], ACTIVE: ["DRAFT", "Unpublish"], DELISTED: ["ACTIVE", "Relist"] };

function ProductRow({ product, onDone }) {
  const [to, text] = NEXT_STATUS[product.status];
  return html`<tr>
    <td><div class="row"><${ProductImage} product=${product} size="sm" /> <a href=${`/p/${product.id}`}>${product.title}</a></div></td>
    <td><span class="status">${product.status.toLowerCase()}</span></td>
    <td>${product.variants.map((v) => html`<div class="small">${v.label}: ${v.price.formatted} · ${v.stock} left</div>`)}</td>
    <td class="actions">
      <a class="button" href=${`/shop/products/${product.id}/edit`}>Edit</a>
      <${ActionButton} run=${() => mutate("SetProductStatus", { id: product.id, status: to })} onDone=${onDone}>${text}<//>
      ${product.status !== "DELISTED" ? html`<${ActionButton} class="danger" confirm="Delist this product?" run=${() => mutate("SetProductStatus", { id: product.id, status: "DELISTED" })} onDone=${onDone}>Delist<//>` : null}
    </td>
  </tr>`;
}

export function MyShopPage() {
  useTitle("My shop");
  const { data, loading, reload } = useQuery("MyShop");
  if (loading && !data) return html`<${Loading} />`;
  const shop = data && data.myShop;
  if (!shop) return html`<${OpenShopForm} onDone=${reload} />`;
  const products = shop.products.edges.map((e) => e.node);
  return html`<section class="page">
    <div class="row between wrap">
      <h1>${shop.name}</h1>
      <div class="row"><a href="/shop/orders">Sales</a></div>
    </div>
    <div class="steps">
      <${Verification} shop=${shop} onDone=${reload} />
      ${shop.verification === "VERIFIED" ? html`<${Deposit} shop=${shop} wallet=${data.wallet} onDone=${reload} />` : null}
    </div>
    <div class="row between"><h2>Products</h2>
      ${shop.canList ? html`<a class="button primary" href="/shop/products/new">New product</a>` : html`<span class="muted">Verify and lock the deposit to list products.</span>`}
    </div>
    ${products.length
      ? html`<div class="card table-wrap"><table><thead><tr><th>Product</th><th>Status</th><th>Variants</th><th></th></tr></thead>
          <tbody>${products.map((p) => html`<${ProductRow} product=${p} onDone=${reload} />`)}</tbody></table></div>`
      : html`<${Empty}>No products yet.<//>`}
  </section>`;
}

function variantRows(variants) {
  if (!variants || !variants.length) return [{ sku: "", options: "", price: "", stock: "1" }];
  return variants.map((v) => ({
    sku: v.sku,
    options: v.options.map((o) => `${o.name}=${o.value}`).join(", "),
    price: (v.price.amount / 100).toFixed(2),
    stock: String(v.stock),
  }));
}

function parseOptions(text) {
  return text.split(",").map((p) => p.trim()).filter(Boolean).map((p) => {
    const [name, ...rest] = p.split("=");
    return { name: name.trim(), value: rest.join("=").trim() };
  });
}

export function ProductEditorPage({ id }) {
  useTitle(id ? "Edit product" : "New product");
  const cats = useQuery("Categories");
  const existing = useQuery("ProductForEdit", { id: id || "" }, [id]);
  const [ready, setReady] = useState(!id);
  const form = useForm({ title: "", description: "", imageUrls: "", categoryId: "", status: "ACTIVE" });
  const [rows, setRows] = useState(variantRows(null));
  useEffect(() => {
    const p = existing.data && existing.data.product;
    if (id && p) {
      form.reset({ title: p.title, description: p.description, imageUrls: p.imageUrls.join("\n"), categoryId: p.category.id, status: p.status });
      setRows(variantRows(p.variants.map((v) => ({ ...v, price: { amount: v.price.amount } }))));
      setReady(true);
    }
  }, [existing.data]);
  if (!ready) return html`<${Loading} />`;
  const setRow = (i, key, value) => setRows(rows.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  const submit = form.submit(async (v) => {
    const variants = [];
    for (const r of rows) {
      const price = parseMoney(r.price);
      if (Number.isNaN(price)) return { errors: [{ field: "variants", message: `Enter a price for ${r.sku || "each variant"}.` }] };
      variants.push({ sku: r.sku.trim(), price, stock: parseInt(r.stock || "0", 10), options: parseOptions(r.options) });
    }
    const input = {
      title: v.title,
      description: v.description,
      imageUrls: v.imageUrls.split("\n").map((u) => u.trim()).filter(Boolean),
      categoryId: v.categoryId || null,
      variants,
    };
    if (!input.categoryId) return { errors: [{ field: "categoryId", message: "Pick a category." }] };
    return id ? mutate("UpdateProduct", { id, ...input }) : mutate("CreateProduct", { ...input, status: v.status });
  }, () => navigate("/shop"));
  const tops = (cats.data && cats.data.categories) || [];
  return html`<section class="page card">
    <h1>${id ? "Edit product" : "New product"}</h1>
    <form onSubmit=${submit} novalidate>
      <${Field} form=${form} name="title" label="Title" maxLength=${120} />
      <${Field} form=${form} name="description" label="Description" textarea rows=${5} maxLength=${5000} />
      <div class="field">
        <label for="f-categoryId">Category</label>
        <select id="f-categoryId" value=${form.values.categoryId} onChange=${(e) => form.set("categoryId", e.target.value)} aria-invalid=${form.errors.categoryId ? "true" : "false"} aria-describedby=${form.errors.categoryId ? "f-categoryId-error" : undefined}>
          <option value="">Choose…</option>
          ${tops.map((c) => html`<optgroup label=${c.name}>${c.children.map((k) => html`<option value=${k.id}>${k.name}</option>`)}</optgroup>`)}
        </select>
        ${form.errors.categoryId ? html`<div class="field-error" id="f-categoryId-error" role="alert">${form.errors.categoryId}</div>` : null}
      </div>
      <${Field} form=${form} name="imageUrls" label="Image URLs (one per line, up to 9)" textarea rows=${3} />
      <fieldset class="field" aria-describedby=${form.errors.variants ? "f-variants-error" : undefined}>
        <legend>Variants</legend>
        <div class="hint">Each variant has its own SKU, price and stock. Options like <code>size=M, colour=Indigo</code>.</div>
        <div class="variants">
          ${rows.map((r, i) => html`<div class="variant-row">
            <div class="field"><label for=${`v-sku-${i}`}>SKU</label><input id=${`v-sku-${i}`} value=${r.sku} onInput=${(e) => setRow(i, "sku", e.target.value)} /></div>
            <div class="field grow"><label for=${`v-opt-${i}`}>Options</label><input id=${`v-opt-${i}`} value=${r.options} placeholder="size=M, colour=Indigo" onInput=${(e) => setRow(i, "options", e.target.value)} /></div>
            <div class="field"><label for=${`v-price-${i}`}>Price (¥)</label><input id=${`v-price-${i}`} inputmode="decimal" value=${r.price} onInput=${(e) => setRow(i, "price", e.target.value)} /></div>
            <div class="field"><label for=${`v-stock-${i}`}>Stock</label><input id=${`v-stock-${i}`} type="number" min="0" value=${r.stock} onInput=${(e) => setRow(i, "stock", e.target.value)} /></div>
            ${rows.length > 1 ? html`<button type="button" class="link" onClick=${() => setRows(rows.filter((_, j) => j !== i))} aria-label=${`Remove variant ${i + 1}`}>Remove</button>` : null}
          </div>`)}
        </div>
        <button type="button" onClick=${() => setRows([...rows, { sku: "", options: "", price: "", stock: "1" }])}>Add a variant</button>
        ${form.errors.variants ? html`<div class="field-error" id="f-variants-error" role="alert">${form.errors.variants}</div>` : null}
      </fieldset>
      ${!id ? html`<div class="field"><label for="f-status">Publish</label>
        <select id="f-status" value=${form.values.status} onChange=${(e) => form.set("status", e.target.value)}>
          <option value="ACTIVE">Publish now</option><option value="DRAFT">Save as draft</option>
        </select></div>` : null}
      <${FormError} form=${form} />
      <div class="row"><${Submit} form=${form}>${id ? "Save changes" : "Create product"}<//> <a href="/shop">Cancel</a></div>
    </form>
  </section>`;
}
