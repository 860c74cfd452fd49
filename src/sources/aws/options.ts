import * as z from 'zod';
import { apiCallFields, endpointSchema, sourceCommonFields } from '../common.js';

/** CloudTrail's LookupEvents quota: 2 calls per second per account and region. */
export const CLOUDTRAIL_MAX_RPS = 2;
/** Up to this many eventNames are pushed down (one listing each); more are filtered here. */
export const MAX_PUSHED_NAMES = 5;

const keysSchema = z
  .strictObject({
    accessKeyId: z.string().min(1).describe('The access key id (AKIA... or ASIA...). Prefer ${AWS_ACCESS_KEY_ID} to writing it here.'),
    secretAccessKey: z.string().min(1).describe('The secret access key. Prefer ${AWS_SECRET_ACCESS_KEY}: never commit it.'),
    sessionToken: z.string().min(1).optional().describe('Session token, for temporary (STS) keys only (ASIA...).'),
  })
  .describe('Keys given in the config (use ${VAR} to take them from the environment).');

const credentialsSchema = z
  .union([z.literal('auto'), keysSchema])
  .describe(
    "Where the keys come from. auto (default): AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, then the AWS SDK's default chain (profiles in ~/.aws, SSO, web identity, ECS or EC2 instance roles); or { accessKeyId, secretAccessKey, sessionToken }.",
  );


// A region is part of the partition name (aws/<account>/<region>) and of the endpoint host, so only its usual spelling is accepted.
const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, { message: 'expected an AWS region such as us-east-1' })
  .describe('An AWS region, e.g. us-east-1.');

/** The `sources:` entry for AWS CloudTrail. Only the options; the SDK is loaded on create. */
export const awsOptions = z
  .strictObject({
    provider: z.literal('aws').describe('aws: AWS CloudTrail management events, through LookupEvents (the last 90 days).'),
    regions: z
      .array(regionSchema)
      .min(1)
      .refine((list) => new Set(list).size === list.length, { message: 'a region is listed twice' })
      .default(['us-east-1'])
      .describe(
        'Regions to list, each its own partition (aws/<account>/<region>) with its own checkpoint and rate limit. Sign-ins and other global events are recorded in us-east-1. Default [us-east-1].',
      ),
    credentials: credentialsSchema.default('auto'),
    account: z
      .string()
      .regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id' })
      .optional()
      .describe(
        'The 12-digit account the keys belong to, used in partition names. Default: asked once from STS GetCallerIdentity when the source opens (which needs no permission); set it to skip that call.',
      ),
    endpoint: endpointSchema(
      'scheme://host[:port] to call instead of https://cloudtrail.<region>.amazonaws.com (a VPC endpoint, a proxy, or the local emulator); also used for STS unless stsEndpoint is given.',
    ).optional(),
    stsEndpoint: endpointSchema('scheme://host[:port] for STS GetCallerIdentity, instead of endpoint or the regional STS endpoint.').optional(),
    eventNames: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        `Only these event names (e.g. [ConsoleLogin, StopLogging]). LookupEvents takes one name per request, so up to ${MAX_PUSHED_NAMES} names are asked for one by one; with more, every event is listed and filtered here, which costs fewer requests. Default: all events.`,
      ),
    maxRequestsPerSecond: z
      .number()
      .positive()
      .max(CLOUDTRAIL_MAX_RPS)
      .default(CLOUDTRAIL_MAX_RPS)
      .describe(
        `LookupEvents calls per second in each region, paced 5% under it. Default and most ${CLOUDTRAIL_MAX_RPS}: CloudTrail allows ${CLOUDTRAIL_MAX_RPS} per account and region.`,
      ),
    ...apiCallFields,
    ...sourceCommonFields,
  })
  .describe('Events from AWS CloudTrail (LookupEvents), through the official AWS SDK.');

export type AwsOptions = z.output<typeof awsOptions>;
