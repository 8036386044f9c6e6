/**
 * A local Secrets Manager endpoint over the AWS JSON 1.1 protocol: `CreateSecret`, `PutSecretValue`,
 * `GetSecretValue`, `DescribeSecret` and `ListSecrets`, with version ids, the `AWSCURRENT`/`AWSPREVIOUS` staging
 * labels and AWS's error codes, so the connector's real `SecretsManagerClient` runs against it unchanged.
 */
import { AwsError, epochSeconds, startJsonProtocolServer } from './json-protocol.js';

interface SecretVersion {
  versionId: string;
  secretString?: string;
  secretBinary?: string;
  stages: string[];
  createdDate: Date;
}

interface Secret {
  name: string;
  arn: string;
  description?: string;
  createdDate: Date;
  lastChangedDate: Date;
  versions: SecretVersion[];
}

export interface LocalSecretsManager {
  url: string;
  /** Creates the secret, or puts a new `AWSCURRENT` version; objects are stored as JSON. */
  put: (name: string, value: string | object) => void;
  /** The `AWSCURRENT` string value of a secret, or undefined when there is none. */
  get: (name: string) => string | undefined;
  /** How many versions were ever written to a secret (`CreateSecret` with a value, `PutSecretValue`, `put`). */
  versionsWritten: (name: string) => number;
  /** How many `GetSecretValue` calls named this secret (found or not). */
  reads: (name: string) => number;
  /** Makes `GetSecretValue` of this secret answer `AccessDeniedException`, as IAM does outside a role's ARNs. */
  denyReads: (name: string) => void;
  /**
   * The next `count` `PutSecretValue` calls on secret `name` are held: never stored and never answered, as when
   * the writer's container dies between its request and AWS's answer. `onHeld` hears each one as it arrives.
   */
  holdWrites: (name: string, count: number, onHeld?: () => void) => void;
  close: () => Promise<void>;
}

const REGION = 'us-east-1';
const ACCOUNT_ID = '000000000000';

