/**
 * How an answer to a hostile request is judged: a clear error (status < 500, an API.md code, a
 * message) that leaks nothing, or, for odd but valid input, a success that passes the case's check.
 */
import type { Answer, Attack } from './target';

/** The codes a client may see (API.md); a hostile request must never cause the last two. */
const CLIENT_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'BOOKING_CONFLICT', 'RATE_LIMITED', 'COST_ESTIMATED_TOO_EXPENSIVE'];
/** Where a category can only be refused one way, anything else is wrong too. */
const CATEGORY_CODES: Record<string, string[]> = {
  'malformed JSON': ['BAD_USER_INPUT'],
  'wrong content type': ['BAD_USER_INPUT'],
  'wrong variable types': ['BAD_USER_INPUT'],
  'missing required args': ['BAD_USER_INPUT'],
  'deep queries': ['BAD_USER_INPUT'],
  'alias bombs': ['BAD_USER_INPUT'],
  'cost bombs': ['COST_ESTIMATED_TOO_EXPENSIVE'],
  'directive floods': ['BAD_USER_INPUT'],
  'token floods': ['BAD_USER_INPUT'],
  'invalid dates': ['BAD_USER_INPUT'],
  'batched arrays': ['BAD_USER_INPUT'],
  'oversized bodies': ['BAD_USER_INPUT'],
  'internal fields': ['BAD_USER_INPUT'],
  'forged tokens': ['UNAUTHENTICATED'],
};

const LEAKS: [string, RegExp][] = [
  ['a stack frame', /\bat [\w$.<>[\] ]+ \(|\(?[\w./-]+\.(ts|js|mjs|cjs):\d+:\d+\)?/],
  [
    'SQL',
    /\b(select\s[\s\S]{1,200}\sfrom|insert\s+into|update\s+"?\w+"?\s+set|delete\s+from)\b|relation "|violates|syntax error at or near|duplicate key|SQLSTATE|invalid input syntax|invalid byte sequence/i,
  ],
  ['a file path', /(^|[\s"'(])\/(work|home|usr|opt|app|tmp|var|etc|src|root)\/|node_modules|[A-Z]:\\/],
  [
    'a library internal',
    /MikroORM|\bknex\b|\bpg\b|pg-protocol|undici|ioredis|graphql-shield|express|body-parser|rate-limiter|jose\b|ECONNREFUSED|TypeError|ReferenceError|Cannot read propert/i,
  ],
];

/** The answer without what the request itself carried (a refused value may be named in the message). */
function withoutEcho(text: string, inputs: string[]): string {
  let out = text;
  const pieces = inputs.flatMap((s) => [
    s,
    s.slice(0, 64),
    s.slice(0, 16),
    JSON.stringify(s).slice(1, -1),
    JSON.stringify(JSON.stringify(s).slice(1, -1)).slice(1, -1),
  ]);
  for (const piece of [...new Set(pieces)].filter((p) => p.length >= 3).sort((a, b) => b.length - a.length)) out = out.split(piece).join('');
  return out;
}

export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringsIn(v, out));
  return out;
}

export async function judge(attack: Attack, answer: Answer): Promise<string[]> {
  const problems: string[] = [];
  if (answer.status >= 500 || answer.status < 200) problems.push(`status ${answer.status}`);
  const body = answer.json;
  const errors = body?.errors;
  if (Array.isArray(errors) && errors.length) {
    const [first] = errors;
    if (!(CATEGORY_CODES[attack.category] ?? CLIENT_CODES).includes(first?.extensions?.code)) problems.push(`code ${first?.extensions?.code}`);
    if (attack.status && answer.status !== attack.status) problems.push(`status ${answer.status}, not ${attack.status}`);
    if (typeof first?.message !== 'string' || !first.message.trim()) problems.push('no message');
    for (const e of errors) if (e?.extensions?.stacktrace || e?.extensions?.exception) problems.push('stacktrace in extensions');
  } else if (body && typeof body === 'object' && 'data' in body && attack.ifOk) {
    if (answer.status !== 200) problems.push(`success with status ${answer.status}`);
    try {
      await attack.ifOk(body.data);
    } catch (err) {
      problems.push(`succeeded, but: ${(err as Error).message.split('\n')[0]}`);
    }
  } else {
    problems.push(`not a clear error: ${answer.status} ${answer.text.slice(0, 160)}`);
  }
  const scanned = withoutEcho(answer.text, attack.inputs ?? []);
  for (const [what, pattern] of LEAKS) {
    const match = pattern.exec(scanned);
    if (match) problems.push(`leaks ${what}: "${match[0].slice(0, 60)}"`);
  }
  return problems;
}
