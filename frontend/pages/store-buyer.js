// The buyer's side: the cart with the address book and checkout, and the wallet.
import { html, useState } from "../lib.js";
import { mutate } from "../api.js";
import { navigate } from "../router.js";
import { useForm, Field, Submit, FormError } from "../forms.js";
import { useQuery, useTitle, Loading, Empty, Errors, ProductImage } from "../components.js";
import { parseMoney } from "../format.js";

function newKey() {
  return (crypto.randomUUID && crypto.randomUUID()) || String(Date.now()) + Math.random();
}

function AddressForm({ onDone }) {
  const form = useForm({ recipient: "", phone: "", line1: "", line2: "", city: "", region: "", postcode: "" });
  return html`<form class="card address-form" onSubmit=${form.submit((v) => mutate("AddAddress", v), (p) => onDone(p.address))} novalidate>
    <h3>New address</h3>
    <div class="two">
      <${Field} form=${form} name="recipient" label="Recipient" autocomplete="name" />
      <${Field} form=${form} name="phone" label="Phone" type="tel" autocomplete="tel" />
    </div>
    <${Field} form=${form} name="line1" label="Street address" autocomplete="address-line1" />
    <${Field} form=${form} name="line2" label="Apartment, floor (optional)" autocomplete="address-line2" />
    <div class="two">
      <${Field} form=${form} name="city" label="City" autocomplete="address-level2" />
      <${Field} form=${form} name="region" label="Province / region" autocomplete="address-level1" />
      <${Field} form=${form} name="postcode" label="Postcode" autocomplete="postal-code" />
    </div>
    <${FormError} form=${form} />
    <${Submit} form=${form}>Save address<//>
  </form>`;
}

function CartLine({ line, onChange }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const set = async (quantity) => {
    setBusy(true);
    const r = await mutate("SetCartQuantity", { variantId: line.variant.id, quantity });
    setError(r.errors.length ? r.errors[0].message : "");
    setBusy(false);
    onChange();
  };
  if (!line.variant) return html`<div class="cart-line muted">An item is no longer for sale.</div>`;
  return html`<div class="cart-line">
    <${ProductImage} product=${line.product} size="sm" />
    <div class="grow"><a href=${`/p/${line.product.id}`}>${line.product.title}</a><div class="muted small">${line.variant.label} · ${line.variant.price.formatted}</div>
      ${error ? html`<div class="field-error" role="alert">${error}</div>` : null}</div>
    <div class="stepper" aria-label="Quantity">
      <button type="button" disabled=${busy} onClick=${() => set(line.quantity - 1)} aria-label="One less">−</button>
      <span aria-live="polite">${line.quantity}</span>
      <button type="button" disabled=${busy} onClick=${() => set(line.quantity + 1)} aria-label="One more">+</button>
    </div>
    <div class="price">${line.lineTotal.formatted}</div>
  </div>`;
}