/** Starts the local Secrets Manager endpoint on 127.0.0.1:`port` (0 = any free port). */
export async function startLocalSecretsManager(port = 0): Promise<LocalSecretsManager> {
  const secrets = new Map<string, Secret>();
  // Versions without a staging label are dropped below (AWS deprecates them too), so the count is kept apart.
  const written = new Map<string, number>();
  const reads = new Map<string, number>();
  const denied = new Set<string>();

  const find = (secretId: unknown): Secret => {
    if (typeof secretId !== 'string' || secretId === '') {
      throw new AwsError('InvalidParameterException', 'You must provide a value for the SecretId parameter.');
    }
    const secret = secrets.get(secretId) ?? [...secrets.values()].find((s) => s.arn === secretId);
    if (!secret) throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  };

  const addVersion = (secret: Secret, input: Record<string, unknown>): SecretVersion => {
    const value = secretValueOf(input);
    const versionId = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : crypto.randomUUID();
    const existing = secret.versions.find((v) => v.versionId === versionId);
    if (existing) {
      // A retried request with the same token is idempotent; a different value under it is refused.
      if (existing.secretString === value.secretString && existing.secretBinary === value.secretBinary) return existing;
      throw new AwsError(
        'ResourceExistsException',
        "You can't modify an existing version, you can only create a new version.",
      );
    }
    const stages = Array.isArray(input.VersionStages) ? input.VersionStages.map(String) : ['AWSCURRENT'];
    if (stages.includes('AWSCURRENT')) {
      for (const version of secret.versions) version.stages = version.stages.filter((s) => s !== 'AWSPREVIOUS');
      const current = secret.versions.find((v) => v.stages.includes('AWSCURRENT'));
      if (current) current.stages = [...current.stages.filter((s) => s !== 'AWSCURRENT'), 'AWSPREVIOUS'];
    }
    for (const version of secret.versions)
      version.stages = version.stages.filter((s) => s === 'AWSPREVIOUS' || !stages.includes(s));
    const version: SecretVersion = { versionId, ...value, stages, createdDate: new Date() };
    written.set(secret.name, (written.get(secret.name) ?? 0) + 1);
    secret.versions.push(version);
    secret.versions = secret.versions.filter((v) => v.stages.length > 0);
    secret.lastChangedDate = version.createdDate;
    return version;
  };

  const createSecret = (input: Record<string, unknown>) => {
    const name = input.Name;
    if (typeof name !== 'string' || name === '') {
      throw new AwsError('InvalidParameterException', 'You must provide a value for the Name parameter.');
    }
    if (secrets.has(name))
      throw new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    const now = new Date();
    const secret: Secret = {
      name,
      arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:${name}-${randomSuffix()}`,
      description: typeof input.Description === 'string' ? input.Description : undefined,
      createdDate: now,
      lastChangedDate: now,
      versions: [],
    };
    const hasValue = input.SecretString !== undefined || input.SecretBinary !== undefined;
    const version = hasValue ? addVersion(secret, input) : undefined;
    secrets.set(name, secret);
    return { ARN: secret.arn, Name: name, ...(version ? { VersionId: version.versionId } : {}) };
  };

  const putSecretValue = (input: Record<string, unknown>) => {
    const secret = find(input.SecretId);
    const version = addVersion(secret, input);
    return { ARN: secret.arn, Name: secret.name, VersionId: version.versionId, VersionStages: version.stages };
  };

  const getSecretValue = (input: Record<string, unknown>) => {
    if (typeof input.SecretId === 'string') {
      reads.set(input.SecretId, (reads.get(input.SecretId) ?? 0) + 1);
      if (denied.has(input.SecretId)) {
        throw new AwsError(
          'AccessDeniedException',
          `User is not authorized to perform: secretsmanager:GetSecretValue on resource: ${input.SecretId}`,
        );
      }
    }
    const secret = find(input.SecretId);
    const stage = typeof input.VersionStage === 'string' ? input.VersionStage : undefined;
    const version =
      typeof input.VersionId === 'string'
        ? secret.versions.find(
            (v) => v.versionId === input.VersionId && (stage === undefined || v.stages.includes(stage)),
          )
        : secret.versions.find((v) => v.stages.includes(stage ?? 'AWSCURRENT'));
    if (!version) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for ${typeof input.VersionId === 'string' ? `VersionId: ${input.VersionId}` : `staging label: ${stage ?? 'AWSCURRENT'}`}`,
      );
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      ...(version.secretString !== undefined ? { SecretString: version.secretString } : {}),
      ...(version.secretBinary !== undefined ? { SecretBinary: version.secretBinary } : {}),
      VersionStages: version.stages,
      CreatedDate: epochSeconds(version.createdDate),
    };
  };

  const describe = (secret: Secret) => ({
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description !== undefined ? { Description: secret.description } : {}),
    CreatedDate: epochSeconds(secret.createdDate),
    LastChangedDate: epochSeconds(secret.lastChangedDate),
  });
  const versionsToStages = (secret: Secret) => Object.fromEntries(secret.versions.map((v) => [v.versionId, v.stages]));

  const describeSecret = (input: Record<string, unknown>) => {
    const secret = find(input.SecretId);
    return { ...describe(secret), VersionIdsToStages: versionsToStages(secret) };
  };

  const listSecrets = (input: Record<string, unknown>) => {
    const maxResults = typeof input.MaxResults === 'number' ? input.MaxResults : 100;
    if (maxResults < 1 || maxResults > 100) {
      throw new AwsError('InvalidParameterException', 'MaxResults must be between 1 and 100.');
    }
    const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
    if (!Number.isInteger(start) || start < 0)
      throw new AwsError('InvalidNextTokenException', 'The NextToken value is not valid.');
    const matching = [...secrets.values()]
      .filter((secret) => matchesFilters(secret, input.Filters))
      .sort((a, b) => a.createdDate.getTime() - b.createdDate.getTime());
    const page = matching.slice(start, start + maxResults);
    const next = start + maxResults < matching.length ? String(start + maxResults) : undefined;
    return {
      SecretList: page.map((secret) => ({ ...describe(secret), SecretVersionsToStages: versionsToStages(secret) })),
      ...(next ? { NextToken: next } : {}),
    };
  };

  const held = new Map<string, { count: number; onHeld: () => void }>();
  const putOrHold = (input: Record<string, unknown>) => {
    const secret = find(input.SecretId);
    const hold = held.get(secret.name);
    if (!hold || hold.count === 0) return putSecretValue(input);
    hold.count -= 1;
    hold.onHeld();
    return new Promise<never>(() => undefined);
  };

  const running = await startJsonProtocolServer(
    {
      targetPrefix: 'secretsmanager',
      operations: {
        CreateSecret: createSecret,
        PutSecretValue: putOrHold,
        GetSecretValue: getSecretValue,
        DescribeSecret: describeSecret,
        ListSecrets: listSecrets,
      },
    },
    port,
  );

  return {
    url: running.url,
    put(name, value) {
      const secretString = typeof value === 'string' ? value : JSON.stringify(value);
      if (secrets.has(name)) putSecretValue({ SecretId: name, SecretString: secretString });
      else createSecret({ Name: name, SecretString: secretString });
    },
    get(name) {
      return secrets.get(name)?.versions.find((v) => v.stages.includes('AWSCURRENT'))?.secretString;
    },
    versionsWritten: (name) => written.get(name) ?? 0,
    reads: (name) => reads.get(name) ?? 0,
    denyReads: (name) => void denied.add(name),
    holdWrites(name, count, onHeld = () => undefined) {
      held.set(name, { count, onHeld });
    },
    close: running.close,
  };
}

function secretValueOf(input: Record<string, unknown>): { secretString?: string; secretBinary?: string } {
  const hasString = typeof input.SecretString === 'string';
  const hasBinary = typeof input.SecretBinary === 'string';
  if (hasString && hasBinary) {
    throw new AwsError('InvalidRequestException', "You can't specify both SecretString and SecretBinary.");
  }
  if (!hasString && !hasBinary)
    throw new AwsError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
  return hasString ? { secretString: input.SecretString as string } : { secretBinary: input.SecretBinary as string };
}

/** ListSecrets filters: `name` and `description` are case-insensitive prefix matches, `all` matches either. */
function matchesFilters(secret: Secret, filters: unknown): boolean {
  if (!Array.isArray(filters)) return true;
  return filters.every((filter: { Key?: string; Values?: string[] }) => {
    const values = (filter.Values ?? []).map((v) => v.toLowerCase());
    const fields =
      filter.Key === 'name'
        ? [secret.name]
        : filter.Key === 'description'
          ? [secret.description ?? '']
          : [secret.name, secret.description ?? ''];
    return values.some((value) => fields.some((field) => field.toLowerCase().startsWith(value)));
  });
}

function randomSuffix(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from({ length: 6 }, () => letters[Math.floor(Math.random() * letters.length)]).join('');
}
