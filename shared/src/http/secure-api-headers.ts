/**
 * Sent on every answer of the services' own routes, errors and 404s included. A JSON API is
 * never framed, rendered or worth caching by a browser, so the strictest values cost nothing.
 * They are set on the Node response rather than by Hono's secureHeaders middleware, which set
 * a dozen headers one by one on a fetch `Headers` object per request, a measurable share of a
 * publish's CPU.
 */
export const SECURE_API_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "Strict-Transport-Security": "max-age=15552000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Resource-Policy": "same-origin",
};
