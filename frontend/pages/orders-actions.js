// "What happens next" on the order page: the deadline that matters and the actions the
// viewer may take now, by role (buyer, seller, admin) and status.
import { html, useState, useEffect } from "../lib.js";
import { gql, mutate } from "../api.js";
import { useForm, Submit, FormError } from "../forms.js";
import { parseMoney } from "../format.js";
import { newKey, until, When, PField, Choice, ConfirmAction, Toggle, yuan } from "./orders-common.js";

// --- small helpers ----------------------------------------------------------------------

// A money input's text → fen, or a field error payload.
function fen(text, field, { allowZero = false, optional = false } = {}) {
  if (optional && !String(text || "").trim()) return { value: 0 };
  const value = parseMoney(text);
  if (Number.isNaN(value) || value < 0 || (!allowZero && value === 0)) {
    return { errors: [{ field, message: "Enter an amount in yuan, like 12.50." }] };
  }
  return { value };
}

function Deadline({ children }) {
  return html`<p class="deadline">${children}</p>`;
}

// --- buyer ------------------------------------------------------------------------------

function PayButton({ order, reload }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [balance, setBalance] = useState(null);
  const loadWallet = () =>
    gql("Wallet").then(({ data }) => setBalance(data && data.wallet ? data.wallet.balance : null));
  useEffect(() => {
    loadWallet();
  }, []);
  const pay = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const payload = await mutate("Pay", { orderId: order.id, idempotencyKey: newKey() });
      if (payload.errors.length) {
        setError(payload.errors);
        loadWallet();
      } else await reload();
    } finally {
      setBusy(false);
    }
  };
  const short = error && error.some((e) => e.code === "INSUFFICIENT_FUNDS");
  return html`<div class="pay-box">
    <div class="row">
      <button type="button" class="primary big" onClick=${pay} disabled=${busy} aria-busy=${busy ? "true" : "false"}>
        ${busy ? html`<span class="spinner" aria-hidden="true"></span> Paying…` : `Pay ${order.total.formatted}`}
      </button>
      ${balance ? html`<span class="muted">Wallet balance: <strong>${balance.formatted}</strong></span>` : null}
    </div>
    ${error
      ? html`<div class="form-error" role="alert">
          ${error.map((e) => e.message).join(" ")}
          ${short ? html` <a href="/wallet">Top up your wallet</a>, then come back to pay.` : null}
        </div>`
      : null}
  </div>`;
}

function CancelForm({ order, reload, who }) {
  return html`<${Toggle} label="Cancel order" class="danger">
    ${(close) => html`<${CancelFormOpen} order=${order} reload=${reload} who=${who} close=${close} />`}
  <//>`;
}

function CancelFormOpen({ order, reload, who, close }) {
  const form = useForm({ reason: "" });
  const submit = form.submit(
    (values) => mutate("CancelOrder", { orderId: order.id, reason: values.reason }),
    () => reload(),
  );
  return html`<form onSubmit=${submit} novalidate class="inline-form">
    <h3>Cancel this order?</h3>
    <p class="muted small">${order.paidAt ? `${order.total.formatted} goes back to the buyer's wallet at once.` : "Nothing has been paid."} The stock goes back on the shelf.</p>
    <${PField} form=${form} prefix="cancel" name="reason" label=${`Reason (optional, shown to the ${who})`} />
    <${FormError} form=${form} />
    <div class="row">
      <${Submit} form=${form} class="danger" busyText="Cancelling…">Cancel order<//>
      <button type="button" class="link" onClick=${close}>Keep the order</button>
    </div>
  </form>`;
}

function RefundForm({ order, reload }) {
  return html`<${Toggle} label="Request a refund">
    ${(close) => html`<${RefundFormOpen} order=${order} reload=${reload} close=${close} />`}
  <//>`;
}

