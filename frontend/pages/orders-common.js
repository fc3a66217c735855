// Pieces shared by the order pages: status names and badges, list filters, deadlines,
// idempotency keys, form fields with page-unique ids, a confirm dialog and star inputs.
import { html, useState, useEffect, useRef } from "../lib.js";
import { label, formatDateTime } from "../format.js";

// A fresh idempotency key per click. crypto.randomUUID only exists in secure contexts
// (https or localhost); fall back to getRandomValues, which exists everywhere.
export function newKey() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const STATUS_TEXT = {
  AWAITING_PAYMENT: "Awaiting payment",
  PAID: "Paid, to ship",
  SHIPPED: "Shipped",
  REFUND_REQUESTED: "Refund requested",
  RETURN_REQUESTED: "Return requested",
  DISPUTED: "Disputed",
  COMPLETED: "Completed",
  REFUNDED: "Refunded",
  CANCELLED: "Cancelled",
};

export const statusText = (status) => STATUS_TEXT[status] || label(status);

export function StatusBadge({ status }) {
  const cls = `status st-${String(status).toLowerCase().replace(/_/g, "-")}`;
  return html`<span class=${cls}>${statusText(status)}</span>`;
}

// The list filters: [key, label, statuses or null for all].
export const TABS = [
  ["all", "All", null],
  ["to-pay", "To pay", ["AWAITING_PAYMENT"]],
  ["to-ship", "To ship", ["PAID"]],
  ["shipped", "Shipped", ["SHIPPED"]],
  ["refunds", "Refunds & disputes", ["REFUND_REQUESTED", "RETURN_REQUESTED", "DISPUTED", "REFUNDED"]],
  ["completed", "Completed", ["COMPLETED"]],
  ["cancelled", "Cancelled", ["CANCELLED"]],
];

// Whose move it is, for the list cards.
export function yourMove(status, side) {
  if (side === "BUYER") return status === "AWAITING_PAYMENT" || status === "SHIPPED";
  if (side === "SELLER") return status === "PAID" || status === "REFUND_REQUESTED" || status === "RETURN_REQUESTED";
  return false;
}

// "in 25 min", "in 3 days", "overdue".
export function until(iso) {
  if (!iso) return "";
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  if (seconds <= 0) return "now due";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `in ${Math.max(minutes, 1)} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} days`;
}

export function When({ iso }) {
  if (!iso) return null;
  return html`<time datetime=${iso}>${formatDateTime(iso)}</time>`;
}

// Yuan text for a money input: 4200 → "42.00".
export const yuan = (fen) => (fen / 100).toFixed(2);

