/**
 * The admin dashboard reads other subgraphs. Its root field returns only this small object; each
 * AdminDashboard field fetches its own figure, so GraphQL runs them in parallel, a client pays only
 * for what it selects, and one unavailable subgraph fails only its own field.
 */
import { SERVICE_NAMES, type ServiceName } from '@wsb/kernel';

export interface DashboardRoot {
  /** Start of the current UTC day, fixed once per request so every figure uses the same "today". */
  today: Date;
}

export function dashboardRoot(now = new Date()): DashboardRoot {
  return { today: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())) };
}

const HEALTH_TIMEOUT_MS = 2000;

export interface ServiceHealth {
  name: ServiceName;
  status: 'UP' | 'DOWN';
  latencyMs: number;
}

/** GET <url>/health; UP only for a 200 within the timeout. Never throws: any failure is DOWN. */
async function checkHealth(name: ServiceName, baseUrl: string, timeoutMs = HEALTH_TIMEOUT_MS): Promise<ServiceHealth> {
  const started = performance.now();
  let up = false;
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    up = response.status === 200;
    // The body is not needed; cancelling it frees the connection at once.
    await response.body?.cancel().catch(() => undefined);
  } catch {
    up = false;
  }
  return { name, status: up ? 'UP' : 'DOWN', latencyMs: Math.max(0, Math.round(performance.now() - started)) };
}

/** Every platform subgraph that has a configured URL, checked in parallel, in SERVICE_NAMES order. */
export function checkServices(serviceUrls: Partial<Record<ServiceName, string>>): Promise<ServiceHealth[]> {
  const names = SERVICE_NAMES.filter((name) => serviceUrls[name]);
  return Promise.all(names.map((name) => checkHealth(name, serviceUrls[name]!)));
}