function RefundFormOpen({ order, reload, close }) {
  const form = useForm({ amount: yuan(order.escrow.amount), reason: "" });
  const submit = form.submit(
    (values) => {
      const amount = fen(values.amount, "amount");
      if (amount.errors) return amount;
      return mutate("RequestRefund", { orderId: order.id, amount: amount.value, reason: values.reason, idempotencyKey: newKey() });
    },
    () => reload(),
  );
  return html`<form onSubmit=${submit} novalidate class="inline-form">
    <h3>Request a refund</h3>
    <p class="muted small">The seller can refund at once, ask for the goods back first, or refuse, in which case an admin decides.</p>
    <${PField} form=${form} prefix="refund" name="amount" label="Amount (¥)" inputmode="decimal" hint=${`At most ${order.escrow.formatted}, what you paid.`} />
    <${PField} form=${form} prefix="refund" name="reason" label="Reason" textarea rows=${3} maxLength=${1000} hint="What is wrong? Add photos or details in the messages below." />
    <${FormError} form=${form} />
    <div class="row">
      <${Submit} form=${form} busyText="Sending…">Request refund<//>
      <button type="button" class="link" onClick=${close}>Never mind</button>
    </div>
  </form>`;
}

function ShipForm({ order, reload, op, title, submitText, prefix }) {
  const form = useForm({ carrier: "", trackingNumber: "" });
  const submit = form.submit(
    (values) => mutate(op, { orderId: order.id, carrier: values.carrier, trackingNumber: values.trackingNumber }),
    () => reload(),
  );
  return html`<form onSubmit=${submit} novalidate class="inline-form">
    <h3>${title}</h3>
    <div class="two-cols">
      <${PField} form=${form} prefix=${prefix} name="carrier" label="Carrier" placeholder="e.g. SF Express" autocomplete="off" />
      <${PField} form=${form} prefix=${prefix} name="trackingNumber" label="Tracking number" autocomplete="off" />
    </div>
    <${FormError} form=${form} />
    <div class="row"><${Submit} form=${form} busyText="Saving…">${submitText}<//></div>
  </form>`;
}

function ShareForm({ order }) {
  const [done, setDone] = useState(null);
  if (done) {
    return html`<div class="form-notice" role="status">Shared with ${done.audience === "PUBLIC" ? "everyone" : "your friends"}. <a href="/">See your feed</a></div>`;
  }
  return html`<${Toggle} label="Share this find…">
    ${(close) => html`<${ShareFormOpen} order=${order} close=${close} onShared=${setDone} />`}
  <//>`;
}

function ShareFormOpen({ order, close, onShared }) {
  const form = useForm({ body: "", audience: "FRIENDS" });
  const submit = form.submit(
    (values) => mutate("SharePurchase", { orderId: order.id, body: values.body, audience: values.audience }),
    (payload) => onShared(payload.post),
  );
  return html`<form onSubmit=${submit} novalidate class="inline-form">
    <h3>Share your purchase</h3>
    <p class="muted small">Your post shows the products, never the price you paid or your address. Sharing is up to you.</p>
    <${PField} form=${form} prefix="share" name="body" label="A few words (optional)" textarea rows=${2} maxLength=${2000} placeholder="What do you love about it?" />
    <${Choice} form=${form} prefix="share" name="audience" legend="Who sees it" options=${[["FRIENDS", "Friends"], ["PUBLIC", "Everyone"]]} class="inline" />
    <${FormError} form=${form} />
    <div class="row">
      <${Submit} form=${form} busyText="Sharing…">Share<//>
      <button type="button" class="link" onClick=${close}>Not now</button>
    </div>
  </form>`;
}

