import { ClientError } from "./client-error.js";
import type { MessageHandler, SubscribeOptions, Subscription, UnrecoverableInfo } from "./types.js";
import type { DeliveryMeta, RoomPosition } from "./wire.js";

/** What the room registry holds of one `subscribe` call. */
export interface SubscriptionHandle {
  readonly subscription: Subscription;
  readonly closed: boolean;
  deliver(data: unknown, meta: DeliveryMeta, event: string): void;
  unrecoverable(info: UnrecoverableInfo): void;
  ready(): void;
  /** Closes it; `error` rejects a `ready` still pending. */
  close(error: ClientError): void;
}

export interface HandleDeps {
  room: string;
  handler: MessageHandler<never>;
  options: SubscribeOptions;
  position: () => RoomPosition | undefined;
  unsubscribe: (handle: SubscriptionHandle) => void;
}

export function createSubscriptionHandle({ room, handler, options, position, unsubscribe }: HandleDeps): SubscriptionHandle {
  let closed = false;
  let settle: { resolve: () => void; reject: (error: ClientError) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // Nobody has to await `ready`: an unobserved rejection must not crash a Node process.
  ready.catch(() => {});

  const subscription: Subscription = {
    room,
    get position() {
      return position();
    },
    ready,
    get closed() {
      return closed;
    },
    unsubscribe() {
      if (closed) return;
      handle.close(new ClientError("closed", "unsubscribed before the gateway answered", { retryable: false, room }));
      unsubscribe(handle);
    },
  };

  const handle: SubscriptionHandle = {
    subscription,
    get closed() {
      return closed;
    },
    deliver(data, meta, event) {
      if (!closed) guarded(() => (handler as MessageHandler)(data, meta, event));
    },
    unrecoverable(info) {
      if (!closed && options.onUnrecoverable) guarded(() => options.onUnrecoverable!(info));
    },
    ready() {
      settle?.resolve();
    },
    close(error) {
      closed = true;
      settle?.reject(error);
    },
  };
  return handle;
}

/**
 * An application callback that throws is its own bug, and surfaces like any uncaught error;
 * but thrown from here it would skip the room's other handlers and unwind socket.io-client's
 * packet handling, so it is rethrown on its own turn.
 */
function guarded(callback: () => void): void {
  try {
    callback();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
