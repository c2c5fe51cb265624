/**
 * Auth's long-lived services, started by the kernel in this order: password hashing (its
 * concurrency limit and the dummy hash unknown accounts are checked against, made before the port
 * opens), then the operator's bootstrap admin (in /ready until it exists).
 */
import type { Service, ServiceHost } from '@wsb/kernel';
import { createBootstrap } from './bootstrap';
import type { AuthConfig } from './config';
import { limitPasswordHashing, prepareDummyHash } from './passwords';

export function createServices(app: ServiceHost<AuthConfig>) {
  const passwordHashing: Service = {
    async start() {
      limitPasswordHashing(app.config.passwordHashing);
      await prepareDummyHash();
    },
  };
  return { passwordHashing, bootstrapAdmin: createBootstrap(app) };
}

export type AuthServices = ReturnType<typeof createServices>;
