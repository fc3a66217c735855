// /friends: friend requests to answer, requests you sent, your friends, people you blocked.
import { html, useState, useEffect } from "../lib.js";
import { mutate, subscribe } from "../api.js";
import { ActionButton } from "../forms.js";
import { useQuery, useTitle, Loading, Empty } from "../components.js";
import { timeAgo, formatDateTime } from "../format.js";
import { PersonLink, blockedList, rememberBlock } from "./social-common.js";

function When({ iso, prefix }) {
  return html`<time class="muted so-small" datetime=${iso} title=${formatDateTime(iso)}>${prefix} ${timeAgo(iso)}</time>`;
}

function Incoming({ request, onDone }) {
  const [answer, setAnswer] = useState(null);
  const done = (what) => async () => {
    setAnswer(what);
    await onDone();
  };
  return html`<li class="so-person-row" data-request=${request.id}>
    <${PersonLink} user=${request.sender} size=${44}><${When} iso=${request.createdAt} prefix="asked" /><//>
    <div class="row so-row-actions">
      ${answer
        ? html`<span class="so-state" role="status">${answer}</span>`
        : html`<${ActionButton} class="primary" busyText="Accepting…" run=${() => mutate("AcceptFriendRequest", { requestId: request.id })}
              onDone=${done("Friends now")}>Accept<//>
            <${ActionButton} busyText="Declining…" run=${() => mutate("DeclineFriendRequest", { requestId: request.id })}
              onDone=${done("Declined")}>Decline<//>`}
    </div>
  </li>`;
}

function Outgoing({ request, onDone }) {
  return html`<li class="so-person-row" data-request=${request.id}>
    <${PersonLink} user=${request.recipient} size=${44}><${When} iso=${request.createdAt} prefix="sent" /><//>
    <div class="row so-row-actions">
      <${ActionButton} busyText="Cancelling…" run=${() => mutate("CancelFriendRequest", { requestId: request.id })} onDone=${onDone}>Cancel request<//>
    </div>
  </li>`;
}

function BlockedPeople({ me }) {
  const [people, setPeople] = useState(() => blockedList(me));
  if (!people.length) return null;
  return html`<section class="card so-section" aria-labelledby="blocked-title">
    <h2 id="blocked-title">Blocked</h2>
    <p class="muted so-small">People you blocked in this browser.</p>
    <ul class="so-people">
      ${people.map((p) => html`<li class="so-person-row" key=${p.id}>
        <span class="so-person"><span class="so-person-text"><span class="so-person-name">${p.displayName}</span><span class="so-person-handle">@${p.username}</span></span></span>
        <div class="row so-row-actions">
          <${ActionButton} busyText="Unblocking…" confirm=${`Unblock ${p.displayName}?`} run=${() => mutate("Unblock", { userId: p.id })}
            onDone=${() => {
              rememberBlock(me, p, false);
              setPeople(blockedList(me));
            }}>Unblock<//>
        </div>
      </li>`)}
    </ul>
  </section>`;
}

export function FriendsPage({ me }) {
  useTitle("Friends");
  const requests = useQuery("FriendRequests");
  const friends = useQuery("Friends", { username: me.username });
  const reloadAll = async () => {
    await Promise.all([requests.reload(), friends.reload()]);
  };
  // New requests (and acceptances) show up while the page is open.
  useEffect(
    () =>
      subscribe("NotificationReceived", {}, (d) => {
        const kind = d.notificationReceived.notification && d.notificationReceived.notification.kind;
        if (kind === "FRIEND_REQUEST" || kind === "FRIEND_ACCEPTED") reloadAll();
      }),
    [],
  );
  const incoming = (requests.data && requests.data.incoming) || [];
  const outgoing = (requests.data && requests.data.outgoing) || [];
  const list = (friends.data && friends.data.user && friends.data.user.friends) || [];
  const count = friends.data && friends.data.user ? friends.data.user.friendCount : null;
  return html`<section class="page so-friends-page">
    <h1>Friends</h1>
    <section class="card so-section" aria-labelledby="incoming-title">
      <h2 id="incoming-title">Requests for you ${incoming.length ? html`<span class="so-pill">${incoming.length}</span>` : null}</h2>
      ${requests.loading && !requests.data
        ? html`<${Loading} />`
        : incoming.length
          ? html`<ul class="so-people">${incoming.map((r) => html`<${Incoming} key=${r.id} request=${r} onDone=${() => friends.reload()} />`)}</ul>`
          : html`<p class="muted">No requests waiting.</p>`}
    </section>
    ${outgoing.length
      ? html`<section class="card so-section" aria-labelledby="outgoing-title">
          <h2 id="outgoing-title">Requests you sent</h2>
          <ul class="so-people">${outgoing.map((r) => html`<${Outgoing} key=${r.id} request=${r} onDone=${requests.reload} />`)}</ul>
        </section>`
      : null}
    <section class="card so-section" aria-labelledby="friends-title">
      <h2 id="friends-title">Your friends ${count !== null ? html`<span class="muted">${count}</span>` : null}</h2>
      ${friends.loading && !friends.data
        ? html`<${Loading} />`
        : list.length
          ? html`<ul class="so-people grid-2">${list.map((f) => html`<li class="so-person-row" key=${f.id}>
              <${PersonLink} user=${f} size=${44}>${f.bio ? html`<span class="so-person-bio">${f.bio}</span>` : html`<span class="so-person-handle">@${f.username}</span>`}<//>
            </li>`)}</ul>
            ${count > list.length ? html`<p class="muted so-small">Showing the ${list.length} most recent.</p>` : null}`
          : html`<${Empty}>No friends yet. Open someone's profile and choose <strong>Add friend</strong>.<//>`}
    </section>
    <${BlockedPeople} me=${me} />
  </section>`;
}
