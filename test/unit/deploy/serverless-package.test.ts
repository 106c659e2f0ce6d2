/**
 * Packages serverless.yml offline (no AWS credentials, output in a temporary folder) and checks what would be
 * deployed: the IAM grants, the function URLs' auth, the maintenance schedule, the bucket's protections, the
 * runtime, and that the zipped bundle's handlers load in Node and answer requests.
 *
 * The functions are packaged for the host's CPU so the bundle's native addons load here; serverless.yml's
 * default (arm64) is checked separately.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerDefaults, storeDefaults } from '../../../sdk/config.js';
import { resolveIntrinsics, type TemplateValues } from '../../helpers/cloudformation-values.js';
import { readZip } from '../../helpers/read-zip.js';

const execFileAsync = promisify(execFile);

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const serverlessBin = join(repoRoot, 'node_modules', 'osls', 'bin', 'serverless.js');

const STAGE = 'ci';
const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const BUCKET = 'klog-ci-bucket';
const PREFIX = 'klog';
const SCHEDULE = 'rate(7 minutes)';
const ARCHITECTURE = process.arch === 'arm64' ? 'arm64' : 'x86_64';
const URL_FUNCTIONS = ['Produce', 'Fetch', 'Admin', 'Group'];
const ALL_FUNCTIONS = [...URL_FUNCTIONS, 'Maintenance'];

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const templateValues: TemplateValues = {
  refs: {
    KlogBucket: BUCKET,
    ServerlessDeploymentBucket: 'serverless-deployment-bucket',
    'AWS::Partition': 'aws',
    'AWS::Region': REGION,
    'AWS::AccountId': ACCOUNT,
    'AWS::NoValue': '',
  },
  attributes: {
    'KlogBucket.Arn': `arn:aws:s3:::${BUCKET}`,
    ...Object.fromEntries(
      ALL_FUNCTIONS.map((name) => [
        `${name}LambdaFunction.Arn`,
        `arn:aws:lambda:${REGION}:${ACCOUNT}:function:klog-${STAGE}-${name.toLowerCase()}`,
      ]),
    ),
  },
  conditions: { HasBucketName: true },
};

let workDir: string;
let packageDir: string;
let resources: Record<string, Resource>;
let packagingMs: number;
const repoHadServerlessDir = existsSync(join(repoRoot, '.serverless'));

/** The environment of a CI job with no AWS account: no credentials, no profile, no home directory config. */
function offlineEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_') && !name.startsWith('KLOG_')) env[name] = value;
  }
  return { ...env, HOME: home, AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') };
}

function resource(logicalId: string): Resource {
  const found = resources[logicalId];
  if (found === undefined) throw new Error(`The template has no resource ${logicalId}.`);
  return found;
}

function resolved(value: unknown): unknown {
  return resolveIntrinsics(value, templateValues);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function roleStatements(): Statement[] {
  const role = resource('IamRoleLambdaExecution');
  const policies = role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement).map((s) => resolved(s) as Statement);
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'klog-serverless-'));
  packageDir = join(workDir, 'package');
  const started = performance.now();
  await execFileAsync(
    process.execPath,
    [
      serverlessBin,
      'package',
      '--package',
      packageDir,
      '--stage',
      STAGE,
      '--region',
      REGION,
      `--param=bucket=${BUCKET}`,
      `--param=architecture=${ARCHITECTURE}`,
      `--param=maintenanceSchedule=${SCHEDULE}`,
    ],
    { cwd: repoRoot, env: offlineEnv(workDir), timeout: 180_000 },
  );
  packagingMs = performance.now() - started;
  const template = JSON.parse(readFileSync(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
}, 240_000);

