// Admins: refused refund requests waiting for a decision, each linking to its order (where
// the thread is, and the decision form).
import { html, useState, useEffect } from "../lib.js";
import { gql } from "../api.js";
import { Loading, Empty, Errors } from "../components.js";
import { When } from "./orders-common.js";

const PAGE = 20;

function DisputeCard({ dispute }) {
  const o = dispute.order;
  const r = dispute.refundRequest;
  return html`<li class="card dispute-card">
    <div class="oc-head">
      <a class="oc-number" href=${`/orders/${o.id}`}>${o.number}</a>
      <span class="oc-who">${o.buyer.username} <span class="muted">vs</span> ${o.shop.name}</span>
      <span class=${`status ${dispute.status === "OPEN" ? "st-disputed" : "st-completed"}`}>${dispute.status === "OPEN" ? "Open" : "Decided"}</span>
    </div>
    <dl class="dispute-facts">
      <div><dt>Asked back</dt><dd><strong>${r.amount.formatted}</strong> <span class="muted">of ${o.total.formatted}</span></dd></div>
      <div><dt>Opened</dt><dd><${When} iso=${dispute.openedAt} /></dd></div>
    </dl>
    <p class="quote"><span class="muted">Buyer:</span> ${r.reason}</p>
    <p class="quote"><span class="muted">Seller:</span> ${r.sellerNote || html`<em class="muted">no note</em>`}</p>
    <div class="row"><a class="button primary" href=${`/orders/${o.id}`}>${dispute.status === "OPEN" ? "Review and decide" : "View order"}</a></div>
  </li>`;
}

export function DisputesPage({ query }) {
  const openOnly = query.show !== "all";
  const [state, setState] = useState({ items: [], cursor: null, hasNext: false, loading: true, errors: [] });
  const load = async (after) => {
    setState((s) => ({ ...s, loading: true }));
    const variables = { first: PAGE, openOnly };
    if (after) variables.after = after;
    const { data, errors } = await gql("Disputes", variables);
    const conn = data && data.disputes;
    const nodes = conn ? conn.edges.map((e) => e.node) : [];
    setState((s) => ({
      items: after ? [...s.items, ...nodes] : nodes,
      cursor: conn ? conn.pageInfo.endCursor : null,
      hasNext: !!(conn && conn.pageInfo.hasNextPage),
      loading: false,
      errors,
    }));
  };
  useEffect(() => {
    load(null);
  }, [openOnly]);

  const denied = state.errors.some((e) => e.extensions && e.extensions.code === "PERMISSION_DENIED");
  if (denied) {
    return html`<section class="page narrow card">
      <h1>Admins only</h1>
      <p>Disputes are decided by Haowu's admins. If you have a problem with an order, open it from <a href="/orders">your orders</a> and write in its message thread.</p>
    </section>`;
  }
  return html`<section class="page orders-page">
    <div class="orders-head">
      <h1>Disputes</h1>
      <p class="muted">Refund requests the seller refused. Open one to read the thread and decide.</p>
    </div>
    <nav class="order-tabs" aria-label="Which disputes">
      <a href="/admin/disputes" class=${"order-tab" + (openOnly ? " on" : "")} aria-current=${openOnly ? "page" : undefined}>Open</a>
      <a href="/admin/disputes?show=all" class=${"order-tab" + (!openOnly ? " on" : "")} aria-current=${!openOnly ? "page" : undefined}>All</a>
    </nav>
    <${Errors} errors=${state.errors} />
    ${state.loading && !state.items.length
      ? html`<${Loading} text="Loading disputes…" />`
      : !state.items.length
        ? html`<${Empty}>${openOnly ? "No open disputes." : "No disputes yet."}<//>`
        : html`<ul class="order-list">${state.items.map((d) => html`<${DisputeCard} key=${d.id} dispute=${d} />`)}</ul>
            ${state.hasNext
              ? html`<div class="load-more"><button type="button" onClick=${() => load(state.cursor)} disabled=${state.loading}>${state.loading ? "Loading…" : "Load more"}</button></div>`
              : null}`}
  </section>`;
}
