import type { ServiceProcess } from "./service-process.js";
import { waitUntil } from "./wait-until.js";

/** POSTs JSON to a publish API route with a bearer key, as a backend would. */
export function postJson(baseUrl: string, path: string, key: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Waits until every service answers /ready with 200 (for a gateway: subscribed to Redis). */
export async function waitForReady(services: ServiceProcess[]): Promise<void> {
  for (const service of services) {
    await waitUntil(async () => (await fetch(`${service.url}/ready`)).ok, { what: `${service.name} /ready` });
  }
}
