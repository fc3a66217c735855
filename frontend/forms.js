// Forms that talk to mutations: field errors next to their fields, a general error for the
// rest, and a loading state while the request is in flight.
//
//   const form = useForm({ username: "" });
//   <form onSubmit=${form.submit(async (values) => {
//       const payload = await mutate("Register", values);   // { ..., errors }
//       return payload;                                      // errors are shown for you
//     }, (payload) => navigate("/"))}>
//     <${Field} form=${form} name="username" label="Username" />
//     <${Submit} form=${form}>Sign up<//>
//     <${FormError} form=${form} />
//   </form>
import { html, useState } from "./lib.js";

export function useForm(initial) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const [general, setGeneral] = useState("");
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState("");

  const form = {
    values,
    errors,
    general,
    busy,
    notice,
    set: (name, value) => setValues((v) => ({ ...v, [name]: value })),
    reset: (next) => setValues(next || initial),
    setNotice,
    // Wrap a submit handler: `run(values)` returns a payload with `errors`; on success
    // `done(payload)` runs.
    submit: (run, done) => async (event) => {
      if (event) event.preventDefault();
      if (busy) return;
      setBusy(true);
      setErrors({});
      setGeneral("");
      setNotice("");
      try {
        const payload = await run(values);
        const list = (payload && payload.errors) || [];
        if (list.length) {
          const byField = {};
          const rest = [];
          for (const e of list) {
            if (e.field && e.field in values) byField[e.field] = e.message;
            else rest.push(e.message);
          }
          setErrors(byField);
          setGeneral(rest.join(" "));
        } else if (done) {
          await done(payload);
        }
      } catch (e) {
        setGeneral(e.message || "Something went wrong.");
      } finally {
        setBusy(false);
      }
    },
  };
  return form;
}

export function Field({ form, name, label, type = "text", hint, textarea, rows = 4, maxLength, ...rest }) {
  const id = `f-${name}`;
  const error = form.errors[name];
  const describedBy = [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  const common = {
    id,
    name,
    value: form.values[name] ?? "",
    onInput: (e) => form.set(name, e.target.value),
    "aria-invalid": error ? "true" : "false",
    "aria-describedby": describedBy || undefined,
    disabled: form.busy,
    maxLength,
    ...rest,
  };
  const value = String(form.values[name] ?? "");
  return html`
    <div class=${"field" + (error ? " has-error" : "")}>
      <label for=${id}>${label}</label>
      ${textarea ? html`<textarea rows=${rows} ...${common}></textarea>` : html`<input type=${type} ...${common} />`}
      ${maxLength && textarea ? html`<div class="counter">${value.length} / ${maxLength}</div>` : null}
      ${hint ? html`<div class="hint" id=${`${id}-hint`}>${hint}</div>` : null}
      ${error ? html`<div class="field-error" id=${`${id}-error`} role="alert">${error}</div>` : null}
    </div>
  `;
}

export function Submit({ form, children, busyText = "Saving…", class: cls = "primary" }) {
  return html`<button type="submit" class=${cls} disabled=${form.busy} aria-busy=${form.busy ? "true" : "false"}>
    ${form.busy ? html`<span class="spinner" aria-hidden="true"></span> ${busyText}` : children}
  </button>`;
}

export function FormError({ form }) {
  return html`
    ${form.general ? html`<div class="form-error" role="alert">${form.general}</div>` : null}
    ${form.notice ? html`<div class="form-notice" role="status">${form.notice}</div>` : null}
  `;
}

// A button that runs one mutation, with its own busy state and error line.
export function ActionButton({ run, children, busyText = "Working…", class: cls = "", confirm: ask, onDone }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const click = async () => {
    if (busy || (ask && !window.confirm(ask))) return;
    setBusy(true);
    setError("");
    try {
      const payload = await run();
      const errs = (payload && payload.errors) || [];
      if (errs.length) setError(errs.map((e) => e.message).join(" "));
      else if (onDone) await onDone(payload);
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="action">
    <button type="button" class=${cls} disabled=${busy} onClick=${click}>${busy ? busyText : children}</button>
    ${error ? html`<span class="field-error" role="alert">${error}</span>` : null}
  </span>`;
}
