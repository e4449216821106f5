// Alerts on a failed movement, a fallback taken, or a discrepancy: always a structured log line, and a POST
// of the same JSON to a webhook when one is configured. A webhook that is down never fails the movement.
import type { Logger } from 'pino';

export type AlertKind = 'movement-failed' | 'fallback-taken' | 'discrepancy';

export interface Alert {
  kind: AlertKind;
  movementId: string;
  message: string;
  details: Record<string, string | number | boolean>;
}

export interface AlertSinkOptions {
  logger: Logger;
  webhookUrl?: string;
  timeoutMs?: number;
  attempts?: number;
}

export interface AlertDelivery {
  logged: true;
  webhook: 'none' | 'delivered' | 'failed';
  error?: string;
}

export function createAlertSink(options: AlertSinkOptions): (alert: Alert) => Promise<AlertDelivery> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const attempts = options.attempts ?? 3;
  return async (alert) => {
    const body = { ...alert, at: new Date().toISOString(), source: 'cassberg' };
    options.logger.warn({ alert: body }, `cassberg alert ${alert.kind}: ${alert.message}`);
    if (!options.webhookUrl) return { logged: true, webhook: 'none' };
    let lastError = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const res = await fetch(options.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.ok) return { logged: true, webhook: 'delivered' };
        lastError = `HTTP ${res.status}`;
        if (res.status < 500 && res.status !== 429) break;
      } catch (err) {
        lastError = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 200 * 2 ** (attempt - 1)));
    }
    options.logger.error({ alert: alert.kind, webhook: options.webhookUrl, error: lastError }, 'alert webhook failed');
    return { logged: true, webhook: 'failed', error: lastError };
  };
}
