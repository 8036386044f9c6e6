/**
 * The stack's functions, run as Lambda runs them: an `OktaConnector`'s own settings (environment, memory, timeout,
 * reserved concurrency; runtime/stack-functions.ts) in the isolated runtime, its API and event hook Function URL
 * (the gateway), its Lambda Invoke API, its SQS queues and their event source mappings, all on a given local AWS.
 * The sandbox is this plus an org, connections and schedules; the soak starts one per run, as a fresh deployment.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { actions } from '../functions/catalog.js';
import type { OktaConnectorProps } from '../infra/okta-connector.js';
import type { LocalAws } from './aws/index.js';
import { startGateway, type Gateway, type GatewayOptions } from './gateway.js';
import { startLocalLambda } from './lambda-endpoint.js';
import {
  createLocalRuntime,
  type FunctionSettings,
  type LocalFunction,
  type LocalRuntime,
  type LocalRuntimeOptions,
  REPO_ROOT,
} from './runtime.js';
import { stackSettings, type StackQueue } from './runtime/stack-functions.js';
import { startSqsEventSource } from './runtime/sqs-event-source.js';

export interface StackRuntimeOptions {
  aws: LocalAws;
  /** The construct's props, as a deployer would give them. */
  props: OktaConnectorProps;
  /** The table the stack's `TABLE_NAME` refers to (created by the caller). */
  tableName: string;
  /** Every function's local share over the stack's own (the AWS endpoints, local switches). */
  env: Record<string, string>;
  /** The runtime's other settings (concurrency, idle time, bundles, logs). */
  runtime?: Omit<LocalRuntimeOptions, 'env' | 'functions'>;
  /** The gateway's port and the Invoke API's (0 = any free port; the Invoke API only when `lambdaPort` is set). */
  gatewayPort?: number;
  lambdaPort?: number;
  onRequest?: GatewayOptions['onRequest'];
}

export interface StackRuntime {
  runtime: LocalRuntime;
  gateway: Gateway;
  /** The local Lambda Invoke API, when it was asked for. */
  lambdaUrl?: string;
  /** The callback URL the stack gives the OAuth functions: the gateway's. */
  oauthCallback: string;
  /** Every function of the stack (actions, OAuth, triggers), as the runtime and the Invoke API name them. */
  functions: LocalFunction[];
  /** The stack's SQS queues, created on the local SQS. */
  queues: StackQueue[];
  /** The stack's function `name` (e.g. `poll-system-log`); throws naming it when the stack has none. */
  fn(name: string): LocalFunction;
  stop(): Promise<void>;
}

/** Starts the stack's functions on `aws`; on a failure, stops what was started and rethrows. */
export async function startStackRuntime(options: StackRuntimeOptions): Promise<StackRuntime> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const next of stops.reverse()) await next().catch(() => undefined);
  };
  try {
    // Filled from the stack once the gateway's URL is known (the stack gives the OAuth functions their callback
    // URL, which is the gateway's here); the runtime reads a function's settings at its first invocation.
    const settings: Record<string, FunctionSettings> = {};
    const runtime = createLocalRuntime({ ...options.runtime, env: options.env, functions: settings });
    stops.push(() => runtime.close());
    const routes = gatewayRoutes();
    const gateway = await startGateway({ runtime, routes, port: options.gatewayPort, onRequest: options.onRequest });
    stops.push(() => gateway.close());
    const oauthCallback = `${gateway.url}/oauth/callback`;
    const { aws } = options;
    const stack = stackSettings(
      options.props,
      { TABLE_NAME: options.tableName, OAUTH_REDIRECT_URI: oauthCallback },
      (name) => aws.sqs.queueUrl(name),
    );
    Object.assign(settings, stack.functions);
    for (const queue of stack.queues) aws.sqs.createQueue(queue.name, queue);
    const functions = stackFunctionList(routes);
    let lambdaUrl: string | undefined;
    if (options.lambdaPort !== undefined) {
      const lambda = await startLocalLambda({ runtime, functions, port: options.lambdaPort });
      stops.push(() => lambda.close());
      lambdaUrl = lambda.url;
    }
    // The stack's SQS event source mappings (the event hook's hand-off queue into its publisher).
    for (const source of stack.eventSources) {
      const fn = functions.find((f) => f.entry === source.entry);
      if (!fn) throw new Error(`The stack maps a queue into ${source.entry}, which the local runtime does not run`);
      const mapping = startSqsEventSource({
        runtime,
        fn,
        source,
        queueUrl: aws.sqs.queueUrl(source.queue),
        endpoint: aws.endpoints.sqs,
      });
      stops.push(() => mapping.stop());
    }
    return {
      runtime,
      gateway,
      lambdaUrl,
      oauthCallback,
      functions,
      queues: stack.queues,
      fn: (name) => {
        const found = functions.find((f) => f.name === name);
        if (!found) throw new Error(`The stack has no function "${name}"`);
        return found;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The routes of the catalog's actions, the OAuth routes and the event hook. */
export function gatewayRoutes() {
  const oauthFiles = {
    start: 'functions/oauth/start-consent.ts',
    authorize: 'functions/oauth/authorize.ts',
    callback: 'functions/oauth/callback.ts',
  };
  const hasOauth = Object.values(oauthFiles).every((file) => existsSync(resolve(REPO_ROOT, file)));
  return {
    actions: actions.map((a) => ({ name: a.name, entry: a.entry })),
    oauth: hasOauth ? oauthFiles : undefined,
    eventHook: 'functions/triggers/event-hook.ts',
  };
}

/** Every function of the stack, for direct invokes: the actions, the OAuth functions and the triggers. */
export function stackFunctionList(routes: ReturnType<typeof gatewayRoutes>): LocalFunction[] {
  return [
    ...routes.actions,
    ...(routes.oauth
      ? [
          // What `npx okta-connector connections consent <name>` invokes.
          { name: 'oauth-start-consent', entry: routes.oauth.start },
          { name: 'oauth-authorize', entry: routes.oauth.authorize },
          { name: 'oauth-callback', entry: routes.oauth.callback },
        ]
      : []),
    { name: 'event-hook', entry: 'functions/triggers/event-hook.ts' },
    { name: 'publish-deliveries', entry: 'functions/triggers/publish-deliveries.ts' },
    { name: 'poll-system-log', entry: 'functions/triggers/poll-system-log.ts' },
    { name: 'scheduled-search', entry: 'functions/triggers/scheduled-search.ts' },
    { name: 'replay', entry: 'functions/triggers/replay.ts' },
  ];
}
