import { z } from "zod";

/** Who may open a service's admin views; both set, or the views do not exist. */
export interface AdminCredentials {
  username: string;
  password: string;
}

interface AdminEnv {
  ADMIN_USERNAME?: string | undefined;
  ADMIN_PASSWORD?: string | undefined;
}

interface IssueSink {
  addIssue(issue: { code: "custom"; path: string[]; message: string }): void;
}

// bcrypt (the Socket.IO Admin UI's password check) reads no further than 72 bytes.
const MAX_PASSWORD_BYTES = 72;

/** The admin views' credentials, read by the gateway (Socket.IO Admin UI) and publish-api (queue board). */
export function adminEnvFields() {
  return {
    // Basic auth puts `username:password` in one header: a colon would end the username.
    ADMIN_USERNAME: z.string().regex(/^[^:\s]{1,64}$/, "1 to 64 characters, no colon or whitespace").optional(),
    ADMIN_PASSWORD: z
      .string()
      .min(12, "at least 12 characters")
      .refine((password) => Buffer.byteLength(password) <= MAX_PASSWORD_BYTES, { message: `at most ${MAX_PASSWORD_BYTES} bytes` })
      .optional(),
  };
}

/** For a schema's `superRefine`: one of the two without the other is a mistake, not "off". */
export function checkAdminCredentials(config: AdminEnv, context: IssueSink): void {
  const missing = config.ADMIN_USERNAME === undefined ? "ADMIN_USERNAME" : config.ADMIN_PASSWORD === undefined ? "ADMIN_PASSWORD" : undefined;
  if (missing && (config.ADMIN_USERNAME !== undefined || config.ADMIN_PASSWORD !== undefined)) {
    context.addIssue({ code: "custom", path: [missing], message: "set ADMIN_USERNAME and ADMIN_PASSWORD together to turn the admin views on, or neither" });
  }
}

/** The credentials when the admin views are on; undefined (the default) when they are off. */
export function adminCredentials(config: AdminEnv): AdminCredentials | undefined {
  const { ADMIN_USERNAME: username, ADMIN_PASSWORD: password } = config;
  return username !== undefined && password !== undefined ? { username, password } : undefined;
}
