import type * as OpenApi from '@alicloud/openapi-client';
import type { RuntimeOptions } from '@alicloud/tea-util';
import { VERSION } from '../../version.js';
import type { AlibabaCredential } from './credentials.js';

export const ACTIONTRAIL_VERSION = '2020-07-06';
export const STS_VERSION = '2015-04-01';
/**
 * Said explicitly, not left to the client's default: Signature V3 (ACS3-HMAC-SHA256) signs the
 * host, every x-acs-* header and the body hash, where the old V1 (HMAC-SHA1) signed the query only.
 */
export const SIGNATURE_ALGORITHM = 'ACS3-HMAC-SHA256';

export interface Endpoint {
  protocol: 'http' | 'https';
  /** host[:port], as the client puts it in the Host header it signs. */
  host: string;
}

export function endpointOf(url: string | undefined, defaultHost: string): Endpoint {
  if (!url) return { protocol: 'https', host: defaultHost };
  const u = new URL(url);
  return { protocol: u.protocol === 'http:' ? 'http' : 'https', host: u.host };
}

/** One signed RPC call; the answer's JSON body. */
export type RpcCall = (action: string, version: string, query: Record<string, string>, signal?: AbortSignal) => Promise<any>;

// A CommonJS module seen from NodeNext: its default export sits one `default` further down.
type OpenApiClient = (typeof OpenApi)['default']['default'];

interface Sdk {
  Client: OpenApiClient;
  Config: typeof OpenApi.Config;
  Params: typeof OpenApi.Params;
  OpenApiRequest: typeof OpenApi.OpenApiRequest;
  RuntimeOptions: typeof RuntimeOptions;
}

/**
 * The official generic client, loaded on first use. CommonJS: Node hands it over as `default`
 * (module.exports, whose own `default` is the class); a bundle may already unwrap it.
 */
export async function loadSdk(): Promise<Sdk> {
  const [api, util]: any[] = await Promise.all([import('@alicloud/openapi-client'), import('@alicloud/tea-util')]);
  const ns = typeof api.default === 'function' ? api : api.default;
  return {
    Client: typeof api.default === 'function' ? api.default : api.default.default,
    Config: api.Config ?? ns.Config,
    Params: api.Params ?? ns.Params,
    OpenApiRequest: api.OpenApiRequest ?? ns.OpenApiRequest,
    RuntimeOptions: util.RuntimeOptions ?? util.default.RuntimeOptions,
  };
}

/** A reader that stops must not wait for a request in flight: the answer is dropped instead. */
function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A client for one endpoint and key pair. The client's own retries are off (autoretry false):
 * retries go through our limiter, so each attempt is paced and counted.
 */
export function rpcClient(sdk: Sdk, endpoint: Endpoint, cred: AlibabaCredential, timeoutMs: number): RpcCall {
  const client = new sdk.Client(
    new sdk.Config({
      accessKeyId: cred.accessKeyId,
      accessKeySecret: cred.accessKeySecret,
      securityToken: cred.securityToken,
      endpoint: endpoint.host,
      protocol: endpoint.protocol,
      signatureAlgorithm: SIGNATURE_ALGORITHM,
      readTimeout: timeoutMs,
      connectTimeout: timeoutMs,
      userAgent: `cloudaudit-watch/${VERSION}`,
    }),
  );
  const runtime = new sdk.RuntimeOptions({ autoretry: false, maxAttempts: 1, readTimeout: timeoutMs, connectTimeout: timeoutMs });
  return async (action, version, query, signal) => {
    const params = new sdk.Params({
      action,
      version,
      protocol: endpoint.protocol.toUpperCase(),
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    });
    // Parameters in the query, as the generated ActionTrail client sends them: V3 signs the canonical query.
    // The client reads the runtime's fields only; its own tea-util copy types them as another class.
    const res = await abortable(client.callApi(params, new sdk.OpenApiRequest({ query }), runtime as any), signal);
    return res?.body;
  };
}
