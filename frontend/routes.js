// Every page of the web app: [path pattern, page component, { auth }]. Add a line per page.
import { HomePage } from "./pages/home.js";
import { LoginPage, SignupPage } from "./pages/auth.js";
import { ProfilePage } from "./pages/profile.js";
import { ProfileSettingsPage } from "./pages/settings.js";
import { OrdersPage, SalesPage } from "./pages/orders.js";
import { OrderPage } from "./pages/order.js";
import { DisputesPage } from "./pages/disputes.js";
import { BrowsePage, ProductPage, ShopPage } from "./pages/store.js";
import { MyShopPage, ProductEditorPage } from "./pages/store-seller.js";
import { CartPage, WalletPage } from "./pages/store-buyer.js";
import { PostPage } from "./pages/post.js";
import { FriendsPage } from "./pages/people.js";
import { NotificationsPage } from "./pages/notifications.js";

export const routes = [
  ["/", HomePage],
  ["/signup", SignupPage],
  ["/login", LoginPage],
  ["/u/:username", ProfilePage],
  ["/settings/profile", ProfileSettingsPage, { auth: true }],
  ["/orders", OrdersPage, { auth: true }],
  ["/orders/:id", OrderPage, { auth: true }],
  ["/shop/orders", SalesPage, { auth: true }],
  ["/admin/disputes", DisputesPage, { auth: true }],
  ["/products", BrowsePage],
  ["/p/:id", ProductPage],
  ["/products/:id", ProductPage],
  ["/shops/:owner", ShopPage],
  ["/shop", MyShopPage, { auth: true }],
  ["/shop/products/new", ProductEditorPage, { auth: true }],
  ["/shop/products/:id/edit", ProductEditorPage, { auth: true }],
  ["/cart", CartPage, { auth: true }],
  ["/wallet", WalletPage, { auth: true }],
  ["/posts/:id", PostPage],
  ["/friends", FriendsPage, { auth: true }],
  ["/notifications", NotificationsPage, { auth: true }],
];

// Header navigation: [href, label, { auth }].
export const nav = [];
nav.push(["/products", "Shop"], ["/cart", "Cart", { auth: true }], ["/wallet", "Wallet", { auth: true }], ["/shop", "My shop", { auth: true }]);
nav.push(["/orders", "Orders", { auth: true }], ["/shop/orders", "Sales", { auth: true }]);
// Shown to admins only (the page itself also tells others it is for admins).
nav.push(["/admin/disputes", "Disputes", { auth: true, admin: true }]);
// Social: the feed is the members' home page; shown first.
nav.unshift(["/", "Feed", { auth: true }], ["/friends", "Friends", { auth: true }]);
