#!/usr/bin/env node
// @ts-check
// `npm run token -- --sub alice --rooms 'orders:*'`: a client token for the gateway's
// JWT_SECRET (from the environment, else the one `npm run fleet` generated). The token alone on
// stdout, so that `TOKEN=$(npm run -s token -- ...)` works; what it grants on stderr.
import { parseArgs } from "node:util";
import { CommandError, runCommand } from "./lib/command-error.mjs";
import { mintClientToken, tokenProblems } from "./lib/client-token.mjs";
import { displayPath, readFleetEnv, stateDir } from "./lib/fleet-state.mjs";
import { formatDuration, parseDuration } from "./lib/parse-duration.mjs";

const USAGE = `Usage: npm run token -- [--sub <id>] [--rooms <patterns>] [--expires <duration>] [--issuer <iss>] [--audience <aud>]

Prints a client token (HS256 JWT) that socket-server's gateways accept, signed with JWT_SECRET
from the environment, else with the secret \`npm run fleet\` wrote to .fleet/env.

  --sub <id>           the token's subject (default: dev); the client is also joined to user:<id>
  --rooms <patterns>   rooms it may subscribe to: names or prefixes ending in *, comma-separated,
                       the flag repeatable (default: none, only user:<id>); '*' = every room
  --expires <duration> 90s, 30m, 1h, 7d or seconds (default: 1h)
  --issuer <iss>       the iss claim (default: JWT_ISSUER, if set)
  --audience <aud>     the aud claim (default: JWT_AUDIENCE, if set)
  -h, --help           this text

Example:
  TOKEN=$(npm run -s token -- --sub alice --rooms 'orders:*')
`;

await runCommand("token", async () => {
  const { values } = parseArgs({
    options: {
      sub: { type: "string", default: "dev" },
      rooms: { type: "string", multiple: true, default: [] },
      expires: { type: "string", default: "1h" },
      issuer: { type: "string" },
      audience: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }

  const { secret, source } = findSecret(process.env);
  const expiresInSeconds = parseDuration(values.expires);
  if (expiresInSeconds === undefined) throw new CommandError(`invalid --expires ${JSON.stringify(values.expires)}: use 90s, 30m, 1h, 7d or seconds`, 2);
  const rooms = values.rooms.flatMap((list) => list.split(",")).map((room) => room.trim()).filter((room) => room.length > 0);
  const claims = {
    sub: values.sub,
    rooms,
    expiresInSeconds,
    issuer: values.issuer ?? (process.env.JWT_ISSUER || undefined),
    audience: values.audience ?? (process.env.JWT_AUDIENCE || undefined),
  };
  const [problem] = tokenProblems(secret, claims);
  if (problem) throw new CommandError(problem, 2);

  const token = await mintClientToken(secret, claims);
  const expiresAt = new Date((Math.floor(Date.now() / 1000) + expiresInSeconds) * 1000).toISOString().replace(".000Z", "Z");
  const granted = rooms.length > 0 ? `rooms ${rooms.join(", ")}` : "no rooms";
  const checked = [claims.issuer && `issuer ${claims.issuer}`, claims.audience && `audience ${claims.audience}`].filter(Boolean);
  process.stderr.write(
    `token for sub ${claims.sub}: ${granted} (and user:${claims.sub}); expires ${expiresAt} (in ${formatDuration(expiresInSeconds)})` +
      `${checked.length > 0 ? `; ${checked.join(", ")}` : ""}; signed with JWT_SECRET from ${source}\n`,
  );
  process.stdout.write(`${token}\n`);
});

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ secret: string, source: string }}
 */
function findSecret(env) {
  if (env.JWT_SECRET) return { secret: env.JWT_SECRET, source: "the environment" };
  const dir = stateDir(env);
  const fleet = readFleetEnv(dir);
  if (fleet?.JWT_SECRET) return { secret: fleet.JWT_SECRET, source: `${displayPath(dir)}/env` };
  throw new CommandError(
    `no JWT_SECRET: set it to the gateways' secret (at least 32 characters), or start \`npm run fleet\`, which writes one to ${displayPath(dir)}/env`,
    2,
  );
}
