/**
 * The secret-leak check every test file runs under (installed by `leak-check.ts` from `test/setup.ts`): a registry
 * of the secrets the tests use, and a capture of everything that leaves the code as text (stdout and stderr
 * writes, console calls, CONTRACT error bodies, entries on the local EventBridge bus), each searched for each
 * registered secret. A finding names the secret's label and where it appeared, never the secret itself.
 *
 * Secrets register themselves through the shared places: every simulated org (`watchSim`: its API token, the OAuth
 * clients' secrets, every access, refresh and ID token its token endpoint hands out) and every local AWS
 * (`watchLocalAws`: every connection secret put in its Secrets Manager: API tokens, private keys, client secrets,
 * refresh tokens, event hook secrets; and every entry published on its bus). Tests may add their own with
 * `registerSecret`.
 *
 * Cheap by design: a text is scanned once when captured (a handful of `includes`) and kept, up to a budget, so a
 * secret registered later is searched for in what came before.
 */

export interface Leak {
  /** What the secret is (e.g. `sim api token`), never its value. */
  label: string;
  /** Where it appeared: `stdout`, `stderr`, `console.error`, `error body`, `event bus`... */
  where: string;
  /** The text around it, with the secret itself masked. */
  excerpt: string;
}

/** Shorter strings (ids, flags) would match by chance; no secret the tests use is this short. */
const MIN_SECRET_LENGTH = 12;
/** How much captured text is kept for secrets registered after it (then only new text is scanned). */
const KEPT_TEXT_BUDGET = 64 * 1024 * 1024;

const secrets = new Map<string, string>();
const kept: Array<{ where: string; text: string }> = [];
let keptBytes = 0;
const leaks: Leak[] = [];
const capturedByWhere = new Map<string, number>();
let muted = false;

/** Adds a secret to look for (ignored when too short to be told from ordinary text). */
export function registerSecret(value: unknown, label: string): void {
  if (typeof value !== 'string') return;
  const secret = value.trim();
  if (secret.length < MIN_SECRET_LENGTH || secrets.has(secret)) return;
  secrets.set(secret, label);
  for (const { where, text } of kept) scanFor(secret, label, where, text);
}

/**
 * Registers the secrets of a PEM or JWK private key: each base64 line of a PEM body (a log that printed a key
 * would print its lines), or the private members of a JWK.
 */
export function registerPrivateKey(key: unknown, label: string): void {
  if (typeof key === 'string') {
    if (key.trim().startsWith('{')) {
      try {
        registerPrivateKey(JSON.parse(key), label);
      } catch {
        registerSecret(key, label);
      }
      return;
    }
    for (const line of key.split(/\r?\n/)) if (!line.startsWith('-----')) registerSecret(line, `${label} (PEM line)`);
    return;
  }
  if (typeof key === 'object' && key !== null) {
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])
      registerSecret((key as Record<string, unknown>)[member], `${label} (JWK ${member})`);
  }
}

/** Registers every secret of a connection secret (docs/CONTRACT.md §4), given as JSON text or an object. */
export function registerConnectionSecret(secret: unknown, name: string): void {
  let value = secret;
  if (typeof secret === 'string') {
    try {
      value = JSON.parse(secret);
    } catch {
      return;
    }
  }
  if (typeof value !== 'object' || value === null) return;
  const connection = value as Record<string, unknown>;
  const auth = (typeof connection.auth === 'object' && connection.auth !== null ? connection.auth : {}) as Record<
    string,
    unknown
  >;
  registerSecret(auth.token, `${name}: api token`);
  registerSecret(auth.clientSecret, `${name}: client secret`);
  registerSecret(auth.refreshToken, `${name}: refresh token`);
  registerPrivateKey(auth.privateKey, `${name}: private key`);
  registerSecret(connection.eventHookSecret, `${name}: event hook secret`);
  registerSecret(connection.previousEventHookSecret, `${name}: previous event hook secret`);
}

