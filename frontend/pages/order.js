// One order, for its buyer, its seller or an admin: where it is, what to do next, the
// money, the goods, the address, the history, the message thread and the ratings.
import { html, useEffect } from "../lib.js";
import { mutate } from "../api.js";
import { useQuery, Loading, Errors, Avatar, ProductImage } from "../components.js";
import { useForm, Submit, FormError } from "../forms.js";
import { formatDateTime, timeAgo } from "../format.js";
import { StatusBadge, statusText, When, PField } from "./orders-common.js";
import { NextStep } from "./orders-actions.js";
import { RatingsSection } from "./orders-ratings.js";

const REFRESH_MS = 30_000;

// The happy path, for the progress bar; other endings replace the last step.
const STEPS = [
  ["AWAITING_PAYMENT", "Placed"],
  ["PAID", "Paid"],
  ["SHIPPED", "Shipped"],
  ["COMPLETED", "Completed"],
];

function Progress({ order }) {
  const reached = new Set(order.history.map((e) => e.status));
  const detour = ["REFUND_REQUESTED", "RETURN_REQUESTED", "DISPUTED"].includes(order.status);
  const ended = ["REFUNDED", "CANCELLED"].includes(order.status);
  const steps = STEPS.slice(0, 3).map(([status, text]) => [status, text]);
  if (detour) steps.push([order.status, statusText(order.status)]);
  steps.push(ended ? [order.status, statusText(order.status)] : ["COMPLETED", "Completed"]);
  const at = (status) => {
    const events = order.history.filter((e) => e.status === status);
    return events.length ? events[events.length - 1].at : null;
  };
  return html`<ol class="progress" aria-label="Progress">
    ${steps.map(([status, text]) => {
      const done = reached.has(status);
      const current = status === order.status;
      const cls = "step" + (done ? " done" : "") + (current ? ` current ${status.toLowerCase()}` : "");
      return html`<li class=${cls} aria-current=${current ? "step" : undefined}>
        <span class="dot" aria-hidden="true"></span>
        <span class="step-name">${text}</span>
        ${done && at(status) ? html`<span class="step-at">${formatDateTime(at(status))}</span>` : null}
      </li>`;
    })}
  </ol>`;
}

function Lines({ order }) {
  return html`<section class="card order-lines" aria-labelledby="lines-h">
    <h2 id="lines-h">Items</h2>
    <ul class="lines">
      ${order.lines.map(
        (l) => html`<li class="line">
          <${ProductImage} url=${l.imageUrl} product=${{ title: l.title }} size="sm" />
          <div class="line-main">
            <div class="line-title">${l.product ? html`<a href=${`/products/${l.product.id}`}>${l.title}</a>` : l.title}</div>
            <div class="muted line-meta">
              ${l.options.map((o) => `${o.name}: ${o.value}`).join(" · ")}${l.options.length ? " · " : ""}SKU ${l.sku}
            </div>
            <div class="muted line-meta">${l.unitPrice.formatted} × ${l.quantity}</div>
          </div>
          <div class="line-total">${l.lineTotal.formatted}</div>
        </li>`,
      )}
    </ul>
    <dl class="sums">
      <div><dt>Subtotal</dt><dd>${order.subtotal.formatted}</dd></div>
      ${order.discount.amount ? html`<div><dt>Discount</dt><dd>−${order.discount.formatted}</dd></div>` : null}
      <div class="sum-total"><dt>Total</dt><dd>${order.total.formatted}</dd></div>
    </dl>
    <p class="muted small">Prices are as they were when the order was placed.</p>
  </section>`;
}

function Money({ order }) {
  const paid = !!order.paidAt;
  return html`<section class="card money" aria-labelledby="money-h">
    <h2 id="money-h">Money</h2>
    <dl class="sums">
      <div><dt>Total</dt><dd>${order.total.formatted}</dd></div>
      <div><dt>Held in escrow</dt><dd class=${order.escrow.amount ? "held" : ""}>${order.escrow.formatted}</dd></div>
      <div><dt>Refunded to the buyer</dt><dd>${order.refunded.formatted}</dd></div>
      <div><dt>Paid to the seller</dt><dd>${order.sellerProceeds ? order.sellerProceeds.formatted : "—"}</dd></div>
    </dl>
    <p class="muted small">
      ${!paid
        ? "Nothing has been paid yet."
        : order.escrow.amount
          ? "Haowu holds the money until the buyer confirms receipt (or the deadline passes)."
          : "Escrow is settled."}
      ${order.sellerProceeds ? " The seller's share is after the platform fee." : ""}
    </p>
  </section>`;
}

