import type { ServiceProcess } from './service-process';

/** A service's `/readyz`: 200 when ready, 503 with the failing checks named in the body. */
export async function readyz(service: ServiceProcess): Promise<{ status: number; body: string }> {
  const response = await fetch(`${await service.opsUrl()}/readyz`);
  return { status: response.status, body: await response.text() };
}
