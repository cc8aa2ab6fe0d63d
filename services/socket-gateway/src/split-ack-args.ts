/** The ack is the last argument when it is a function; a client may omit it. */
export function splitAckArgs<A>(args: unknown[]): [unknown, (result: A) => void] {
  const last = args[args.length - 1];
  if (typeof last === "function") return [args.length > 1 ? args[0] : undefined, last as (result: A) => void];
  return [args[0], () => {}];
}
