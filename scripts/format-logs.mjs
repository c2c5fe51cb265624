#!/usr/bin/env node
/**
 * Makes the services' pino JSON lines readable (`./dev.sh logs` pipes through it): one line per
 * entry with the time, level, service, message, operation, duration, user and request id first,
 * then the other fields as key=value, and an error's stack indented below. Anything that is not
 * one of our JSON log lines (dev.sh's own lines, PostgreSQL's, tail's headers) passes unchanged.
 * Colour only on a terminal (or with --color; --no-color and NO_COLOR turn it off). No dependencies:
 * it runs straight from a checkout.
 *
 *   node scripts/format-logs.mjs [--color|--no-color] < file.log
 */
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const LEVEL_COLOURS = { debug: 90, info: 32, warn: 33, error: 31, fatal: 35 };
/** Shown in the line's head, so not repeated among the other fields. */
const HEAD_FIELDS = new Set(['time', 'level', 'service', 'msg', 'requestId', 'operation', 'userId', 'ms', 'err', 'error', 'pid', 'hostname']);

export function formatLine(line, { color = false } = {}) {
  const entry = parseEntry(line);
  if (!entry) return line;
  const paint = (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const level = String(entry.level);
  const parts = [
    paint(90, timeOf(entry.time)),
    paint(LEVEL_COLOURS[level] ?? 0, level.toUpperCase().padEnd(5)),
    paint(36, String(entry.service ?? '-').padEnd(12)),
    color ? paint(1, entry.msg) : entry.msg,
  ];
  if (entry.operation != null) parts.push(paint(35, String(entry.operation)));
  if (typeof entry.ms === 'number') parts.push(`${entry.ms} ms`);
  if (entry.userId != null) parts.push(`user=${entry.userId}`);
  if (entry.requestId != null) parts.push(paint(90, `req=${entry.requestId}`));
  for (const [key, value] of Object.entries(entry)) {
    if (!HEAD_FIELDS.has(key) && value !== undefined) parts.push(`${paint(90, `${key}=`)}${fieldText(value)}`);
  }
  const error = entry.err ?? entry.error;
  const stack = error && typeof error === 'object' ? (error.stack ?? `${error.type ?? 'Error'}: ${error.message}`) : error;
  const head = parts.join(' ');
  if (stack === undefined) return head;
  return `${head}\n${paint(31, String(stack).replace(/^/gm, '    '))}`;
}

/** One of our log lines: a JSON object with a level and a message; anything else is not. */
function parseEntry(line) {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry = JSON.parse(line);
    return entry && typeof entry === 'object' && typeof entry.msg === 'string' && entry.level !== undefined ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** HH:MM:SS.mmm of an ISO time (as the services write it, in UTC); other values as they are. */
function timeOf(time) {
  const match = typeof time === 'string' ? /T(\d\d:\d\d:\d\d(?:\.\d+)?)/.exec(time) : undefined;
  return match ? match[1].padEnd(12, '0') : String(time ?? '-');
}

function fieldText(value) {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.join(',');
  if (typeof value === 'string') return /^[^\s"=]*$/.test(value) && value !== '' ? value : JSON.stringify(value);
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function main() {
  const args = process.argv.slice(2);
  const color = args.includes('--no-color') || process.env.NO_COLOR ? false : args.includes('--color') || Boolean(process.stdout.isTTY);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => process.stdout.write(`${formatLine(line, { color })}\n`));
  // The reader went away (`| head`, q in a pager): stop quietly.
  process.stdout.on('error', (err) => process.exit(err.code === 'EPIPE' ? 0 : 1));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