function Shipping({ order }) {
  const a = order.shippingAddress;
  return html`<section class="card shipping" aria-labelledby="ship-h">
    <h2 id="ship-h">Delivery</h2>
    <address>
      <strong>${a.recipient}</strong> · ${a.phone}<br />
      ${a.line1}${a.line2 ? html`<br />${a.line2}` : null}<br />
      ${[a.city, a.region, a.postcode].filter(Boolean).join(", ")} · ${a.country}
    </address>
    ${order.trackingNumber
      ? html`<p class="tracking"><span class="muted">Shipped with</span> <strong>${order.carrier}</strong> <code>${order.trackingNumber}</code>
          ${order.shippedAt ? html`<br /><span class="muted small">on <${When} iso=${order.shippedAt} /></span>` : null}</p>`
      : html`<p class="muted">Not shipped yet.</p>`}
    ${order.returnTrackingNumber
      ? html`<p class="tracking"><span class="muted">Returned with</span> <strong>${order.returnCarrier}</strong> <code>${order.returnTrackingNumber}</code></p>`
      : null}
  </section>`;
}

const EVENT_TEXT = { AWAITING_PAYMENT: "Placed", PAID: "Paid" };

function History({ order }) {
  return html`<section class="card history" aria-labelledby="hist-h">
    <h2 id="hist-h">History</h2>
    <ol class="timeline">
      ${order.history.map(
        (e) => html`<li>
          <span class="tl-dot" aria-hidden="true"></span>
          <div class="tl-main">
            <div><strong>${EVENT_TEXT[e.status] || statusText(e.status)}</strong> <span class="muted">by ${e.actor ? e.actor.displayName : "Haowu (automatic)"}</span></div>
            <div class="muted small"><${When} iso=${e.at} /></div>
            ${e.note ? html`<div class="tl-note">${e.note}</div>` : null}
          </div>
        </li>`,
      )}
    </ol>
  </section>`;
}