afterAll(() => {
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

describe('serverless package', () => {
  it('packages offline, without AWS credentials', () => {
    expect(packagingMs).toBeGreaterThan(0);
    expect(existsSync(join(packageDir, 'klog.zip'))).toBe(true);
  });

  it("grants the functions klog's prefix in klog's bucket and their own log groups, nothing else", () => {
    const statements = roleStatements();
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      for (const action of asList(statement.Action)) expect(String(action)).not.toContain('*');
      for (const target of asList(statement.Resource)) expect(target).not.toBe('*');
    }

    const s3 = statements.filter((s) => asList(s.Action).some((action) => String(action).startsWith('s3:')));
    expect(s3).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: `arn:aws:s3:::${BUCKET}/${PREFIX}/*`,
      },
      {
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: `arn:aws:s3:::${BUCKET}`,
        Condition: { StringLike: { 's3:prefix': [PREFIX, `${PREFIX}/*`] } },
      },
    ]);

    const others = statements.filter((s) => !s3.includes(s));
    expect(others.length).toBeGreaterThan(0);
    for (const statement of others) {
      for (const action of asList(statement.Action)) expect(String(action)).toMatch(/^logs:[A-Za-z]+$/);
      for (const target of asList(statement.Resource)) {
        expect(target).toMatch(
          new RegExp(`^arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/klog-${STAGE}[*-]`),
        );
      }
    }
    expect(resource('IamRoleLambdaExecution').Properties.ManagedPolicyArns ?? []).toEqual([]);
  });

  it('puts each broker function behind a function URL with AWS_IAM auth, and no URL without it', () => {
    for (const name of URL_FUNCTIONS) {
      const url = resource(`${name}LambdaFunctionUrl`);
      expect(url.Type).toBe('AWS::Lambda::Url');
      expect(url.Properties.AuthType).toBe('AWS_IAM');
      expect(url.Properties.TargetFunctionArn).toEqual({ 'Fn::GetAtt': [`${name}LambdaFunction`, 'Arn'] });
    }
    const urls = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Url');
    expect(urls.map((url) => url.Properties.AuthType)).toEqual(URL_FUNCTIONS.map(() => 'AWS_IAM'));
    const permissions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Permission');
    for (const permission of permissions) {
      expect(permission.Properties.Principal).not.toBe('*');
      expect(permission.Properties.FunctionUrlAuthType).toBeUndefined();
    }
  });

  it('runs the maintenance function on the configured schedule, without retries', () => {
    const rules = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const rule = rules[0]!;
    expect(rule.Properties.ScheduleExpression).toBe(SCHEDULE);
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': ['MaintenanceLambdaFunction', 'Arn'] } }),
    ]);
    const invokeConfig = resource('MaintenanceLambdaEvConf');
    expect(invokeConfig.Properties.MaximumRetryAttempts).toBe(0);
  });

  it('creates the bucket encrypted, with public access blocked, owner-enforced and reachable over TLS only', () => {
    const bucket = resolved(resource('KlogBucket').Properties) as Record<string, unknown>;
    expect(bucket.BucketName).toBe(BUCKET);
    const encryption = bucket.BucketEncryption as {
      ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { SSEAlgorithm: string } }[];
    };
    expect(encryption.ServerSideEncryptionConfiguration).toHaveLength(1);
    expect(['AES256', 'aws:kms']).toContain(
      encryption.ServerSideEncryptionConfiguration[0]!.ServerSideEncryptionByDefault.SSEAlgorithm,
    );
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.VersioningConfiguration).toBeUndefined();
    expect(bucket.LifecycleConfiguration).toBeUndefined();

    const policy = resolved(resource('KlogBucketPolicy').Properties) as {
      Bucket: string;
      PolicyDocument: { Statement: Statement[] };
    };
    expect(policy.Bucket).toBe(BUCKET);
    expect(policy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    for (const statement of policy.PolicyDocument.Statement) expect(statement.Effect).toBe('Deny');
  });

  it('runs every function on Node 22 with KLOG_URL naming the bucket and prefix', () => {
    for (const name of ALL_FUNCTIONS) {
      const fn = resource(`${name}LambdaFunction`).Properties;
      expect(fn.Runtime).toBe('nodejs22.x');
      expect(fn.Architectures).toEqual([ARCHITECTURE]);
      expect(fn.Handler).toMatch(/^dist\/lambda\/functions\.[A-Za-z]+$/);
      expect(resolved(fn.Environment)).toEqual({
        Variables: { KLOG_URL: `s3://${BUCKET}/${PREFIX}`, KLOG_LOG_LEVEL: 'info' },
      });
    }
  });

  it('gives fetch room for the longest long-poll and the read after it, and the others room for a long-poll', () => {
    const timeoutMs = (name: string) => (resource(`${name}LambdaFunction`).Properties.Timeout as number) * 1000;
    const longestFetchMs = brokerDefaults.maxWaitMs + storeDefaults.s3RequestTimeoutMs;
    expect(timeoutMs('Fetch')).toBeGreaterThanOrEqual(longestFetchMs);
    for (const name of ['Produce', 'Admin', 'Group']) {
      expect(timeoutMs(name)).toBeGreaterThan(brokerDefaults.maxWaitMs);
      expect(timeoutMs(name)).toBeLessThan(timeoutMs('Fetch'));
    }
    expect(timeoutMs('Maintenance')).toBeLessThanOrEqual(900_000);
  });

  it('zips only the bundle and its native addons, and the zipped handlers serve requests in Node', async () => {
    const artifact = readZip(readFileSync(join(packageDir, 'klog.zip')));
    const names = [...artifact.keys()];
    for (const name of names) expect(name.startsWith('dist/lambda/')).toBe(true);
    const cpu = ARCHITECTURE === 'arm64' ? 'arm64' : 'x64';
    expect(names).toContain(`dist/lambda/node_modules/@napi-rs/snappy-linux-${cpu}-gnu/package.json`);
    expect(names).toContain(`dist/lambda/node_modules/@node-rs/crc32-linux-${cpu}-gnu/package.json`);

    const unpacked = join(workDir, 'artifact');
    for (const [name, bytes] of artifact) {
      mkdirSync(dirname(join(unpacked, name)), { recursive: true });
      writeFileSync(join(unpacked, name), bytes);
    }
    const handlers = ALL_FUNCTIONS.map((name) => {
      const handler = resource(`${name}LambdaFunction`).Properties.Handler as string;
      const dot = handler.lastIndexOf('.');
      return { role: name.toLowerCase(), file: `${handler.slice(0, dot)}.mjs`, exportName: handler.slice(dot + 1) };
    });
    const files = new Set(handlers.map((handler) => handler.file));
    expect(files.size).toBe(1);
    const [bundle] = files;
    expect(artifact.has(bundle!)).toBe(true);

    // A fresh Node process loads the bundle from the unzipped artifact, as Lambda's runtime would, and drives each
    // handler once against a filesystem store standing in for the bucket.
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        join(repoRoot, 'test', 'helpers', 'lambda-bundle-probe.mjs'),
        pathToFileURL(join(unpacked, bundle!)).href,
        ...handlers.map((handler) => `${handler.role}=${handler.exportName}`),
      ],
      {
        cwd: workDir,
        env: {
          ...offlineEnv(workDir),
          AWS_REGION: REGION,
          KLOG_URL: pathToFileURL(join(workDir, 'store')).href,
          KLOG_LOG_LEVEL: 'error',
        },
        timeout: 60_000,
      },
    );
    const answers = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(answers).toEqual({
      types: { produce: 'function', fetch: 'function', admin: 'function', group: 'function', maintenance: 'function' },
      health: 200,
      created: 201,
      produced: { baseOffset: '0', lastOffset: '0', duplicate: false },
      fetched: ['hello from the bundle'],
      maintenance: { partitions: 1, changed: 0, deletedSegments: 0 },
    });
  });

  it('defaults to arm64 and a 5-minute maintenance schedule', () => {
    const config = readFileSync(join(repoRoot, 'serverless.yml'), 'utf8');
    expect(config).toMatch(/^ {4}architecture: arm64$/m);
    expect(config).toMatch(/^ {4}maintenanceSchedule: rate\(5 minutes\)$/m);
    expect(config).toMatch(/^ {2}architecture: \$\{param:architecture\}$/m);
  });

  it('leaves no files in the repository that git would see', async () => {
    expect(existsSync(join(repoRoot, '.serverless'))).toBe(repoHadServerlessDir);
    const { stdout } = await execFileAsync('git', ['check-ignore', 'dist/lambda/functions.mjs', '.serverless/x'], {
      cwd: repoRoot,
    });
    expect(stdout.trim().split('\n')).toEqual(['dist/lambda/functions.mjs', '.serverless/x']);
  });
});
