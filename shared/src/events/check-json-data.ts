/** Deepest nesting of objects and arrays accepted in `data`. */
export const MAX_DATA_DEPTH = 64;

export interface DataProblem {
  path: Array<string | number>;
  message: string;
}

interface Pending {
  value: unknown;
  depth: number;
  /** How to name where this value sits, built only when a problem is found. */
  parent: Pending | undefined;
  key: string | number;
}

/**
 * What would make `data` unsafe or impossible to pass on as JSON, checked in one walk without
 * recursion (hostile nesting cannot overflow the stack here) and without copying:
 * - a value JSON cannot carry (undefined, a function, a bigint, NaN...): a schema caller that
 *   did not get `data` from JSON.parse must not slip one through;
 * - nesting deeper than MAX_DATA_DEPTH: socket.io-parser and msgpack walk data recursively,
 *   and a few thousand levels overflow their stacks;
 * - an own "__proto__" key: copying the object would drop it (so it could not be delivered as
 *   sent), and a subscriber merging it into an object of its own would have its prototype replaced.
 */
export function checkJsonData(data: unknown): DataProblem | undefined {
  const pending: Pending[] = [{ value: data, depth: 0, parent: undefined, key: "" }];
  while (pending.length > 0) {
    const entry = pending.pop()!;
    const { value } = entry;
    if (value === null || typeof value === "string" || typeof value === "boolean") continue;
    if (typeof value === "number") {
      if (Number.isFinite(value)) continue;
      return problemAt(entry, "numbers in data must be finite");
    }
    if (typeof value !== "object") return problemAt(entry, `data must be JSON: ${typeof value} is not`);
    if (entry.depth >= MAX_DATA_DEPTH) {
      return problemAt(entry, `data must not nest objects and arrays deeper than ${MAX_DATA_DEPTH} levels`);
    }
    const depth = entry.depth + 1;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) pending.push({ value: value[index], depth, parent: entry, key: index });
      continue;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return problemAt(entry, "objects in data must be plain JSON objects");
    if (Object.prototype.hasOwnProperty.call(value, "__proto__")) {
      return problemAt({ value: undefined, depth, parent: entry, key: "__proto__" }, 'objects in data must not have a "__proto__" key');
    }
    for (const key in value) pending.push({ value: (value as Record<string, unknown>)[key], depth, parent: entry, key });
  }
  return undefined;
}

function problemAt(entry: Pending, message: string): DataProblem {
  const path: Array<string | number> = [];
  for (let at: Pending | undefined = entry; at?.parent !== undefined; at = at.parent) path.unshift(at.key);
  return { path, message };
}
