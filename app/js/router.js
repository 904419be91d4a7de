// Screens are addressed by the hash (#/jobs/1234), so every screen is the one page the service worker keeps and a
// reload or a notification's link opens the right screen even without a signal.
import { useEffect, useState } from './deps.js';

/** The current screen's path: "#/jobs/12?tab=x" gives "/jobs/12?tab=x"; no hash gives "/". */
export function currentPath() {
  const h = location.hash.replace(/^#/, '');
  return h.startsWith('/') ? h : '/';
}

/** A link to a screen, for `href`. */
export function href(path) {
  return `#${path}`;
}

/** Goes to a screen (a new history entry, so Back returns). */
export function navigate(path) {
  location.hash = href(path);
}

/** The query of the current path as URLSearchParams. */
export function query(path = currentPath()) {
  const i = path.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : path.slice(i + 1));
}

const compiled = new WeakMap();

function compile(route) {
  let c = compiled.get(route);
  if (!c) {
    const names = [];
    const pattern = route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([A-Za-z]+)/g, (_, name) => {
      names.push(name);
      return '([^/]+)';
    });
    c = { re: new RegExp(`^${pattern}$`), names };
    compiled.set(route, c);
  }
  return c;
}

/** The route whose pattern ("/jobs/:id") matches the path, with its parameters decoded; null if none does. */
export function match(routes, path) {
  const bare = path.split('?')[0];
  for (const route of routes) {
    const { re, names } = compile(route);
    const m = re.exec(bare);
    if (!m) continue;
    try {
      return { route, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
    } catch {
      // A malformed address (a link cut short: "%E0"): no such screen.
      return null;
    }
  }
  return null;
}

/** The current path, re-rendering when it changes. */
export function usePath() {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const on = () => setPath(currentPath());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return path;
}
