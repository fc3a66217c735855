// Display helpers: money, dates, relative times.
const SYMBOLS = { CNY: "¥", USD: "$", EUR: "€", JPY: "¥", GBP: "£" };

// 1250 → "¥12.50"; prefer the API's Money.formatted when you have it.
export function formatMoney(cents, currency = "CNY") {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100).toLocaleString("en-US");
  return `${sign}${SYMBOLS[currency] || currency + " "}${units}.${String(abs % 100).padStart(2, "0")}`;
}

// "¥12.50" or "12.5" → 1250 (for money inputs); NaN when not a number.
export function parseMoney(text) {
  const clean = String(text).replace(/[^0-9.]/g, "");
  if (!clean) return NaN;
  return Math.round(parseFloat(clean) * 100);
}

export function formatDate(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

export function formatDateTime(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function timeAgo(iso) {
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days} d ago`;
  return formatDate(iso);
}

export function label(enumValue) {
  return String(enumValue || "").replace(/_/g, " ").toLowerCase().replace(/^./, (c) => c.toUpperCase());
}
