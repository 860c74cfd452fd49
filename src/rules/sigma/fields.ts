import { checkFieldPath } from '../fields.js';
import { isMap, type SigmaIssue } from './yaml.js';

// What a Sigma rule's names mean here: its field names, and the log sources it may be written for.

/**
 * Sigma field names that have a portable field on the normalized event. Each of these means
 * the same on every trail, while the provider's record spells or types it differently
 * (CloudAudit's `errorCode` is 0 on success and the API's code sits in `apiErrorCode`;
 * ActionTrail has no `awsRegion`). Every other name is read from the provider's original
 * record (`raw.<name>`), where CloudAudit, ActionTrail and CloudTrail share the CloudTrail
 * layout: `eventSource`, `userIdentity.arn`, `requestParameters.*`, ...
 */
export const SIGMA_FIELD_MAP: Readonly<Record<string, string>> = {
  eventName: 'name',
  sourceIPAddress: 'sourceIp',
  errorCode: 'error.code',
  errorMessage: 'error.message',
  'userIdentity.type': 'actor.type',
  'userIdentity.accessKeyId': 'actor.accessKeyId',
  userAgent: 'userAgent',
  awsRegion: 'region',
};

/** The native path of a Sigma field, or what is wrong with the name. */
export function nativeField(sigmaField: string): { path: string } | { problem: string } {
  const path = SIGMA_FIELD_MAP[sigmaField] ?? `raw.${sigmaField}`;
  const problem = checkFieldPath(path);
  return problem ? { problem: `invalid field name ${JSON.stringify(sigmaField)}` } : { path };
}

/**
 * The trails this tool reads. Their records share CloudTrail's field names, so a rule for one
 * is run on every provider's events rather than filtered to its product; a rule for another
 * log source (windows, linux, azure, ...) could never match and is an error, not a silent no-op.
 */
export const SIGMA_PRODUCTS = ['aws', 'tencentcloud', 'alibabacloud', 'alibaba', 'aliyun'];
const LOGSOURCE_KEYS = ['product', 'service', 'definition'];

/** product, service and definition are accepted; only cloud audit trails' products. */
export function checkLogsource(logsource: unknown, issues: SigmaIssue[]): void {
  if (logsource === undefined) return;
  if (!isMap(logsource)) return void issues.push({ path: ['logsource'], message: 'logsource must be a map' });
  for (const key of Object.keys(logsource)) {
    if (key === 'category') issues.push({ path: ['logsource', key], message: `logsource category ${JSON.stringify(logsource[key])} is not a cloud audit trail; this tool reads only ${SIGMA_PRODUCTS.join(', ')}` });
    else if (!LOGSOURCE_KEYS.includes(key)) issues.push({ path: ['logsource', key], onKey: true, message: `unknown logsource key "${key}" (keys: ${LOGSOURCE_KEYS.join(', ')})` });
  }
  const product = logsource.product;
  if (product !== undefined && !(typeof product === 'string' && SIGMA_PRODUCTS.includes(product.toLowerCase()))) {
    issues.push({ path: ['logsource', 'product'], message: `logsource product ${JSON.stringify(product)} is not a cloud audit trail this tool reads (${SIGMA_PRODUCTS.join(', ')})` });
  }
}