function BuyerStep({ order, reload }) {
  const s = order.status;
  const openRequest = order.refundRequests[order.refundRequests.length - 1];
  if (s === "AWAITING_PAYMENT") {
    return html`
      <p>Pay to confirm the order. Haowu holds the money and pays the seller only after you confirm that the goods arrived.</p>
      <${Deadline}>Pay by <strong><${When} iso=${order.payBy} /></strong> (${until(order.payBy)}); unpaid orders are cancelled automatically.<//>
      <${PayButton} order=${order} reload=${reload} />
      <div class="actions"><${CancelForm} order=${order} reload=${reload} who="seller" /></div>`;
  }
  if (s === "PAID") {
    return html`<p>Paid <${When} iso=${order.paidAt} />. Waiting for ${order.shop.name} to ship. Until then you can cancel, and the money comes back at once.</p>
      <div class="actions"><${CancelForm} order=${order} reload=${reload} who="seller" /></div>`;
  }
  if (s === "SHIPPED") {
    return html`<p>On its way with <strong>${order.carrier}</strong> (<code>${order.trackingNumber}</code>). When it arrives and is as described, confirm receipt: the seller is paid then.</p>
      <${Deadline}>Receipt is confirmed automatically on <strong><${When} iso=${order.autoConfirmAt} /></strong> (${until(order.autoConfirmAt)})${order.confirmExtended ? ", already extended once" : ""}.<//>
      <div class="actions">
        <${ConfirmAction}
          button="Confirm receipt"
          title="Did the goods arrive as described?"
          confirmText="Yes, confirm receipt"
          run=${() => mutate("ConfirmReceipt", { orderId: order.id, idempotencyKey: newKey() })}
          onDone=${reload}
        >
          <p>Confirming releases <strong>${order.escrow.formatted}</strong> from escrow to ${order.shop.name}; after that you can no longer ask for a refund through Haowu.</p>
        <//>
        ${order.confirmExtended
          ? null
          : html`<${ConfirmAction}
              button="Extend the deadline"
              class=""
              title="Need more time?"
              confirmText="Extend once"
              run=${() => mutate("ExtendConfirmation", { orderId: order.id })}
              onDone=${reload}
            >
              <p>Push the automatic confirmation back, once, if the parcel is late.</p>
            <//>`}
        <${RefundForm} order=${order} reload=${reload} />
      </div>`;
  }
  if (s === "REFUND_REQUESTED") {
    return html`<p>You asked for <strong>${openRequest ? openRequest.amount.formatted : "a refund"}</strong> back. Waiting for ${order.shop.name} to answer: refund now, ask for the goods back, or refuse (then an admin decides).</p>`;
  }
  if (s === "RETURN_REQUESTED") {
    if (order.returnTrackingNumber) {
      return html`<p>You sent the goods back with <strong>${order.returnCarrier}</strong> (<code>${order.returnTrackingNumber}</code>). The refund is paid when the seller confirms they are back.</p>`;
    }
    return html`<p>The seller accepts the refund once the goods are back. Send them back and enter the tracking number.</p>
      <${ShipForm} order=${order} reload=${reload} op="ShipReturn" prefix="return" title="Ship the return" submitText="Save return shipment" />`;
  }
  if (s === "DISPUTED") {
    return html`<p>The seller refused your refund request. An admin is reviewing the order, your request and the messages, and will decide. Add anything that helps in the messages below.</p>`;
  }
  if (s === "COMPLETED") {
    return html`<p>Completed <${When} iso=${order.closedAt} />${order.refunded.amount ? html`, with ${order.refunded.formatted} refunded to you` : ""}. Enjoy your find!</p>
      <div class="actions"><${ShareForm} order=${order} /></div>`;
  }
  if (s === "REFUNDED") return html`<p>${order.refunded.formatted} was refunded to your wallet.</p>`;
  if (s === "CANCELLED") {
    return html`<p>This order was cancelled${order.refunded.amount ? html`; ${order.refunded.formatted} went back to your wallet` : ""}.</p>`;
  }
  return null;
}

// --- seller -----------------------------------------------------------------------------

function RespondForm({ order, request, reload }) {
  const form = useForm({ answer: "", note: "" });
  const submit = form.submit(
    (values) => {
      if (!values.answer) return { errors: [{ field: "answer", message: "Choose an answer." }] };
      if (values.answer === "refuse" && !values.note.trim()) return { errors: [{ field: "note", message: "Say why you refuse." }] };
      return mutate("RespondToRefund", {
        orderId: order.id,
        accept: values.answer !== "refuse",
        requireReturn: values.answer === "return",
        note: values.note,
        idempotencyKey: newKey(),
      });
    },
    () => reload(),
  );
  const refusing = form.values.answer === "refuse";
  return html`<form onSubmit=${submit} novalidate class="inline-form">
    <h3>Answer the refund request</h3>
    <${Choice}
      form=${form}
      prefix="respond"
      name="answer"
      legend=${`The buyer asks for ${request.amount.formatted}`}
      options=${[
        ["now", "Accept and refund now", `${request.amount.formatted} goes back to the buyer; the rest, if any, is paid to you.`],
        ["return", "Accept once the goods are back", "The buyer ships them back; you confirm, then the refund is paid."],
        ["refuse", "Refuse", "The order goes to an admin, who decides with the messages as evidence."],
      ]}
    />
    <${PField} form=${form} prefix="respond" name="note" label=${refusing ? "Why you refuse (required)" : "Note to the buyer (optional)"} textarea rows=${2} maxLength=${1000} />
    <${FormError} form=${form} />
    <div class="row"><${Submit} form=${form} busyText="Sending…">Send answer<//></div>
  </form>`;
}

function SellerStep({ order, reload }) {
  const s = order.status;
  const request = order.refundRequests[order.refundRequests.length - 1];
  if (s === "AWAITING_PAYMENT") {
    return html`<p>Waiting for the buyer to pay.</p>
      <${Deadline}>Unpaid orders are cancelled automatically at <strong><${When} iso=${order.payBy} /></strong> (${until(order.payBy)}).<//>
      <div class="actions"><${CancelForm} order=${order} reload=${reload} who="buyer" /></div>`;
  }
  if (s === "PAID") {
    return html`<p>Paid <${When} iso=${order.paidAt} />: pack it and ship it to the address on this page. The money is held in escrow until the buyer confirms receipt.</p>
      <${ShipForm} order=${order} reload=${reload} op="ShipOrder" prefix="ship" title="Ship the order" submitText="Mark as shipped" />
      <div class="actions"><${CancelForm} order=${order} reload=${reload} who="buyer" /></div>`;
  }
  if (s === "SHIPPED") {
    return html`<p>Shipped with <strong>${order.carrier}</strong> (<code>${order.trackingNumber}</code>). You are paid ${order.escrow.formatted}, minus the platform fee, when the buyer confirms receipt.</p>
      <${Deadline}>Confirmed automatically on <strong><${When} iso=${order.autoConfirmAt} /></strong> (${until(order.autoConfirmAt)})${order.confirmExtended ? "; the buyer extended it once" : ""}.<//>`;
  }
  if (s === "REFUND_REQUESTED" && request) {
    return html`<blockquote class="quote">“${request.reason}”</blockquote>
      <${RespondForm} order=${order} request=${request} reload=${reload} />`;
  }
  if (s === "RETURN_REQUESTED") {
    return html`<p>${order.returnTrackingNumber
        ? html`The buyer sent the goods back with <strong>${order.returnCarrier}</strong> (<code>${order.returnTrackingNumber}</code>).`
        : "Waiting for the buyer to send the goods back."} Once you have them, confirm: the accepted refund of <strong>${request ? request.amount.formatted : ""}</strong> is paid then.</p>
      <div class="actions">
        <${ConfirmAction}
          button="Confirm the goods are back"
          title="Are the goods back with you?"
          confirmText="Yes, pay the refund"
          run=${() => mutate("ConfirmReturn", { orderId: order.id })}
          onDone=${reload}
        >
          <p>The buyer gets <strong>${request ? request.amount.formatted : "the refund"}</strong> back from escrow.</p>
        <//>
      </div>`;
  }
  if (s === "DISPUTED") {
    return html`<p>You refused the refund request. An admin is reviewing the order and the messages, and will decide. Add anything that helps in the messages below.</p>`;
  }
  if (s === "COMPLETED") {
    return html`<p>Completed <${When} iso=${order.closedAt} />. ${order.sellerProceeds ? html`You received <strong>${order.sellerProceeds.formatted}</strong> after the platform fee.` : ""}</p>`;
  }
  if (s === "REFUNDED") return html`<p>Refunded in full to the buyer (${order.refunded.formatted}).</p>`;
  if (s === "CANCELLED") return html`<p>This order was cancelled.</p>`;
  return null;
}