export function CartPage({ query }) {
  useTitle("Cart");
  const { data, loading, reload } = useQuery("Cart");
  const [addressId, setAddressId] = useState(null);
  const [adding, setAdding] = useState(!!query.needAddress);
  const [state, setState] = useState({ busy: false, errors: [], orders: null });
  if (loading && !data) return html`<${Loading} />`;
  const cart = data.cart;
  const addresses = data.addresses || [];
  const chosen = addressId || (addresses[0] && addresses[0].id);
  const byShop = {};
  for (const line of cart.lines) {
    const shop = line.product ? line.product.shop.name : "Unavailable";
    (byShop[shop] = byShop[shop] || []).push(line);
  }
  const checkout = async () => {
    setState({ busy: true, errors: [], orders: null });
    const placed = await mutate("Checkout", { addressId: chosen });
    if (placed.errors.length) return setState({ busy: false, errors: placed.errors, orders: null });
    const errors = [];
    for (const order of placed.orders) {
      const paid = await mutate("Pay", { orderId: order.id, idempotencyKey: newKey() });
      errors.push(...paid.errors);
    }
    setState({ busy: false, errors, orders: placed.orders });
    reload();
  };
  if (state.orders) {
    return html`<section class="page narrow card">
      <h1>${state.errors.length ? "Orders placed" : "Paid — thank you!"}</h1>
      ${state.errors.length ? html`<div class="form-error" role="alert">${state.errors[0].message} <a href="/wallet">Top up your wallet</a>, then pay from the order page.</div>` : html`<p>The platform holds your money until you confirm receipt.</p>`}
      <ul>${state.orders.map((o) => html`<li><a href=${`/orders/${o.id}`}>${o.number}</a> · ${o.shop.name} · ${o.total.formatted}</li>`)}</ul>
      <a class="button primary" href="/orders">Your orders</a>
    </section>`;
  }
  return html`<section class="page">
    <h1>Your cart</h1>
    <div class="split">
      <div>
        ${cart.lines.length
          ? Object.entries(byShop).map(([shop, lines]) => html`<div class="card cart-shop"><h3>${shop}</h3>${lines.map((l) => html`<${CartLine} line=${l} onChange=${reload} />`)}</div>`)
          : html`<${Empty}>Your cart is empty. <a href="/products">Find something good</a>.<//>`}
      </div>
      <aside class="card checkout">
        <h2>Ship to</h2>
        ${addresses.length
          ? html`<div class="addresses" role="radiogroup" aria-label="Shipping address">${addresses.map((a) => html`<label class=${"address" + (chosen === a.id ? " on" : "")}>
              <input type="radio" name="address" value=${a.id} checked=${chosen === a.id} onChange=${() => setAddressId(a.id)} />
              <span><strong>${a.recipient}</strong> ${a.phone}<br />${a.line1}${a.line2 ? `, ${a.line2}` : ""}, ${a.city}</span>
            </label>`)}</div>`
          : html`<p class="muted">Add an address to check out.</p>`}
        ${adding
          ? html`<${AddressForm} onDone=${(a) => { setAdding(false); setAddressId(a.id); reload(); }} />`
          : html`<button type="button" class="link" onClick=${() => setAdding(true)}>+ Add an address</button>`}
        <div class="total-line"><span>Total (${cart.count} items)</span> <span class="price big">${cart.total.formatted}</span></div>
        <div class="muted small">Wallet: ${data.wallet.balance.formatted} · <a href="/wallet">top up</a></div>
        <${Errors} errors=${state.errors} />
        <button type="button" class="primary" disabled=${state.busy || !cart.lines.length || !chosen} onClick=${checkout}>${state.busy ? "Placing orders…" : "Place orders and pay"}</button>
        <div class="muted small">One order per shop. Your money is held in escrow until you confirm receipt.</div>
      </aside>
    </div>
  </section>`;
}

export function WalletPage() {
  useTitle("Wallet");
  const { data, loading, reload } = useQuery("Wallet");
  const form = useForm({ amount: "100.00" });
  if (loading && !data) return html`<${Loading} />`;
  const topUp = form.submit(async ({ amount }) => {
    const fen = parseMoney(amount);
    if (Number.isNaN(fen) || fen <= 0) return { errors: [{ field: "amount", message: "Enter an amount, e.g. 100.00" }] };
    return mutate("TopUp", { amount: fen, idempotencyKey: newKey() });
  }, async (payload) => {
    await reload();
    form.setNotice(`Added. Balance: ${payload.wallet.balance.formatted}`);
  });
  return html`<section class="page narrow">
    <h1>Wallet</h1>
    <div class="card wallet">
      <div class="balance"><span class="muted">Balance</span> <strong class="big" data-testid="wallet-balance">${data.wallet.balance.formatted}</strong></div>
      <div class="muted">Locked as shop deposit: ${data.wallet.deposit.formatted}</div>
    </div>
    <form class="card" onSubmit=${topUp} novalidate>
      <h2>Top up</h2>
      <p class="muted small">Payments go through the sandbox provider: no real money moves.</p>
      <${Field} form=${form} name="amount" label="Amount (¥)" inputmode="decimal" />
      <${FormError} form=${form} />
      <${Submit} form=${form} busyText="Topping up…">Top up<//>
    </form>
  </section>`;
}
