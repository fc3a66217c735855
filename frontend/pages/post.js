// One post with its comments (one level of replies): comment, reply, like, delete.
import { html, useState, useEffect } from "../lib.js";
import { mutate } from "../api.js";
import { navigate } from "../router.js";
import { useForm, Field, Submit, FormError, ActionButton } from "../forms.js";
import { useQuery, useTitle, Avatar, Loading } from "../components.js";
import { timeAgo, formatDateTime } from "../format.js";
import { Icon, PostCard, RichText, LikeButton } from "./social-common.js";

const COMMENT_MAX = 1000;

// A comment (or reply) box. `name` keeps ids unique on the page: f-<name>.
function CommentForm({ postId, replyTo, name, label, initial = "", onDone, onCancel, autofocus }) {
  const form = useForm({ [name]: initial });
  useEffect(() => {
    if (autofocus) requestAnimationFrame(() => {
      const box = document.getElementById(`f-${name}`);
      if (box) {
        box.focus();
        box.setSelectionRange(box.value.length, box.value.length);
      }
    });
  }, []);
  const submit = form.submit(
    async (values) => {
      const payload = await mutate("AddComment", { postId, body: values[name], ...(replyTo ? { replyTo } : {}) });
      // The server names the field "body"; here it is this form's box.
      return { ...payload, errors: (payload.errors || []).map((e) => (e.field === "body" ? { ...e, field: name } : e)) };
    },
    async (payload) => {
      form.reset({ [name]: "" });
      await onDone(payload);
    },
  );
  return html`<form class=${"so-comment-form" + (replyTo ? " reply" : "")} onSubmit=${submit} novalidate>
    <${Field} form=${form} name=${name} label=${label} textarea rows=${replyTo ? 2 : 3} maxLength=${COMMENT_MAX}
      placeholder=${replyTo ? "Write a reply…" : "Say something kind, or ask a question…"} />
    <${FormError} form=${form} />
    <div class="row so-end-row">
      ${onCancel ? html`<button type="button" onClick=${onCancel} disabled=${form.busy}>Cancel</button>` : null}
      <${Submit} form=${form} busyText="Sending…">${replyTo ? "Send reply" : "Comment"}<//>
    </div>
  </form>`;
}

