import type { EdgeMetrics, RejectionReason } from '../src/edge-metrics';

/** How many refusals the edge has counted for `reason` (0 before the first). */
export async function rejectionCount(metrics: EdgeMetrics, reason: RejectionReason): Promise<number> {
  return (await metrics.rejections.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
}
