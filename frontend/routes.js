// Every page of the web app: [path pattern, page component, { auth }]. Add a line per page.
import { HomePage } from "./pages/home.js";
import { LoginPage, SignupPage } from "./pages/auth.js";
import { ProfilePage } from "./pages/profile.js";
import { ProfileSettingsPage } from "./pages/settings.js";

export const routes = [
  ["/", HomePage],
  ["/signup", SignupPage],
  ["/login", LoginPage],
  ["/u/:username", ProfilePage],
  ["/settings/profile", ProfileSettingsPage, { auth: true }],
];

// Header navigation: [href, label, { auth }].
export const nav = [];
