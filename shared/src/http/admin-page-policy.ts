/**
 * The Content-Security-Policy of a bundled admin page (the Socket.IO Admin UI, the queue board).
 * The services answer everything else with `default-src 'none'` (SECURE_API_HEADERS); such a page
 * needs its own scripts, the inline styles its UI kit writes, and connections back to its origin
 * only. Web fonts from elsewhere stay blocked: an admin page on an internal network should not
 * reach out. `baseUri`: the queue board sets `<base href>` to its own path, the Admin UI none.
 */
export function adminPagePolicy({ baseUri }: { baseUri: "'self'" | "'none'" }): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    `base-uri ${baseUri}`,
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}