/** Searches one captured text for every registered secret, and keeps it (within the budget) for later ones. */
export function captureText(where: string, text: string): void {
  if (text.length === 0) return;
  capturedByWhere.set(where, (capturedByWhere.get(where) ?? 0) + 1);
  for (const [secret, label] of secrets) scanFor(secret, label, where, text);
  if (keptBytes + text.length <= KEPT_TEXT_BUDGET) {
    kept.push({ where, text });
    keptBytes += text.length;
  }
}

/** How many texts were captured from `where` (`stdout`, `error body`, `event bus`...). */
export function capturedCount(where: string): number {
  return capturedByWhere.get(where) ?? 0;
}

/** While muted, captured output is not printed too (a test that turns every log line on). */
export function muteOutput(value: boolean): void {
  muted = value;
}

/** Whether captured output is printed too. */
export function isOutputMuted(): boolean {
  return muted;
}

/** What was found so far. */
export function findLeaks(): Leak[] {
  return [...leaks];
}

/** How many secrets are registered (tests of the check itself). */
export function registeredSecretCount(): number {
  return secrets.size;
}

/** Whether a value is registered (tests of the check itself). */
export function isRegisteredSecret(value: string): boolean {
  return secrets.has(value.trim());
}

function scanFor(secret: string, label: string, where: string, text: string): void {
  leaks.push(...scanText(where, text, new Map([[secret, label]])));
}

/** The leaks of `secrets` (value to label) in one text, each with the secret masked in its excerpt. */
export function scanText(where: string, text: string, candidates: ReadonlyMap<string, string>): Leak[] {
  const found: Leak[] = [];
  for (const [secret, label] of candidates) {
    const at = text.indexOf(secret);
    if (at < 0) continue;
    const excerpt = text
      .slice(Math.max(0, at - 60), at + secret.length + 60)
      .split(secret)
      .join('[the secret]');
    found.push({ label, where, excerpt });
  }
  return found;
}

/** The parts of a simulated org the registry watches (structural, so this file does not import the sim). */
interface WatchedSim {
  apiToken: string;
  control: {
    oauthClients(): Array<{ clientSecret?: string }>;
    registerOAuthClient(input: never): { clientSecret?: string };
  };
  observe(listener: (req: { path: string }, res: { body?: unknown }) => void): () => void;
}

/** Registers a simulated org's API token, its OAuth clients' secrets and every token it issues. */
export function watchSim<T extends WatchedSim>(sim: T): T {
  registerSecret(sim.apiToken, 'sim api token');
  for (const client of sim.control.oauthClients()) registerSecret(client.clientSecret, 'sim oauth client secret');
  const register = sim.control.registerOAuthClient.bind(sim.control);
  sim.control.registerOAuthClient = (input: never) => {
    const client = register(input);
    registerSecret(client.clientSecret, 'sim oauth client secret');
    return client;
  };
  sim.observe((req, res) => {
    if (!req.path.startsWith('/oauth2/') || typeof res.body !== 'object' || res.body === null) return;
    const body = res.body as Record<string, unknown>;
    registerSecret(body.access_token, 'access token issued by the sim');
    registerSecret(body.refresh_token, 'refresh token issued by the sim');
    registerSecret(body.id_token, 'id token issued by the sim');
  });
  return sim;
}

/** The parts of the local AWS the registry watches. */
interface WatchedAws {
  secrets: { put(name: string, value: string | object): void };
  eventBridge: { onEntry(listener: (entry: { Detail: string; DetailType: string }) => void): () => void };
}

/** Registers every connection secret put in the local Secrets Manager, and captures every entry put on the bus. */
export function watchLocalAws<T extends WatchedAws>(aws: T): T {
  const put = aws.secrets.put.bind(aws.secrets);
  aws.secrets.put = (name, value) => {
    registerConnectionSecret(value, name);
    put(name, value);
  };
  aws.eventBridge.onEntry((entry) => captureText('event bus', `${entry.DetailType} ${entry.Detail}`));
  return aws;
}
