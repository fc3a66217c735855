// Forms that talk to mutations: field errors next to their fields, a general error for the
// rest, and a loading state while the request is in flight.
//
//   const form = useForm({ username: "", email: "" });
//   const submit = form.submit(
//     (values) => mutate("Register", values),      // resolves to the payload { ..., errors }
//     (payload) => navigate("/"),                  // runs only when errors is empty
//   );
//   return html`<form onSubmit=${submit} novalidate>
//     <${Field} form=${form} name="username" label="Username" />
//     <${Field} form=${form} name="email" label="Email" type="email" />
//     <${FormError} form=${form} />
//     <${Submit} form=${form} busyText="Creating…">Sign up<//>
//   </form>`;
//
// A UserError whose `field` names a form value shows under that field; the others (and
// network failures) show in FormError.
import { html, useRef, useState } from "./lib.js";

export function useForm(initial) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const [general, setGeneral] = useState("");
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState("");
  const inFlight = useRef(false); // guards a double click before the busy state renders

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
      if (inFlight.current) return;
      inFlight.current = true;
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
          const first = Object.keys(values).find((name) => name in byField);
          if (first) requestAnimationFrame(() => document.getElementById(`f-${first}`)?.focus());
        } else if (done) {
          await done(payload);
        }
      } catch (e) {
        setGeneral(e.message || "Something went wrong.");
      } finally {
        inFlight.current = false;
        setBusy(false);
      }
    },
  };
  return form;
}

// One labelled input (or textarea) bound to form.values[name]. Its UserError shows under it,
// marked aria-invalid and linked by aria-describedby. An input stops at maxLength; a textarea
// counts characters against it instead (the server refuses what is too long).
export function Field({ form, name, label, type = "text", hint, textarea, rows = 4, maxLength, ...rest }) {
  const id = `f-${name}`;
  const error = form.errors[name];
  const value = String(form.values[name] ?? "");
  const counted = Boolean(maxLength && textarea);
  const length = [...value].length; // characters, as the server counts them
  const describedBy = [error ? `${id}-error` : "", hint ? `${id}-hint` : "", counted ? `${id}-counter` : ""]
    .filter(Boolean)
    .join(" ");
  const common = {
    id,
    name,
    value,
    onInput: (e) => form.set(name, e.target.value),
    "aria-invalid": error ? "true" : "false",
    "aria-describedby": describedBy || undefined,
    disabled: form.busy,
    maxLength: textarea ? undefined : maxLength,
    ...rest,
  };
  return html`
    <div class=${"field" + (error ? " has-error" : "")}>
      <label for=${id}>${label}</label>
      ${textarea ? html`<textarea rows=${rows} ...${common}></textarea>` : html`<input type=${type} ...${common} />`}
      ${counted
        ? html`<div class=${"counter" + (length > maxLength ? " over" : "")} id=${`${id}-counter`}>${length} / ${maxLength}</div>`
        : null}
      ${error ? html`<div class="field-error" id=${`${id}-error`} role="alert">${error}</div>` : null}
      ${hint ? html`<div class="hint" id=${`${id}-hint`}>${hint}</div>` : null}
    </div>
  `;
}

// Pick several of a few options (form.values[name] is an array of values), shown as
// toggleable chips that are real checkboxes; the field's UserError shows under them.
//   <${Choices} form=${form} name="interests" label="Interests"
//     options=${interests.map((i) => ({ value: i.slug, label: i.name }))} />
export function Choices({ form, name, label, options, hint }) {
  const id = `f-${name}`;
  const error = form.errors[name];
  const picked = form.values[name] || [];
  const toggle = (value) =>
    form.set(name, picked.includes(value) ? picked.filter((v) => v !== value) : [...picked, value]);
  const describedBy = [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  return html`<fieldset class=${"field" + (error ? " has-error" : "")} id=${id} aria-invalid=${error ? "true" : "false"} aria-describedby=${describedBy || undefined}>
    <legend>${label}</legend>
    <div class="chips">
      ${options.map((o) => {
        const on = picked.includes(o.value);
        return html`<label class=${"chip choice" + (on ? " on" : "")}>
          <input type="checkbox" name=${name} value=${o.value} checked=${on} onChange=${() => toggle(o.value)} disabled=${form.busy} />
          <span class="tick" aria-hidden="true">${on ? "✓" : "+"}</span>${o.label}
        </label>`;
      })}
    </div>
    ${hint ? html`<div class="hint" id=${`${id}-hint`}>${hint}</div>` : null}
    ${error ? html`<div class="field-error" id=${`${id}-error`} role="alert">${error}</div>` : null}
  </fieldset>`;
}

// The submit button: disabled with a spinner and busyText while the request is in flight.
export function Submit({ form, children, busyText = "Saving…", class: cls = "primary" }) {
  return html`<button type="submit" class=${cls} disabled=${form.busy} aria-busy=${form.busy ? "true" : "false"}>
    ${form.busy ? html`<span class="spinner" aria-hidden="true"></span> ${busyText}` : children}
  </button>`;
}

// The errors that belong to no field (and a success notice set with form.setNotice).
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
