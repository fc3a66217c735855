// Ratings on a completed order: rate the other side (hidden until both rated or the window
// closed), see both ratings once revealed, reply once to the one you got, and — buyers —
// change a neutral or poor rating to good.
import { html } from "../lib.js";
import { mutate } from "../api.js";
import { useForm, Submit, FormError } from "../forms.js";
import { formatDate } from "../format.js";
import { PField, Choice, StarInput, Stars, ConfirmAction, Toggle, When } from "./orders-common.js";

const SCORES = { GOOD: "Good", NEUTRAL: "Neutral", POOR: "Poor" };

function ScoreBadge({ score }) {
  return html`<span class=${`score score-${score.toLowerCase()}`}>${SCORES[score]}</span>`;
}

function RateForm({ order, reload }) {
  const buyer = order.viewerRole === "BUYER";
  const form = useForm({ score: "", comment: "", described: 0, service: 0, shipping: 0 });
  const submit = form.submit(
    (values) => {
      if (!values.score) return { errors: [{ field: "score", message: "Choose good, neutral or poor." }] };
      const input = { orderId: order.id, score: values.score, comment: values.comment };
      if (buyer) {
        for (const name of ["described", "service", "shipping"]) {
          if (!values[name]) return { errors: [{ field: name, message: "Give 1 to 5 stars." }] };
          input[name] = values[name];
        }
      }
      return mutate("RateOrder", input);
    },
    () => reload(),
  );
  const whom = buyer ? order.shop.name : order.buyer.displayName;
  return html`<form class="rate-form" onSubmit=${submit} novalidate>
    <h3>Rate ${whom}</h3>
    <${Choice}
      form=${form}
      prefix="rate"
      name="score"
      legend="Your rating"
      class="inline scores"
      options=${[
        ["GOOD", "Good", "+1 credit"],
        ["NEUTRAL", "Neutral", "0"],
        ["POOR", "Poor", "−1 credit"],
      ]}
    />
    ${buyer
      ? html`<div class="store-scores">
          <${StarInput} form=${form} prefix="rate" name="described" legend="Item as described" />
          <${StarInput} form=${form} prefix="rate" name="service" legend="Seller's service" />
          <${StarInput} form=${form} prefix="rate" name="shipping" legend="Shipping speed" />
        </div>`
      : null}
    <${PField} form=${form} prefix="rate" name="comment" label="Comment (optional, public)" textarea rows=${3} maxLength=${500} />
    <${FormError} form=${form} />
    <div class="row">
      <${Submit} form=${form} busyText="Sending…">Submit rating<//>
      <span class="muted small">Hidden from them until they rate too or the window closes. You can't edit it later${buyer ? " (only change neutral or poor to good)" : ""}.</span>
    </div>
  </form>`;
}

function ReplyForm({ rating, reload }) {
  return html`<${Toggle} label="Reply">${(close) => html`<${ReplyFormOpen} rating=${rating} reload=${reload} close=${close} />`}<//>`;
}

function ReplyFormOpen({ rating, reload, close }) {
  const form = useForm({ body: "" });
  const submit = form.submit(
    (values) => mutate("ReplyToRating", { ratingId: rating.id, body: values.body }),
    () => reload(),
  );
  return html`<form class="reply-form" onSubmit=${submit} novalidate>
    <${PField} form=${form} prefix="reply" name="body" label="Reply (once, in public)" textarea rows=${2} maxLength=${500} />
    <${FormError} form=${form} />
    <div class="row">
      <${Submit} form=${form} busyText="Sending…">Post reply<//>
      <button type="button" class="link" onClick=${close}>Cancel</button>
    </div>
  </form>`;
}

function RatingCard({ rating, title, storeScores, children, kind }) {
  return html`<article class=${`rating-card ${kind}`} data-rating=${kind}>
    <header class="row">
      <strong>${title}</strong>
      <${ScoreBadge} score=${rating.score} />
      ${rating.automatic ? html`<span class="muted small">automatic</span>` : null}
      ${rating.changed ? html`<span class="muted small">changed to good</span>` : null}
      <span class="muted small">${formatDate(rating.createdAt)}</span>
    </header>
    ${storeScores
      ? html`<div class="store-show">
          <${Stars} value=${storeScores.described} label="As described" />
          <${Stars} value=${storeScores.service} label="Service" />
          <${Stars} value=${storeScores.shipping} label="Shipping" />
        </div>`
      : null}
    ${rating.comment ? html`<p class="rating-comment">${rating.comment}</p>` : html`<p class="muted small">No comment.</p>`}
    ${children}
  </article>`;
}

export function RatingsSection({ order, reload }) {
  const r = order.ratings;
  const buyer = order.viewerRole === "BUYER";
  const them = buyer ? order.shop.name : order.buyer.displayName;
  const closed = r.rateBy && new Date(r.rateBy).getTime() < Date.now();
  return html`<section class="card ratings" aria-labelledby="ratings-h">
    <h2 id="ratings-h">Ratings</h2>
    ${r.canRate
      ? html`<p class="deadline">Rate by <strong><${When} iso=${r.rateBy} /></strong>.${buyer ? " If you don't, a good rating is left for you." : ""}</p>
          <${RateForm} order=${order} reload=${reload} />`
      : null}
    ${r.mine
      ? html`<${RatingCard} kind="mine" rating=${r.mine} title=${`Your rating of ${them}`} storeScores=${buyer ? r.storeScores : null}>
          ${r.mine.revealed ? null : html`<p class="muted small">Hidden from ${them} until they rate or the window closes.</p>`}
          ${r.mine.reply ? html`<div class="rating-reply"><span class="muted">${them} replied:</span> ${r.mine.reply}</div>` : null}
          ${r.mine.canUpgrade
            ? html`<${ConfirmAction}
                button="Change to good"
                class=""
                title="Change your rating to good?"
                confirmText="Change to good"
                run=${() => mutate("UpgradeRating", { ratingId: r.mine.id })}
                onDone=${reload}
              >
                <p>A rating can only go up: you won't be able to change it back.</p>
              <//>`
            : null}
        <//>`
      : !r.canRate && order.viewerRole !== "ADMIN"
        ? html`<p class="muted">${closed ? `The window to rate closed on ${formatDate(r.rateBy)}.` : "You haven't rated this order."}</p>`
        : null}
    ${r.theirs
      ? html`<${RatingCard} kind="theirs" rating=${r.theirs} title=${`${r.theirs.rater.displayName}'s rating of you`} storeScores=${buyer ? null : r.storeScores}>
          ${r.theirs.reply ? html`<div class="rating-reply"><span class="muted">Your reply:</span> ${r.theirs.reply}</div>` : null}
          ${r.theirs.canReply ? html`<${ReplyForm} rating=${r.theirs} reload=${reload} />` : null}
        <//>`
      : r.theirsSubmitted
        ? html`<p class="theirs-hidden">They have rated; you'll see it when you rate or when the window closes.</p>`
        : html`<p class="muted">${them} hasn't rated yet.</p>`}
  </section>`;
}
