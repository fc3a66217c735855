// A member's public profile, updated live when they edit it: counts, mutual friends, what
// you can do (friend, follow, block) and their posts that you may see.
import { html, useEffect, useState } from "../lib.js";
import { gql, mutate, subscribe } from "../api.js";
import { ActionButton } from "../forms.js";
import { useQuery, useTitle, Avatar, Loading, Empty, RoleBadges, CreditBadge } from "../components.js";
import { formatDate } from "../format.js";
import { PostCard, PersonLink, usePaged, LoadMore, blockedList, rememberBlock } from "./social-common.js";

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

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

// Friends, followers, following; "friends" opens the list.
function Counts({ user }) {
  const [open, setOpen] = useState(false);
  const [friends, setFriends] = useState(null);
  const toggle = async () => {
    setOpen(!open);
    if (!open && friends === null) {
      const { data } = await gql("Friends", { username: user.username });
      setFriends((data && data.user && data.user.friends) || []);
    }
  };
  return html`<div class="so-counts-wrap">
    <ul class="so-counts" aria-label="Connections">
      <li><button type="button" class="link so-count" aria-expanded=${open ? "true" : "false"} aria-controls="profile-friends" onClick=${toggle}
        disabled=${!user.friendCount}><strong>${user.friendCount}</strong> ${user.friendCount === 1 ? "friend" : "friends"}</button></li>
      <li class="so-count"><strong>${user.followerCount}</strong> ${user.followerCount === 1 ? "follower" : "followers"}</li>
      <li class="so-count"><strong>${user.followingCount}</strong> following</li>
    </ul>
    ${open
      ? html`<div id="profile-friends" class="so-friends-pop">
          ${friends === null
            ? html`<${Loading} />`
            : friends.length
              ? html`<ul class="so-people compact">${friends.map((f) => html`<li key=${f.id}><${PersonLink} user=${f} size=${32} /></li>`)}</ul>`
              : html`<p class="muted">No friends to show.</p>`}
        </div>`
      : null}
  </div>`;
}

function MutualFriends({ people }) {
  if (!people || !people.length) return null;
  const names = people.slice(0, 2).map((p) => p.displayName);
  const rest = people.length - names.length;
  return html`<div class="so-mutual">
    <ul class="so-avatars" aria-label="Mutual friends">
      ${people.slice(0, 8).map((p) => html`<li key=${p.id}><a href=${`/u/${p.username}`} title=${p.displayName}><${Avatar} user=${p} size=${28} /><span class="so-sr">${p.displayName}</span></a></li>`)}
    </ul>
    <span class="muted so-small">${plural(people.length, "mutual friend", "mutual friends")}: ${names.join(", ")}${rest > 0 ? ` and ${rest} more` : ""}</span>
  </div>`;
}

