/** The message was not taken; the caller may retry after `retryAfterSeconds`. */
export class PublishUnavailableError extends Error {
  readonly retryAfterSeconds: number;

  constructor(message: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "PublishUnavailableError";
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }
}
