// A member's public profile, updated live when they edit it.
import { html, useEffect, useState } from "../lib.js";
import { subscribe } from "../api.js";
import { useQuery, useTitle, Avatar, Loading, RoleBadges, CreditBadge } from "../components.js";
import { formatDate } from "../format.js";

export function ProfileHeader({ user, children }) {
  return html`<div class="profile-head card">
    <${Avatar} user=${user} size=${88} />
    <div class="who">
      <h1>${user.displayName} <${RoleBadges} roles=${user.roles} /></h1>
      <div class="muted">@${user.username} · joined <time datetime=${user.joinedAt}>${formatDate(user.joinedAt)}</time></div>
      ${user.bio ? html`<p class="bio">${user.bio}</p>` : null}
      ${user.interests && user.interests.length
        ? html`<ul class="chips" aria-label="Interests">${user.interests.map((i) => html`<li class="chip on">${i.name}</li>`)}</ul>`
        : null}
      <div class="credits">
        ${user.buyerCredit ? html`<${CreditBadge} credit=${user.buyerCredit} label="Buyer" />` : null}
        ${user.sellerCredit && user.sellerCredit.good + user.sellerCredit.poor + user.sellerCredit.neutral > 0
          ? html`<${CreditBadge} credit=${user.sellerCredit} label="Seller" />`
          : null}
      </div>
      ${children}
    </div>
  </div>`;
}

export function ProfilePage({ username, me }) {
  const { data, loading, reload } = useQuery("UserProfile", { username });
  const [live, setLive] = useState(null);
  const user = data && data.user;
  useTitle(user ? `${(live && live.displayName) || user.displayName} (@${user.username})` : username);
  useEffect(() => {
    if (!user) return undefined;
    setLive(null);
    return subscribe("UserUpdated", { id: user.id }, (d) => setLive(d.userUpdated));
  }, [user && user.id]);
  if (loading && !data) return html`<${Loading} />`;
  if (!user) return html`<section class="page narrow"><h1>No such member</h1><p>@${username} isn't here.</p></section>`;
  const shown = live ? { ...user, ...live } : user;
  return html`<section class="page">
    <${ProfileHeader} user=${shown}>
      ${me && me.username === user.username ? html`<a class="button" href="/settings/profile">Edit profile</a>` : null}
    <//>
  </section>`;
}