function CommentItem({ comment, me, post, thread, replying, setReplying, onChanged, onLocal }) {
  const isReply = thread !== comment.id;
  const open = replying && replying.comment === comment.id;
  return html`<li class=${"so-comment" + (isReply ? " is-reply" : "")} id=${`c-${comment.id}`} data-comment=${comment.id}>
    <a href=${`/u/${comment.author.username}`} tabindex="-1" aria-hidden="true"><${Avatar} user=${comment.author} size=${isReply ? 30 : 36} /></a>
    <div class="so-comment-main">
      <div class="so-bubble">
        <a class="so-name" href=${`/u/${comment.author.username}`}>${comment.author.displayName}</a>
        ${comment.author.username === post.author.username ? html` <span class="so-tag">author</span>` : null}
        <div class="so-comment-body"><${RichText} text=${comment.body} /></div>
      </div>
      <div class="so-comment-tools">
        <time datetime=${comment.createdAt} title=${formatDateTime(comment.createdAt)}>${timeAgo(comment.createdAt)}</time>
        <${LikeButton} me=${me} small target=${{ commentId: comment.id }} liked=${comment.viewerHasLiked} count=${comment.likeCount}
          onChange=${({ liked, count }) => onLocal(comment.id, { viewerHasLiked: liked, likeCount: count })} />
        ${me
          ? html`<button type="button" class="link" aria-expanded=${open ? "true" : "false"}
              onClick=${() => setReplying(open ? null : { comment: comment.id, thread, mention: isReply && comment.author.username !== me.username ? comment.author.username : "" })}>
              <${Icon} name="reply" size=${14} /> Reply</button>`
          : null}
        ${comment.canDelete
          ? html`<${ActionButton} class="link danger" busyText="Deleting…" confirm="Delete this comment?"
              run=${() => mutate("DeleteComment", { commentId: comment.id })} onDone=${onChanged}>Delete<//>`
          : null}
      </div>
    </div>
  </li>`;
}

function Thread({ comment, me, post, replying, setReplying, onChanged, onLocal }) {
  const open = replying && replying.thread === comment.id;
  const common = { me, post, replying, setReplying, onChanged, onLocal, thread: comment.id };
  return html`<li class="so-thread">
    <ul class="so-comments-flat">
      <${CommentItem} comment=${comment} ...${common} />
    </ul>
    ${comment.replies.length || open
      ? html`<ul class="so-replies" aria-label=${`Replies to ${comment.author.displayName}`}>
          ${comment.replies.map((r) => html`<${CommentItem} key=${r.id} comment=${r} ...${common} />`)}
          ${open
            ? html`<li class="so-reply-box"><${CommentForm} postId=${post.id} replyTo=${replying.comment} name=${`reply-${comment.id}`}
                label=${`Reply to ${comment.author.displayName}`} initial=${replying.mention ? `@${replying.mention} ` : ""} autofocus
                onCancel=${() => setReplying(null)}
                onDone=${async () => {
                  setReplying(null);
                  await onChanged();
                }} /></li>`
            : null}
        </ul>`
      : null}
  </li>`;
}

function patchComment(comments, id, changes) {
  return comments.map((c) =>
    c.id === id ? { ...c, ...changes } : { ...c, replies: c.replies.map((r) => (r.id === id ? { ...r, ...changes } : r)) },
  );
}

export function PostPage({ id, me }) {
  const { data, loading, reload } = useQuery("PostDetail", { id });
  const [post, setPost] = useState(null);
  const [replying, setReplying] = useState(null);
  useEffect(() => {
    if (data) setPost(data.post);
  }, [data]);
  const shown = post || (data && data.post);
  useTitle(shown ? `${shown.author.displayName}: ${shown.body.slice(0, 40) || "post"}` : "Post");
  if (loading && !data) return html`<${Loading} />`;
  if (!shown) {
    return html`<section class="page narrow card so-gone">
      <h1>This post isn't available</h1>
      <p class="muted">It may have been deleted, or it is shared only with people you're not connected to.</p>
      <p>${me ? html`<a href="/">Back to your feed</a>` : html`<a href=${`/login?next=${encodeURIComponent(`/posts/${id}`)}`}>Log in</a> to see posts shared with you.`}</p>
    </section>`;
  }
  const onLocal = (commentId, changes) => setPost((p) => ({ ...p, comments: patchComment(p.comments, commentId, changes) }));
  const comments = shown.comments || [];
  return html`<section class="page so-post-page">
    <p class="so-back"><a href="/">← Feed</a></p>
    <${PostCard} post=${shown} me=${me} detail onChange=${(p) => setPost(p)} onRemove=${() => navigate("/", { replace: true })} />
    <section class="card so-comments" aria-labelledby="comments-title">
      <h2 id="comments-title">Comments <span class="muted">${shown.commentCount}</span></h2>
      ${comments.length
        ? html`<ul class="so-comment-list">
            ${comments.map((c) => html`<${Thread} key=${c.id} comment=${c} me=${me} post=${shown} replying=${replying}
              setReplying=${setReplying} onChanged=${reload} onLocal=${onLocal} />`)}
          </ul>`
        : html`<p class="muted">No comments yet${me ? " — be the first." : "."}</p>`}
      ${me
        ? html`<${CommentForm} postId=${shown.id} name="comment" label="Add a comment" onDone=${reload} />`
        : html`<p><a href=${`/login?next=${encodeURIComponent(`/posts/${id}`)}`}>Log in</a> to comment.</p>`}
    </section>
  </section>`;
}
