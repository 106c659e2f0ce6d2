/**
 * Loads a packaged Lambda bundle in a fresh Node process, as Lambda's runtime would, and drives its handlers with
 * function-URL events against the store in `KLOG_URL`: create a topic, produce a snappy-compressed record (so the
 * native addons must load), fetch it back, run maintenance. Prints one JSON line with what each step answered.
 *
 *   node lambda-bundle-probe.mjs <bundle file URL> produce=<export> fetch=<export> admin=<export> group=<export>
 *     maintenance=<export>
 */
const [bundleUrl, ...pairs] = process.argv.slice(2);
const exportsByRole = Object.fromEntries(pairs.map((pair) => pair.split('=')));
const bundle = await import(bundleUrl);

function urlEvent(method, rawPath, rawQueryString = '', body = undefined) {
  return {
    version: '2.0',
    rawPath,
    rawQueryString,
    headers: { 'content-type': 'application/json', host: 'abc123.lambda-url.eu-west-1.on.aws' },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: `probe-${method}-${rawPath}`, http: { method } },
  };
}

const context = { awsRequestId: 'probe', getRemainingTimeInMillis: () => 30_000 };
const handler = (role) => bundle[exportsByRole[role]];

const types = Object.fromEntries(Object.entries(exportsByRole).map(([role, name]) => [role, typeof bundle[name]]));
const health = await handler('group')(urlEvent('GET', '/v1/health'), context);
const created = await handler('admin')(urlEvent('POST', '/v1/topics', '', { name: 'probe', partitions: 1 }), context);
const produced = await handler('produce')(
  urlEvent('POST', '/v1/topics/probe/partitions/0/records', '', {
    records: [{ key: 'k', value: 'hello from the bundle' }],
    compression: 'snappy',
  }),
  context,
);
const fetched = await handler('fetch')(urlEvent('GET', '/v1/topics/probe/partitions/0/records', 'offset=0'), context);
const maintenance = await handler('maintenance')({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, context);

console.log(
  JSON.stringify({
    types,
    health: health.statusCode,
    created: created.statusCode,
    produced: JSON.parse(produced.body),
    fetched: JSON.parse(fetched.body).records.map((record) => record.value),
    maintenance,
  }),
);
