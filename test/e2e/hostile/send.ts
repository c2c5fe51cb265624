/** How the hostile corpus sends its requests: fetch, raw sockets for what fetch refuses, forged JWTs. */
import { createHmac } from 'node:crypto';
import net from 'node:net';
import { bearer } from '../../support/client';
import { target, type Answer } from './target';

export async function http(method: string, body?: string | Buffer, headers: Record<string, string> = {}, path = '/graphql'): Promise<Answer> {
  const res = await fetch(`${target.url}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

export const JSON_HEADERS = { 'content-type': 'application/json' };
export const post = (body: string | Buffer, headers: Record<string, string> = JSON_HEADERS) => http('POST', body, headers);
export const op = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  post(JSON.stringify({ query, variables }), { ...JSON_HEADERS, ...headers });
export const asMember = () => bearer(target.member.token);
export const asAdmin = () => bearer(target.admin.token);

/** A raw HTTP/1.1 exchange, for what fetch refuses to send. */
export function raw(request: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(target.url).port), '127.0.0.1');
    let data = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (chunk) => (data += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const text = rest.join('\r\n\r\n');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ status, text, json });
    });
    socket.write(request);
    socket.end();
  });
}

/** An HS256 JWT with any header and claims, signed with `key` (or unsigned for alg none). */
export function jwt(header: Record<string, unknown>, claims: Record<string, unknown>, key?: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${b64(header)}.${b64(claims)}`;
  return key === undefined ? `${body}.` : `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}
export const now = () => Math.floor(Date.now() / 1000);
export const userClaims = (over: Record<string, unknown> = {}) => ({
  sub: target.member.id,
  role: 'ADMIN',
  iss: 'wsb-auth',
  aud: 'wsb',
  iat: now(),
  exp: now() + 600,
  ...over,
});

export function slot(dayOffset: number, hour: number) {
  const start = new Date();
  start.setUTCDate(start.getUTCDate() + dayOffset);
  start.setUTCHours(hour, 0, 0, 0);
  return { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3600_000).toISOString() };
}
