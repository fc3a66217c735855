// Order lists: what I bought (/orders) and what my shop sold (/shop/orders), with status
// filters and "load more".
import { html, useState, useEffect } from "../lib.js";
import { gql } from "../api.js";
import { Loading, Empty, Errors, ProductImage } from "../components.js";
import { formatDate } from "../format.js";
import { TABS, StatusBadge, yourMove } from "./orders-common.js";

const PAGE = 20;

const KINDS = {
  BUYER: {
    op: "MyOrders",
    field: "myOrders",
    base: "/orders",
    title: "Your orders",
    intro: "What you bought. The platform holds your money until you confirm receipt.",
    empty: html`You haven't ordered anything here yet.`,
  },
  SELLER: {
    op: "ShopOrders",
    field: "shopOrders",
    base: "/shop/orders",
    title: "Sales",
    intro: "Orders placed with your shop. You are paid when the buyer confirms receipt.",
    empty: html`No orders for your shop here yet.`,
  },
};

function Tabs({ base, current }) {
  return html`<nav class="order-tabs" aria-label="Filter by status">
    ${TABS.map(([key, text]) => {
      const href = key === "all" ? base : `${base}?tab=${key}`;
      return html`<a href=${href} class=${"order-tab" + (key === current ? " on" : "")} aria-current=${key === current ? "page" : undefined}>${text}</a>`;
    })}
  </nav>`;
}

function OrderCard({ order, side }) {
  const who =
    side === "BUYER"
      ? html`<span class="oc-who">${order.shop.name}</span>`
      : html`<span class="oc-who">${order.buyer.displayName} <span class="muted">@${order.buyer.username}</span></span>`;
  const shown = order.lines.slice(0, 4);
  const titles = order.lines.map((l) => (l.quantity > 1 ? `${l.title} × ${l.quantity}` : l.title)).join(", ");
  return html`<li>
    <a class="order-card card" href=${`/orders/${order.id}`} data-order=${order.number}>
      <div class="oc-head">
        <span class="oc-number">${order.number}</span>
        ${who}
        ${yourMove(order.status, side) ? html`<span class="your-move">Your move</span>` : null}
        <${StatusBadge} status=${order.status} />
      </div>
      <div class="oc-body">
        <div class="oc-images">
          ${shown.map((l) => html`<${ProductImage} url=${l.imageUrl} product=${{ title: l.title }} size="sm" />`)}
          ${order.lines.length > shown.length ? html`<span class="oc-more">+${order.lines.length - shown.length}</span>` : null}
        </div>
        <div class="oc-titles">${titles}</div>
      </div>
      <div class="oc-foot">
        <time class="muted" datetime=${order.createdAt}>${formatDate(order.createdAt)}</time>
        <span class="oc-total">Total <span class="price">${order.total.formatted}</span></span>
      </div>
    </a>
  </li>`;
}

function OrderList({ side, tab }) {
  const kind = KINDS[side];
  const current = TABS.find(([key]) => key === tab) || TABS[0];
  const [state, setState] = useState({ items: [], cursor: null, hasNext: false, loading: true, errors: [], none: false });

  const load = async (after) => {
    setState((s) => ({ ...s, loading: true, errors: [] }));
    const variables = { first: PAGE };
    if (after) variables.after = after;
    if (current[2]) variables.status = current[2];
    const { data, errors } = await gql(kind.op, variables);
    const conn = data && data[kind.field];
    const edges = conn ? conn.edges.map((e) => e.node) : [];
    setState((s) => ({
      items: after ? [...s.items, ...edges] : edges,
      cursor: conn ? conn.pageInfo.endCursor : null,
      hasNext: !!(conn && conn.pageInfo.hasNextPage),
      loading: false,
      errors,
      none: !conn && !errors.length,
    }));
  };

  useEffect(() => {
    load(null);
  }, [side, current[0]]);

  let body;
  if (state.loading && !state.items.length) body = html`<${Loading} text="Loading orders…" />`;
  else if (state.none) body = html`<${Empty}>${side === "SELLER" ? "You don't have a shop yet, so there are no sales." : "Nothing here."}<//>`;
  else if (!state.items.length && !state.errors.length)
    body = html`<${Empty}>${current[0] === "all" ? kind.empty : html`No orders with this status.`}<//>`;
  else
    body = html`<ul class="order-list">${state.items.map((o) => html`<${OrderCard} key=${o.id} order=${o} side=${side} />`)}</ul>
      ${state.hasNext
        ? html`<div class="load-more"><button type="button" onClick=${() => load(state.cursor)} disabled=${state.loading} aria-busy=${state.loading ? "true" : "false"}>
            ${state.loading ? html`<span class="spinner" aria-hidden="true"></span> Loading…` : "Load more"}
          </button></div>`
        : null}`;

  return html`<section class="page orders-page">
    <div class="orders-head">
      <h1>${kind.title}</h1>
      <p class="muted">${kind.intro}</p>
    </div>
    <${Tabs} base=${kind.base} current=${current[0]} />
    <${Errors} errors=${state.errors} />
    ${body}
  </section>`;
}

export function OrdersPage({ query }) {
  return html`<${OrderList} side="BUYER" tab=${query.tab} />`;
}

export function SalesPage({ query }) {
  return html`<${OrderList} side="SELLER" tab=${query.tab} />`;
}
