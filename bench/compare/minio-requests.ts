/**
 * S3 requests as MinIO counted them (its v3 metrics, `minio_api_requests_total` by API name): what the store
 * bills whoever the client is, so the same figure covers klog direct and klog behind a broker, whose store
 * requests its clients cannot see. MinIO serves the metrics without a token when it was started with
 * MINIO_PROMETHEUS_AUTH_TYPE=public (compare.ts sets it before starting MinIO).
 */

export type ApiRequestCounts = Record<string, number>;

const METRICS_PATH = '/minio/metrics/v3/api/requests';
const REQUESTS_LINE = /^minio_api_requests_total\{([^}]*)\}\s+(\S+)/;

export async function minioRequestCounts(endpoint: string): Promise<ApiRequestCounts> {
  const response = await fetch(`${endpoint}${METRICS_PATH}`);
  if (response.status !== 200) {
    throw new Error(
      `MinIO answered ${response.status} for ${METRICS_PATH}; start it with MINIO_PROMETHEUS_AUTH_TYPE=public.`,
    );
  }
  const counts: ApiRequestCounts = {};
  for (const line of (await response.text()).split('\n')) {
    const match = REQUESTS_LINE.exec(line);
    if (match?.[1] === undefined || match[2] === undefined || !match[1].includes('type="s3"')) continue;
    const name = /name="([^"]+)"/.exec(match[1])?.[1];
    if (name !== undefined) counts[name] = (counts[name] ?? 0) + Number(match[2]);
  }
  return counts;
}

/** The requests made between two snapshots, by API name, leaving out names with none. */
export function requestsBetween(before: ApiRequestCounts, after: ApiRequestCounts): ApiRequestCounts {
  const difference: ApiRequestCounts = {};
  for (const [name, count] of Object.entries(after)) {
    const made = count - (before[name] ?? 0);
    if (made > 0) difference[name] = made;
  }
  return difference;
}
