/**
 * Changes of the public API between two revisions, by @graphql-inspector/core, and the
 * acknowledgements that let an intended break through: a line in schema/CHANGELOG.md
 *
 *   - Breaking: `Type.field` — why clients can live with it
 *
 * added since the base revision: a list item at the start of a line (an indented example is not
 * one). It covers that coordinate and everything under it (`Query.booking` covers a changed
 * argument `Query.booking.id`).
 */
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import type { GraphQLSchema } from 'graphql';

export interface ApiChanges {
  breaking: Change[];
  dangerous: Change[];
  safe: Change[];
}

export interface Acknowledgement {
  coordinate: string;
  reason: string;
  line: string;
}

export async function apiChanges(base: GraphQLSchema, next: GraphQLSchema): Promise<ApiChanges> {
  const changes = await diff(base, next);
  const by = (level: CriticalityLevel) => changes.filter((c) => c.criticality.level === level);
  return { breaking: by(CriticalityLevel.Breaking), dangerous: by(CriticalityLevel.Dangerous), safe: by(CriticalityLevel.NonBreaking) };
}

const ACK = /^[-*]\s*Breaking:\s*`([^`]+)`\s*(?:[—–-]+\s*)?(.*)$/;

/** The acknowledgements in `changelog` that `baseChangelog` did not have yet. */
export function newAcknowledgements(changelog: string, baseChangelog: string | null): { acks: Acknowledgement[]; problems: string[] } {
  const old = new Set((baseChangelog ?? '').split('\n').map((l) => l.trim()));
  const acks: Acknowledgement[] = [];
  const problems: string[] = [];
  for (const raw of changelog.split('\n')) {
    const match = ACK.exec(raw);
    if (!match || old.has(raw.trim())) continue;
    const reason = match[2].trim();
    if (!reason) problems.push(`"${raw.trim()}" gives no reason, so it acknowledges nothing: add one after the coordinate.`);
    else acks.push({ coordinate: match[1].trim(), reason, line: raw.trim() });
  }
  return { acks, problems };
}

/** The acknowledgement that covers a change, if any. */
export function acknowledgementOf(change: Change, acks: Acknowledgement[]): Acknowledgement | undefined {
  const path = change.path ?? '';
  return acks.find((a) => path === a.coordinate || path.startsWith(`${a.coordinate}.`));
}

export function describeChange(change: Change): string {
  return `${change.path ?? '(schema)'}: ${change.message} [${change.type}]`;
}
