// Edit your profile: display name, bio, avatar URL, interests.
import { html, useEffect, useState } from "../lib.js";
import { mutate, gql } from "../api.js";
import { refreshSession } from "../session.js";
import { useForm, Field, Choices, Submit, FormError } from "../forms.js";
import { Avatar, Loading, useTitle } from "../components.js";

export const BIO_MAX = 280;

export function ProfileSettingsPage({ me, query }) {
  useTitle("Edit profile");
  const form = useForm({
    displayName: me.displayName || "",
    bio: me.bio || "",
    avatarUrl: me.avatarUrl || "",
    interests: (me.interests || []).map((i) => i.slug),
  });
  const [options, setOptions] = useState(null);
  useEffect(() => {
    gql("Interests").then(({ data }) => setOptions((data && data.interests) || []));
  }, []);
  const submit = form.submit(
    (values) => mutate("UpdateProfile", values),
    async () => {
      await refreshSession();
      form.setNotice("Profile saved.");
    },
  );
  const preview = { ...me, avatarUrl: form.values.avatarUrl.trim(), displayName: form.values.displayName };
  return html`<section class="page narrow card">
    <h1>${query.welcome ? "Welcome! Tell people about you" : "Edit profile"}</h1>
    ${query.welcome ? html`<p class="muted">Everything here is optional and public; you can change it any time.</p>` : null}
    <form onSubmit=${submit} novalidate>
      <${Field} form=${form} name="displayName" label="Display name" maxLength=${40} autocomplete="nickname" />
      <${Field} form=${form} name="bio" label="Bio" textarea maxLength=${BIO_MAX} rows=${3}
        placeholder="What do you love finding? Tea, film cameras, hiking gear…" />
      <div class="with-preview">
        <${Field} form=${form} name="avatarUrl" label="Avatar URL" type="url" inputmode="url"
          placeholder="https://…" hint="An http(s) image address." />
        <figure class="avatar-preview">
          <${Avatar} user=${preview} size=${64} />
          <figcaption>Preview</figcaption>
        </figure>
      </div>
      ${options === null
        ? html`<${Loading} text="Loading interests…" />`
        : html`<${Choices} form=${form} name="interests" label="Interests"
            hint="Pick a few: they shape what you see first."
            options=${options.map((o) => ({ value: o.slug, label: o.name }))} />`}
      <${FormError} form=${form} />
      <div class="row">
        <${Submit} form=${form}>Save profile<//>
        <a href=${`/u/${me.username}`}>View your profile</a>
      </div>
    </form>
  </section>`;
}
