// Edit your profile: display name, bio, avatar URL, interests.
import { html, useEffect, useState } from "../lib.js";
import { mutate, gql } from "../api.js";
import { sessionChanged } from "../session.js";
import { useForm, Field, Submit, FormError } from "../forms.js";
import { Avatar, Loading } from "../components.js";

export function ProfileSettingsPage({ me, query }) {
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
  const toggle = (slug) => {
    const picked = form.values.interests;
    form.set("interests", picked.includes(slug) ? picked.filter((s) => s !== slug) : [...picked, slug]);
  };
  const submit = form.submit(
    (values) => mutate("UpdateProfile", values),
    async () => {
      await sessionChanged();
      form.setNotice("Profile saved.");
    },
  );
  const preview = { ...me, avatarUrl: form.values.avatarUrl, displayName: form.values.displayName };
  return html`<section class="page narrow card">
    <h1>${query.welcome ? "Welcome! Tell people about you" : "Edit profile"}</h1>
    <form onSubmit=${submit} novalidate>
      <${Field} form=${form} name="displayName" label="Display name" maxLength=${40} />
      <${Field} form=${form} name="bio" label="Bio" textarea maxLength=${280} rows=${3} />
      <div class="with-preview">
        <${Field} form=${form} name="avatarUrl" label="Avatar URL" type="url" hint="An http(s) image address." />
        <${Avatar} user=${preview} size=${56} />
      </div>
      <fieldset class="field" aria-describedby=${form.errors.interests ? "f-interests-error" : undefined}>
        <legend>Interests</legend>
        ${options === null
          ? html`<${Loading} text="Loading interests…" />`
          : html`<div class="chips">${options.map(
              (o) => html`<label class=${"chip" + (form.values.interests.includes(o.slug) ? " on" : "")}>
                <input type="checkbox" name="interests" value=${o.slug} checked=${form.values.interests.includes(o.slug)} onChange=${() => toggle(o.slug)} disabled=${form.busy} />
                ${o.name}
              </label>`,
            )}</div>`}
        ${form.errors.interests ? html`<div class="field-error" id="f-interests-error" role="alert">${form.errors.interests}</div>` : null}
      </fieldset>
      <${FormError} form=${form} />
      <div class="row">
        <${Submit} form=${form}>Save profile<//>
        <a href=${`/u/${me.username}`}>View your profile</a>
      </div>
    </form>
  </section>`;
}
