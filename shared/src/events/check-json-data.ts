/** Deepest nesting of objects and arrays accepted in `data`. */
export const MAX_DATA_DEPTH = 64;

export interface DataProblem {
  path: Array<string | number>;
  message: string;
}

/**
 * What would make a parsed JSON `data` unsafe to pass on, checked without recursion so that
 * hostile nesting cannot overflow the stack here:
 * - nesting deeper than MAX_DATA_DEPTH: zod and socket.io-parser walk data recursively, and a
 *   few thousand levels overflow their stacks;
 * - an own "__proto__" key: copying the object would drop it (so it could not be delivered as
 *   sent), and a subscriber merging it into an object of its own would have its prototype replaced.
 */
export function checkJsonData(data: unknown): DataProblem | undefined {
  const pending: Array<{ value: unknown; path: Array<string | number> }> = [{ value: data, path: [] }];
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (path.length >= MAX_DATA_DEPTH) {
      return { path, message: `data must not nest objects and arrays deeper than ${MAX_DATA_DEPTH} levels` };
    }
    if (Array.isArray(value)) {
      value.forEach((child, index) => pending.push({ value: child, path: [...path, index] }));
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(value, "__proto__")) {
      return { path: [...path, "__proto__"], message: 'objects in data must not have a "__proto__" key' };
    }
    for (const [key, child] of Object.entries(value)) pending.push({ value: child, path: [...path, key] });
  }
  return undefined;
}