// The buttons that fit how you relate to this person.
function Actions({ user, rel, me, onChanged, onBlocked }) {
  if (!me) {
    return html`<p class="muted so-small"><a href=${`/login?next=${encodeURIComponent(`/u/${user.username}`)}`}>Log in</a> to add ${user.displayName} as a friend or follow them.</p>`;
  }
  if (rel.isSelf) return html`<div class="row so-actions"><a class="button" href="/settings/profile">Edit profile</a></div>`;
  const target = { userId: user.id };
  const first = user.displayName.split(" ")[0];
  let friendship;
  if (rel.isFriend) {
    friendship = html`<span class="so-state" role="status">✓ Friends</span>
      <${ActionButton} class="quiet" busyText="Unfriending…" confirm=${`Unfriend ${user.displayName}? Friends-only posts stop reaching each other.`}
        run=${() => mutate("Unfriend", target)} onDone=${onChanged}>Unfriend<//>`;
  } else if (rel.incomingRequest) {
    friendship = html`<span class="so-state">${first} wants to be friends</span>
      <${ActionButton} class="primary" busyText="Accepting…" run=${() => mutate("AcceptFriendRequest", { requestId: rel.incomingRequest.id })} onDone=${onChanged}>Accept<//>
      <${ActionButton} busyText="Declining…" run=${() => mutate("DeclineFriendRequest", { requestId: rel.incomingRequest.id })} onDone=${onChanged}>Decline<//>`;
  } else if (rel.outgoingRequest) {
    friendship = html`<span class="so-state" role="status">Request sent</span>
      <${ActionButton} busyText="Cancelling…" run=${() => mutate("CancelFriendRequest", { requestId: rel.outgoingRequest.id })} onDone=${onChanged}>Cancel request<//>`;
  } else {
    friendship = html`<${ActionButton} class="primary" busyText="Sending…" run=${() => mutate("SendFriendRequest", target)} onDone=${onChanged}>Add friend<//>`;
  }
  return html`<div class="so-actions">
    <div class="row">
      ${friendship}
      ${rel.isFollowing
        ? html`<${ActionButton} busyText="Unfollowing…" run=${() => mutate("Unfollow", target)} onDone=${onChanged}>Unfollow<//>`
        : html`<${ActionButton} busyText="Following…" run=${() => mutate("Follow", target)} onDone=${onChanged}>Follow<//>`}
      ${rel.followsYou ? html`<span class="so-tag">follows you</span>` : null}
    </div>
    <div class="row so-actions-more">
      <${ActionButton} class="link danger" busyText="Blocking…"
        confirm=${`Block ${user.displayName}? Friendship, requests and follows end both ways, and you stop seeing each other anywhere.`}
        run=${() => mutate("Block", target)} onDone=${onBlocked}>Block<//>
    </div>
  </div>`;
}

// After blocking (or when a remembered block hides them): the way back.
function Blocked({ person, me, onUnblocked }) {
  return html`<section class="page narrow card so-blocked">
    <h1>You blocked ${person.displayName}</h1>
    <p class="muted">You and @${person.username} don't see each other's profile, posts or comments.</p>
    <${ActionButton} busyText="Unblocking…" confirm=${`Unblock ${person.displayName}? You won't be friends or follow each other again automatically.`}
      run=${() => mutate("Unblock", { userId: person.id })}
      onDone=${() => {
        rememberBlock(me, person, false);
        onUnblocked();
      }}>Unblock<//>
  </section>`;
}

function Timeline({ user, me, version }) {
  const list = usePaged("UserTimeline", { username: user.username }, (d) => d && d.user && d.user.timeline, 20);
  useEffect(() => {
    if (version) list.reload();
  }, [version]);
  const replace = (post) => list.setItems((items) => items.map((p) => (p.id === post.id ? post : p)));
  const remove = (id) => list.setItems((items) => items.filter((p) => p.id !== id));
  const isSelf = me && me.username === user.username;
  return html`<section class="so-timeline" aria-labelledby="timeline-title">
    <h2 id="timeline-title">${isSelf ? "Your posts" : `Posts by ${user.displayName}`}</h2>
    ${list.loading && !list.items.length
      ? html`<${Loading} />`
      : list.items.length
        ? list.items.map((post) => html`<${PostCard} key=${post.id} post=${post} me=${me} onChange=${replace} onRemove=${remove} />`)
        : html`<${Empty}>${isSelf
            ? html`You haven't posted yet. <a href="/">Share a good find</a>.`
            : me
              ? `Nothing you can see yet. Friends see friends-only posts.`
              : html`Nothing public yet. <a href="/login">Log in</a> to see more.`}<//>`}
    <${LoadMore} list=${list} text="Load more posts" />
  </section>`;
}

export function ProfilePage({ username, me }) {
  const { data, loading, reload } = useQuery("ProfileView", { username });
  const [live, setLive] = useState(null);
  const [version, setVersion] = useState(0);
  const [blocked, setBlocked] = useState(null);
  const user = data && data.user;
  useTitle(user ? `${(live && live.displayName) || user.displayName} (@${user.username})` : username);
  useEffect(() => {
    if (!user) return undefined;
    setLive(null);
    return subscribe("UserUpdated", { id: user.id }, (d) => setLive(d.userUpdated));
  }, [user && user.id]);
  const remembered = me && !user ? blockedList(me).find((b) => b.username.toLowerCase() === username.toLowerCase()) : null;
  const shownBlock = blocked || remembered;
  if (shownBlock && me) {
    return html`<${Blocked} person=${shownBlock} me=${me} onUnblocked=${() => {
      setBlocked(null);
      reload();
    }} />`;
  }
  if (loading && !data) return html`<${Loading} />`;
  if (!user) return html`<section class="page narrow"><h1>No such member</h1><p>@${username} isn't here.</p></section>`;
  const shown = live ? { ...user, ...live } : user;
  const changed = async () => {
    await reload();
    setVersion((v) => v + 1); // friendship changes what of theirs you may see
  };
  return html`<section class="page so-profile">
    <${ProfileHeader} user=${shown}>
      <${Counts} key=${`${user.friendCount}`} user=${user} />
      <${MutualFriends} people=${user.mutualFriends} />
      <${Actions} user=${user} rel=${user.relationship || {}} me=${me} onChanged=${changed}
        onBlocked=${() => {
          const person = { id: user.id, username: user.username, displayName: user.displayName };
          rememberBlock(me, person, true);
          setBlocked(person);
        }} />
    <//>
    <${Timeline} key=${user.id} user=${user} me=${me} version=${version} />
  </section>`;
}