// --- admin ------------------------------------------------------------------------------

function DecideForm({ order, reload }) {
  const request = order.refundRequests[order.refundRequests.length - 1];
  const form = useForm({ refundAmount: request ? yuan(request.amount.amount) : "", violationFee: "", note: "" });
  const submit = form.submit(
    (values) => {
      const refund = fen(values.refundAmount, "refundAmount", { allowZero: true });
      if (refund.errors) return refund;
      const fee = fen(values.violationFee, "violationFee", { allowZero: true, optional: true });
      if (fee.errors) return fee;
      return mutate("DecideDispute", {
        orderId: order.id,
        refundAmount: refund.value,
        violationFee: fee.value,
        note: values.note,
        idempotencyKey: newKey(),
      });
    },
    () => reload(),
  );
  return html`<form onSubmit=${submit} novalidate class="inline-form">
    <h3>Decide the dispute</h3>
    <p class="muted small">
      The buyer asked for ${request ? request.amount.formatted : "a refund"}; escrow holds ${order.escrow.formatted}. Refunding all of it ends
      the order refunded; otherwise the rest is paid to the seller and the order completes.
    </p>
    <div class="two-cols">
      <${PField} form=${form} prefix="decide" name="refundAmount" label="Refund to the buyer (¥)" inputmode="decimal" hint=${`0 to ${order.escrow.formatted}`} />
      <${PField} form=${form} prefix="decide" name="violationFee" label="Violation fee (¥, optional)" inputmode="decimal" hint="From the seller's deposit to the buyer." />
    </div>
    <${PField} form=${form} prefix="decide" name="note" label="Decision note (both sides see it)" textarea rows=${3} maxLength=${1000} />
    <${FormError} form=${form} />
    <div class="row"><${Submit} form=${form} busyText="Deciding…">Decide<//></div>
  </form>`;
}

