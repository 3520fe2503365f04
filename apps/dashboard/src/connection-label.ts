import type { ConnectionStatus, StatusDetail } from '@tickwire/client';
import { formatCountdown } from './display-format';

/** The header's connection text: `Connected`, `Reconnecting in 3 s (attempt 2)`, ... `retryAtMs`: when the retry is due. */
export function connectionLabel(status: ConnectionStatus, detail: Readonly<StatusDetail>, retryAtMs: number | undefined, nowMs: number): string {
  switch (status) {
    case 'idle':
      return 'Not connected';
    case 'connecting':
      return 'Connecting\u2026';
    case 'open':
      return 'Connected';
    case 'reconnecting': {
      const when = retryAtMs === undefined ? '' : ` in ${formatCountdown(retryAtMs - nowMs)}`;
      const attempt = detail.attempt === undefined ? '' : ` (attempt ${detail.attempt})`;
      return `Reconnecting${when}${attempt}${because(detail)}`;
    }
    case 'closed':
      return `Disconnected${because(detail)}`;
  }
}

function because(detail: StatusDetail): string {
  if (detail.reason !== undefined && detail.reason !== '') return `: ${detail.reason}`;
  return detail.code === undefined ? '' : `: code ${detail.code}`;
}
