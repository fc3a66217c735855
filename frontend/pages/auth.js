// Sign up and log in.
import { html } from "../lib.js";
import { mutate } from "../api.js";
import { navigate } from "../router.js";
import { sessionChanged } from "../session.js";
import { useForm, Field, Submit, FormError } from "../forms.js";
import { useTitle } from "../components.js";

export function SignupPage() {
  useTitle("Sign up");
  const form = useForm({ username: "", email: "", password: "" });
  const submit = form.submit(
    (values) => mutate("Register", values),
    async () => {
      await sessionChanged();
      navigate("/settings/profile?welcome=1");
    },
  );
  return html`<section class="page narrow card">
    <h1>Join Haowu</h1>
    <p class="muted">Share good finds with friends, ask which to buy, and shop with escrow.</p>
    <form onSubmit=${submit} novalidate>
      <${Field} form=${form} name="username" label="Username" autocomplete="username" hint="3–20 letters, digits or _" />
      <${Field} form=${form} name="email" label="Email" type="email" autocomplete="email" />
      <${Field} form=${form} name="password" label="Password" type="password" autocomplete="new-password" hint="At least 8 characters; a few words work well." />
      <${FormError} form=${form} />
      <${Submit} form=${form} busyText="Creating your account…">Create account<//>
    </form>
    <p class="muted">Already a member? <a href="/login">Log in</a></p>
  </section>`;
}

// Only a path on this site may follow log-in (?next=/settings/profile), never another site.
function localPath(next) {
  return next && /^\/(?![/\\])/.test(next) ? next : "/";
}

export function LoginPage({ query }) {
  useTitle("Log in");
  const form = useForm({ login: "", password: "" });
  const submit = form.submit(
    (values) => mutate("Login", values),
    async () => {
      await sessionChanged();
      navigate(localPath(query.next));
    },
  );
  return html`<section class="page narrow card">
    <h1>Log in</h1>
    <form onSubmit=${submit} novalidate>
      <${Field} form=${form} name="login" label="Username or email" autocomplete="username" />
      <${Field} form=${form} name="password" label="Password" type="password" autocomplete="current-password" />
      <${FormError} form=${form} />
      <${Submit} form=${form} busyText="Logging in…">Log in<//>
    </form>
    <p class="muted">New here? <a href="/signup">Create an account</a></p>
  </section>`;
}
