// /notifications, and the header's live "Notifications" link with the unread count.
import { html, useState, useEffect } from "../lib.js";
import { gql, mutate, subscribe } from "../api.js";
import { ActionButton } from "../forms.js";
import { useTitle, Avatar, Loading, Empty } from "../components.js";
import { timeAgo, formatDateTime } from "../format.js";
import { Icon, usePaged, LoadMore } from "./social-common.js";

// The header link: UnreadCount when someone logs in, then NotificationReceived keeps it live
// (its events carry the new unreadCount, also after "Mark all read").
export function NotificationsLink({ me, path }) {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!me) return undefined;
    let alive = true;
    setCount(0);
    gql("UnreadCount").then(({ data }) => {
      if (alive && data) setCount(data.unreadNotificationCount);
    });
    const stop = subscribe("NotificationReceived", {}, (d) => {
      if (alive) setCount(d.notificationReceived.unreadCount);
    });
    return () => {
      alive = false;
      stop();
    };
  }, [me && me.id]);
  if (!me) return null;
  const here = path && path.split("?")[0] === "/notifications";
  return html`<a href="/notifications" class="so-bell" title="Notifications" aria-current=${here ? "page" : undefined}>
    <${Icon} name="bell" size=${22} /><span class="so-sr">Notifications</span>${count
      ? html`<span class="so-count" data-unread=${count}>${count > 99 ? "99+" : count}<span class="so-sr"> unread</span></span>`
      : null}
  </a>`;
}

function excerpt(text, n = 90) {
  const t = String(text || "").replace(/\s+/g, " ").trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

const SAYS = {
  FRIEND_REQUEST: "sent you a friend request",
  FRIEND_ACCEPTED: "accepted your friend request",
  COMMENT: "commented on your post",
  REPLY: "replied to your comment",
  LIKE: "liked your post",
  MENTION: "mentioned you",
};

function where(note) {
  if (note.post) return note.comment ? `/posts/${note.post.id}#c-${note.comment.id}` : `/posts/${note.post.id}`;
  return `/u/${note.actor.username}`;
}

function Note({ note, onRead }) {
  const [answer, setAnswer] = useState(null);
  const says = note.kind === "LIKE" && note.comment ? "liked your comment" : SAYS[note.kind] || note.kind.toLowerCase();
  const request = note.friendRequest;
  const quote = note.comment ? note.comment.body : note.post ? note.post.body : "";
  const open = () => {
    if (!note.read) onRead(note.id);
  };
  return html`<li class=${"so-note" + (note.read ? "" : " unread")} data-kind=${note.kind} data-note=${note.id}>
    <a href=${`/u/${note.actor.username}`} tabindex="-1" aria-hidden="true"><${Avatar} user=${note.actor} size=${42} /></a>
    <div class="so-note-main">
      <a class="so-note-link" href=${where(note)} onClick=${open}>
        ${note.read ? null : html`<span class="so-sr">New: </span>`}
        <strong>${note.actor.displayName}</strong> ${says}${note.kind === "MENTION" && note.comment ? " in a comment" : ""}
      </a>
      ${quote ? html`<div class="so-note-quote">“${excerpt(quote)}”</div>` : null}
      ${!note.post && ["COMMENT", "REPLY", "LIKE", "MENTION"].includes(note.kind) ? html`<div class="muted so-small">The post is no longer available.</div>` : null}
      <time class="muted so-small" datetime=${note.createdAt} title=${formatDateTime(note.createdAt)}>${timeAgo(note.createdAt)}</time>
      ${note.kind === "FRIEND_REQUEST" && request
        ? request.status === "PENDING" && !answer
          ? html`<div class="row so-row-actions">
              <${ActionButton} class="primary" busyText="Accepting…" run=${() => mutate("AcceptFriendRequest", { requestId: request.id })}
                onDone=${() => {
                  setAnswer("You're friends now.");
                  open();
                }}>Accept<//>
              <${ActionButton} busyText="Declining…" run=${() => mutate("DeclineFriendRequest", { requestId: request.id })}
                onDone=${() => {
                  setAnswer("Declined.");
                  open();
                }}>Decline<//>
            </div>`
          : html`<div class="so-state so-small" role="status">${answer || (request.status === "ACCEPTED" ? "You're friends." : `Request ${request.status.toLowerCase()}.`)}</div>`
        : null}
    </div>
    ${note.read ? null : html`<span class="so-dot" aria-hidden="true"></span>`}
  </li>`;
}

export function NotificationsPage({ me }) {
  useTitle("Notifications");
  const list = usePaged("Notifications", {}, (d) => d && d.notifications, 20);
  const [unread, setUnread] = useState(null);
  useEffect(() => {
    if (list.data) setUnread(list.data.unreadNotificationCount);
  }, [list.data]);
  // Live: new ones go on top (the page's own list, not a reload, so "load more" stays).
  useEffect(
    () =>
      subscribe("NotificationReceived", {}, async (d) => {
        const event = d.notificationReceived;
        setUnread(event.unreadCount);
        if (!event.notification) return;
        const { data } = await gql("Notifications", { first: 10 });
        const fresh = ((data && data.notifications.edges) || []).map((e) => e && e.node).filter(Boolean);
        list.setItems((items) => {
          const have = new Set(items.map((n) => n.id));
          return [...fresh.filter((n) => !have.has(n.id)), ...items];
        });
      }),
    [me.id],
  );
  const markRead = async (ids) => {
    const payload = await mutate("MarkNotificationsRead", ids ? { ids } : {});
    if (!payload.errors || !payload.errors.length) {
      setUnread(payload.unreadCount);
      list.setItems((items) => items.map((n) => (!ids || ids.includes(n.id) ? { ...n, read: true } : n)));
    }
    return payload;
  };
  return html`<section class="page so-notes-page">
    <div class="so-page-head">
      <h1>Notifications ${unread ? html`<span class="so-pill">${unread} unread</span>` : null}</h1>
      <${ActionButton} busyText="Marking…" run=${() => markRead(null)}>Mark all read<//>
    </div>
    ${list.loading && !list.items.length
      ? html`<${Loading} />`
      : list.items.length
        ? html`<ul class="so-notes card">${list.items.map((n) => html`<${Note} key=${n.id} note=${n} onRead=${(id) => markRead([id])} />`)}</ul>`
        : html`<${Empty}>Nothing yet. Likes, comments, mentions and friend requests show up here.<//>`}
    <${LoadMore} list=${list} text="Load older" />
  </section>`;
}