function AdminStep({ order, reload }) {
  if (order.status === "DISPUTED" && order.dispute && order.dispute.status === "OPEN") {
    return html`<p>Read the request, the seller's note and the message thread, then decide.</p>
      <${DecideForm} order=${order} reload=${reload} />`;
  }
  return html`<p class="muted">You are looking at this order as an admin; there is nothing to decide.</p>`;
}

// --- the card ---------------------------------------------------------------------------

const TITLES = {
  BUYER: {
    AWAITING_PAYMENT: "Pay for your order",
    PAID: "Waiting for shipment",
    SHIPPED: "Your order is on its way",
    REFUND_REQUESTED: "Refund requested",
    RETURN_REQUESTED: "Send the goods back",
    DISPUTED: "An admin is deciding",
    COMPLETED: "Order completed",
    REFUNDED: "Refunded",
    CANCELLED: "Cancelled",
  },
  SELLER: {
    AWAITING_PAYMENT: "Waiting for payment",
    PAID: "Ship this order",
    SHIPPED: "Shipped",
    REFUND_REQUESTED: "The buyer asks for a refund",
    RETURN_REQUESTED: "Return on its way",
    DISPUTED: "An admin is deciding",
    COMPLETED: "Order completed",
    REFUNDED: "Refunded",
    CANCELLED: "Cancelled",
  },
};

export function NextStep({ order, reload }) {
  const role = order.viewerRole;
  const Step = role === "BUYER" ? BuyerStep : role === "SELLER" ? SellerStep : AdminStep;
  const title = role === "ADMIN" ? (order.status === "DISPUTED" ? "Dispute to decide" : "Admin view") : TITLES[role][order.status];
  return html`<section class=${`card next-step st-bg-${order.status.toLowerCase().replace(/_/g, "-")}`} aria-labelledby="next-h">
    <h2 id="next-h">${title}</h2>
    <${Step} order=${order} reload=${reload} />
  </section>`;
}