// Like forms.js Field, with a `prefix` so two forms on one page can both have a "body" or
// "note" field without sharing an element id.
export function PField({ form, name, label: text, prefix, type = "text", hint, textarea, rows = 3, maxLength, ...rest }) {
  const id = `${prefix}-${name}`;
  const error = form.errors[name];
  const describedBy = [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  const value = String(form.values[name] ?? "");
  const common = {
    id,
    name,
    value,
    onInput: (e) => form.set(name, e.target.value),
    "aria-invalid": error ? "true" : "false",
    "aria-describedby": describedBy || undefined,
    disabled: form.busy,
    maxLength,
    ...rest,
  };
  return html`<div class=${"field" + (error ? " has-error" : "")}>
    <label for=${id}>${text}</label>
    ${textarea ? html`<textarea rows=${rows} ...${common}></textarea>` : html`<input type=${type} ...${common} />`}
    ${maxLength && textarea && value.length > maxLength * 0.6 ? html`<div class="counter">${value.length} / ${maxLength}</div>` : null}
    ${hint ? html`<div class="hint" id=${`${id}-hint`}>${hint}</div>` : null}
    ${error ? html`<div class="field-error" id=${`${id}-error`} role="alert">${error}</div>` : null}
  </div>`;
}

// A group of radio buttons: options are [value, label, description?].
export function Choice({ form, name, legend, prefix, options, class: cls = "" }) {
  const error = form.errors[name];
  return html`<fieldset class=${`field choice ${cls}` + (error ? " has-error" : "")} aria-describedby=${error ? `${prefix}-${name}-error` : undefined}>
    <legend>${legend}</legend>
    <div class="choice-options">
      ${options.map(([value, text, desc]) => {
        const id = `${prefix}-${name}-${String(value).toLowerCase()}`;
        const on = form.values[name] === value;
        return html`<div class=${"choice-option" + (on ? " on" : "")}>
          <input type="radio" id=${id} name=${`${prefix}-${name}`} value=${value} checked=${on} disabled=${form.busy} onChange=${() => form.set(name, value)} />
          <label for=${id}>${text}${desc ? html`<span class="choice-desc">${desc}</span>` : null}</label>
        </div>`;
      })}
    </div>
    ${error ? html`<div class="field-error" id=${`${prefix}-${name}-error`} role="alert">${error}</div>` : null}
  </fieldset>`;
}

// 1–5 stars as a radio group (keyboard: arrows), each star with its own label.
export function StarInput({ form, name, legend, prefix }) {
  const error = form.errors[name];
  const value = Number(form.values[name] || 0);
  return html`<fieldset class=${"field stars-input" + (error ? " has-error" : "")} aria-describedby=${error ? `${prefix}-${name}-error` : undefined}>
    <legend>${legend}</legend>
    <div class="stars-row">
      ${[1, 2, 3, 4, 5].map((n) => {
        const id = `${prefix}-${name}-${n}`;
        return html`<input type="radio" class="sr-only" id=${id} name=${`${prefix}-${name}`} value=${n} checked=${value === n} disabled=${form.busy} onChange=${() => form.set(name, n)} />
          <label for=${id} class=${"star" + (n <= value ? " lit" : "")} title=${`${n} of 5`}><span aria-hidden="true">★</span><span class="sr-only">${n} ${n === 1 ? "star" : "stars"}</span></label>`;
      })}
      <span class="stars-value muted">${value ? `${value} / 5` : "not scored"}</span>
    </div>
    ${error ? html`<div class="field-error" id=${`${prefix}-${name}-error`} role="alert">${error}</div>` : null}
  </fieldset>`;
}

export function Stars({ value, label: text }) {
  return html`<span class="stars-show" aria-label=${`${text ? text + ": " : ""}${value} of 5 stars`}>
    ${text ? html`<span class="muted">${text}</span> ` : null}<span aria-hidden="true"><span class="lit">${"★".repeat(value)}</span><span class="dim">${"★".repeat(5 - value)}</span></span>
  </span>`;
}

let dialogs = 0;

// A button that asks in a modal dialog before running a mutation (errors shown in it).
export function ConfirmAction({ button, title, children, confirmText, run, onDone, class: cls = "primary" }) {
  const ref = useRef(null);
  const [titleId] = useState(() => `confirm-title-${++dialogs}`);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    setError("");
    try {
      const payload = await run();
      const errs = (payload && payload.errors) || [];
      if (errs.length) setError(errs.map((e) => e.message).join(" "));
      else {
        setOpen(false);
        if (onDone) await onDone(payload);
      }
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="action">
    <button type="button" class=${cls} onClick=${() => { setError(""); setOpen(true); }}>${button}</button>
    <dialog ref=${ref} class="confirm-dialog" aria-labelledby=${titleId} onClose=${() => setOpen(false)}>
      <h2 id=${titleId}>${title}</h2>
      <div class="confirm-body">${children}</div>
      ${error ? html`<div class="form-error" role="alert">${error}</div>` : null}
      <div class="row confirm-buttons">
        <button type="button" onClick=${() => setOpen(false)} disabled=${busy}>Not now</button>
        <button type="button" class="primary" onClick=${confirm} disabled=${busy} aria-busy=${busy ? "true" : "false"}>
          ${busy ? html`<span class="spinner" aria-hidden="true"></span> Working…` : confirmText}
        </button>
      </div>
    </dialog>
  </span>`;
}

// A button that opens a form in its place; `children(close)` renders the form.
export function Toggle({ label: text, children, class: cls = "" }) {
  const [open, setOpen] = useState(false);
  if (!open) return html`<button type="button" class=${cls} onClick=${() => setOpen(true)}>${text}</button>`;
  return html`<div class="subform">${children(() => setOpen(false))}</div>`;
}
