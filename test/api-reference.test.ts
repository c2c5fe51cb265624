/**
 * docs/api-reference.md is generated from the supergraph's API schema (scripts/api-reference.ts).
 * It must be what the generator renders from the committed supergraph, every public operation and
 * argument must have a description, and every error code the platform can emit must be documented.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ERROR_CODES } from '../packages/kernel/src/errors';
import { apiSchema, ERROR_DOCS, missingDescriptions, REFERENCE_PATH, renderApiReference } from '../scripts/api-reference/render';

const root = resolve(__dirname, '..');
const supergraph = readFileSync(join(root, 'schema/supergraph.graphql'), 'utf8');
const committed = readFileSync(join(root, REFERENCE_PATH), 'utf8');
const rendered = renderApiReference(supergraph);

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) return '';
  const next = markdown.indexOf('\n## ', start + heading.length + 2);
  return markdown.slice(start, next < 0 ? undefined : next);
}

/** Every `.ts` file under a directory, generated code and tests left out. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === '__generated__' || name === 'node_modules' || name === 'test') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('docs/api-reference.md', () => {
  it('is what npm run docs:api renders from schema/supergraph.graphql', () => {
    // On failure: run `npm run docs:api` and commit docs/api-reference.md.
    expect(committed).toBe(rendered);
  });

  it('changes when a description in the schema changes (so a stale file is caught)', () => {
    const changed = supergraph.replace("The signed-in user's bookings, newest first.", "Changed for the test: the signed-in user's bookings, newest first.");
    expect(changed).not.toBe(supergraph);
    const output = renderApiReference(changed);
    expect(output).not.toBe(rendered);
    expect(output).toContain("Changed for the test: the signed-in user's bookings,");
  });

  it('documents every public root field with its signature, subgraph and every argument', () => {
    const schema = apiSchema(supergraph);
    const roots = [schema.getQueryType()!, schema.getMutationType()!];
    expect(roots.every(Boolean)).toBe(true);
    for (const type of roots) {
      for (const field of Object.values(type.getFields())) {
        const heading = `#### ${type.name}.${field.name}`;
        const block = section(rendered.replace(/\n#### /g, '\n## #### '), `## ${heading}`);
        expect({ field: heading, found: block.length > 0 }).toEqual({ field: heading, found: true });
        expect(block).toContain(field.description!.trim().split('\n')[0]);
        expect(block).toMatch(/Subgraph: \*\*[a-z]+/);
        for (const arg of field.args) expect(block).toContain(`| \`${arg.name}\` | `);
      }
    }
    // Internal operations are not part of the public API.
    expect(rendered).not.toMatch(/_createPayment|_sendNotification|_recordActivit|_userCount|_entities/);
  });

  it('names the subgraph that owns each operation, from the join__ directives', () => {
    expect(rendered).toContain('| [`createBooking`](#mutationcreatebooking) | booking |');
    expect(rendered).toContain('| [`login`](#mutationlogin) | auth |');
    expect(rendered).toContain('| [`adminAuditLog`](#queryadminauditlog) | admin |');
    // User is resolved by user, and by booking and notification for the fields they contribute.
    expect(rendered).toMatch(
      /\| `bookings\(first: Int, after: String, status: BookingStatus\)` \| \[`BookingConnection!`\]\(#bookingconnection\) \| booking \|/,
    );
  });
});

describe('descriptions of the public API', () => {
  it('every public root field and every one of its arguments has one', () => {
    // On failure: add a "..." description in subgraphs/<owner>/schema.graphql, then npm run compose.
    expect(missingDescriptions(apiSchema(supergraph))).toEqual([]);
  });

  it('a root field or argument without one is reported', () => {
    const stripped = supergraph.replace('"""Its owner or an admin."""\n  booking(', '  booking(').replace('"""The booking\'s id."""\n    id: ID!', 'id: ID!');
    expect(stripped).not.toBe(supergraph);
    const missing = missingDescriptions(apiSchema(stripped));
    expect(missing).toEqual(['Query.booking', 'Query.booking(id:)']);
  });
});

describe('error codes in the reference', () => {
  const errors = section(committed, '## Error codes');

  it('lists every code of the kernel, with its meaning and extensions', () => {
    expect(ERROR_CODES).toContain('COST_ESTIMATED_TOO_EXPENSIVE');
    for (const code of ERROR_CODES) {
      expect(errors).toContain(`| \`${code}\` | ${ERROR_DOCS[code].meaning} |`);
    }
    const row = (code: string) => errors.split('\n').find((line) => line.startsWith(`| \`${code}\` |`)) ?? '';
    expect(row('RATE_LIMITED')).toContain('`retryAfter`');
    expect(row('INTERNAL_SERVER_ERROR')).toContain('`errorId`');
    expect(row('COST_ESTIMATED_TOO_EXPENSIVE')).toMatch(/`cost`.*`limit`/);
    expect(row('DEPENDENCY_UNAVAILABLE')).toContain('`service`');
    expect(row('BAD_USER_INPUT')).toMatch(/`field`.*`reason`/);
  });

  it('lists every code the gateway, kernel and subgraphs write into extensions', () => {
    const files = [join(root, 'gateway/src'), join(root, 'packages/kernel/src'), join(root, 'packages/booking-events/src')]
      .concat(readdirSync(join(root, 'subgraphs')).map((s) => join(root, 'subgraphs', s, 'src')))
      .flatMap(sources);
    const emitted = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bcode: '([A-Z][A-Z_]+)'/g)) emitted.add(m[1]!);
      for (const m of text.matchAll(/_CODE = '([A-Z][A-Z_]+)'/g)) emitted.add(m[1]!);
    }
    expect(emitted).toContain('COST_ESTIMATED_TOO_EXPENSIVE');
    expect(emitted).toContain('UNAUTHENTICATED');
    for (const code of emitted) expect({ code, documented: errors.includes(`| \`${code}\` |`) }).toEqual({ code, documented: true });
  });
});

describe('README', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('links the API reference', () => {
    expect(readme).toContain('](docs/api-reference.md)');
  });

  it('links only files inside the repository, and they exist', () => {
    // The README and the pages in docs/ (not the data kept beside them, such as docs/bench-runs/).
    const pages = readdirSync(join(root, 'docs')).filter((d) => d.endsWith('.md'));
    expect(pages).toContain('benchmarks.md');
    for (const file of ['README.md', ...pages.map((d) => `docs/${d}`)]) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!.split('#')[0]!;
        if (!target || /^[a-z]+:/.test(target)) continue;
        const path = resolve(root, file.startsWith('docs/') ? 'docs' : '.', target);
        const inside = path.startsWith(root + '/');
        let exists = false;
        try {
          statSync(path);
          exists = true;
        } catch {
          exists = false;
        }
        expect({ file, link: m[1], inside, exists }).toEqual({ file, link: m[1], inside: true, exists: true });
      }
    }
  });
});