function Refunds({ order }) {
  if (!order.refundRequests.length && !order.dispute) return null;
  const d = order.dispute;
  return html`<section class="card refunds" aria-labelledby="ref-h">
    <h2 id="ref-h">Refund ${order.dispute ? "and dispute" : "requests"}</h2>
    <ul class="refund-list">
      ${order.refundRequests.map(
        (r) => html`<li>
          <div class="row"><strong>${r.amount.formatted}</strong> <span class="status">${r.status.replace(/_/g, " ").toLowerCase()}</span> <span class="muted small">asked <${When} iso=${r.createdAt} /></span></div>
          <p class="quote"><span class="muted">Buyer:</span> ${r.reason}</p>
          ${r.sellerNote ? html`<p class="quote"><span class="muted">Seller:</span> ${r.sellerNote}</p>` : null}
        </li>`,
      )}
    </ul>
    ${d
      ? html`<div class="dispute-box">
          <div class="row"><strong>Dispute</strong> <span class=${`status ${d.status === "OPEN" ? "st-disputed" : "st-completed"}`}>${d.status === "OPEN" ? "open" : "decided"}</span> <span class="muted small">opened <${When} iso=${d.openedAt} /></span></div>
          ${d.status === "OPEN"
            ? html`<p class="muted">An admin reviews the request, the notes and the message thread, then decides.</p>`
            : html`<p>
                Decided by ${d.decidedBy ? d.decidedBy.username : "an admin"}: ${d.refundAmount ? d.refundAmount.formatted : "¥0.00"} refunded
                ${d.violationFee && d.violationFee.formatted !== "¥0.00" ? html`, ${d.violationFee.formatted} violation fee from the seller's deposit to the buyer` : null}.
                ${d.decisionNote ? html`<span class="quote">“${d.decisionNote}”</span>` : null}
              </p>`}
        </div>`
      : null}
  </section>`;
}

function roleOf(order, user) {
  if (user.id === order.buyer.id) return "Buyer";
  if (user.id === order.shop.owner.id) return "Seller";
  return "Haowu";
}

function Thread({ order, me, reload }) {
  const form = useForm({ body: "" });
  const send = form.submit(
    (values) => mutate("SendOrderMessage", { orderId: order.id, body: values.body }),
    async () => {
      form.reset({ body: "" });
      await reload();
    },
  );
  return html`<section class="card thread" aria-labelledby="thread-h">
    <h2 id="thread-h">Messages</h2>
    <p class="muted small">Messages can't be edited or deleted: they are kept as evidence in case of a dispute.</p>
    ${order.messages.length
      ? html`<ol class="messages">
          ${order.messages.map((m) => {
            const mine = me && m.sender.id === me.id;
            return html`<li class=${"message" + (mine ? " mine" : "")}>
              <${Avatar} user=${m.sender} size=${32} />
              <div class="bubble">
                <div class="msg-meta">
                  <strong>${m.sender.displayName}</strong>
                  <span class="msg-role">${roleOf(order, m.sender)}</span>
                  <time class="muted" datetime=${m.sentAt} title=${formatDateTime(m.sentAt)}>${timeAgo(m.sentAt)}</time>
                </div>
                <p class="msg-body">${m.body}</p>
              </div>
            </li>`;
          })}
        </ol>`
      : html`<p class="muted">No messages yet.</p>`}
    <form class="send-form" onSubmit=${send} novalidate>
      <${PField} form=${form} prefix="msg" name="body" label="Write a message" textarea rows=${3} maxLength=${2000} />
      <${FormError} form=${form} />
      <div class="row"><${Submit} form=${form} busyText="Sending…">Send message<//></div>
    </form>
  </section>`;
}

export function OrderPage({ id, me }) {
  const { data, errors, loading, reload } = useQuery("Order", { id });
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const order = data && data.order;
  if (loading && !data) return html`<${Loading} text="Loading the order…" />`;
  if (!order) {
    return html`<section class="page narrow">
      <h1>Order not found</h1>
      <${Errors} errors=${errors} />
      <p>There is no such order, or it isn't yours. <a href="/orders">Your orders</a></p>
    </section>`;
  }
  const role = order.viewerRole;
  const back =
    role === "SELLER"
      ? ["/shop/orders", "Sales"]
      : role === "ADMIN"
        ? ["/admin/disputes", "Disputes"]
        : ["/orders", "Your orders"];
  const other =
    role === "SELLER"
      ? html`bought by <a href=${`/u/${order.buyer.username}`}>${order.buyer.displayName}</a>`
      : role === "ADMIN"
        ? html`<a href=${`/u/${order.buyer.username}`}>${order.buyer.displayName}</a> from <a href=${`/shops/${order.shop.owner.username}`}>${order.shop.name}</a>`
        : html`from <a href=${`/shops/${order.shop.owner.username}`}>${order.shop.name}</a>`;
  // Ratings are "from the viewer's side": an admin is neither side.
  const ratingsShown = order.status === "COMPLETED" && role !== "ADMIN";
  return html`<section class="page order-page">
    <a class="back" href=${back[0]}>← ${back[1]}</a>
    <header class="order-head">
      <div>
        <h1>Order ${order.number}</h1>
        <div class="muted">Placed <${When} iso=${order.createdAt} /> · ${other}${role === "ADMIN" ? html` · <span class="badge role-admin">admin view</span>` : null}</div>
      </div>
      <${StatusBadge} status=${order.status} />
    </header>
    <${Errors} errors=${errors} />
    <${Progress} order=${order} />
    <div class="order-grid">
      <div class="order-main">
        ${role === "ADMIN"
          ? html`<${Refunds} order=${order} />
              <${Thread} order=${order} me=${me} reload=${reload} />
              <${NextStep} order=${order} reload=${reload} />
              <${Lines} order=${order} />`
          : html`<${NextStep} order=${order} reload=${reload} />
              ${ratingsShown ? html`<${RatingsSection} order=${order} reload=${reload} />` : null}
              <${Refunds} order=${order} />
              <${Lines} order=${order} />
              <${Thread} order=${order} me=${me} reload=${reload} />`}
      </div>
      <aside class="order-side">
        <${Money} order=${order} />
        <${Shipping} order=${order} />
        <${History} order=${order} />
      </aside>
    </div>
  </section>`;
}
