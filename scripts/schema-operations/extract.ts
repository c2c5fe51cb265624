/**
 * The operations clients are known to send, recorded in schema/operations/ so that
 * `npm run schema:check` validates them against every new API schema:
 * - readme.graphql: the examples in README.md (```graphql blocks);
 * - e2e/<test>.graphql: the documents the end-to-end tests send through the gateway.
 * Both are generated (npm run schema:operations); sandbox.graphql is written by hand.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Kind, parse, print, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import ts from 'typescript';

/** Test files whose documents are not client operations. */
const NOT_CLIENT_OPERATIONS: Record<string, string> = {
  'hostile.test.ts': 'sends malformed and abusive documents on purpose',
};
/** End-to-end tests whose documents live in the harness they run: recorded under the test's name. */
const SENT_THROUGH: Record<string, string> = {
  'chaos.test.ts': 'scripts/chaos/client.ts',
};
/** Fields only a subgraph answers: documents that select them are sent to a subgraph, not to the gateway. */
const SUBGRAPH_ONLY_FIELDS = new Set(['_service', '_entities']);

interface Skipped {
  line: number;
  reason: string;
}
export interface Recorded {
  /** Path under schema/operations/. */
  path: string;
  content: string;
  source: string;
  count: number;
  skipped: Skipped[];
}

/** Every generated file of schema/operations/, from the README and the end-to-end tests of `root`. */
export function recordOperations(root: string): Recorded[] {
  const recorded = [readmeOperations(readFileSync(join(root, 'README.md'), 'utf8'))];
  const dir = join(root, 'test/e2e');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()) {
    if (NOT_CLIENT_OPERATIONS[file]) continue;
    const own = join(dir, file.replace(/\.test\.ts$/, ''));
    const helpers: { path: string; source: string }[] = existsSync(own)
      ? readdirSync(own)
          .filter((f) => f.endsWith('.ts'))
          .sort()
          .map((f) => ({ path: `test/e2e/${basename(own)}/${f}`, source: readFileSync(join(own, f), 'utf8') }))
      : [];
    if (SENT_THROUGH[file]) helpers.push({ path: SENT_THROUGH[file], source: readFileSync(join(root, SENT_THROUGH[file]), 'utf8') });
    recorded.push(e2eOperations(`test/e2e/${file}`, readFileSync(join(dir, file), 'utf8'), helpers));
  }
  return recorded;
}

export function readmeOperations(markdown: string): Recorded {
  const documents: { line: number; text: string }[] = [];
  const skipped: Skipped[] = [];
  const fence = /^```graphql\n([\s\S]*?)^```/gm;
  for (const match of markdown.matchAll(fence)) {
    const line = markdown.slice(0, match.index).split('\n').length + 1;
    try {
      const document = parse(match[1]);
      // A block of type definitions (SDL) is not something a client sends.
      if (document.definitions.every((d) => d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION)) {
        documents.push({ line, text: match[1] });
      }
    } catch (err) {
      skipped.push({ line, reason: `not GraphQL: ${(err as Error).message}` });
    }
  }
  return render('readme.graphql', 'README.md', 'Readme', documents, skipped);
}

/**
 * The documents an end-to-end test sends: those in its file and in the files of its own folder
 * (`test/e2e/<stem>/*.ts`, where a long test keeps its data), as one recorded file.
 */
export function e2eOperations(sourcePath: string, source: string, helpers: { path: string; source: string }[] = []): Recorded {
  const documents: { line: number; text: string }[] = [];
  const skipped: Skipped[] = [];
  for (const [path, text] of [[sourcePath, source], ...helpers.map((h) => [h.path, h.source])]) {
    const found = documentsIn(path, text);
    documents.push(...found.documents);
    skipped.push(...found.skipped.map((s) => (path === sourcePath ? s : { ...s, reason: `${s.reason} in ${path}` })));
  }
  const stem = basename(sourcePath).replace(/\.test\.ts$/, '');
  return render(`e2e/${stem}.graphql`, [sourcePath, ...new Set(helpers.map((h) => `${dirname(h.path)}/`))].join(' and '), pascal(stem), documents, skipped);
}

function documentsIn(sourcePath: string, source: string): { documents: { line: number; text: string }[]; skipped: Skipped[] } {
  const file = ts.createSourceFile(sourcePath, source, ts.ScriptTarget.ES2022, true);
  const strings = constantStrings(file);
  const documents: { line: number; text: string }[] = [];
  const skipped: Skipped[] = [];
  const visit = (node: ts.Node): void => {
    if (!ts.isStringLiteral(node) && !ts.isNoSubstitutionTemplateLiteral(node) && !ts.isTemplateExpression(node)) {
      ts.forEachChild(node, visit);
      return;
    }
    const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    const text = literalText(node, strings);
    if (text.value === null || !looksLikeOperation(text.value)) return;
    if (text.unresolved) return void skipped.push({ line, reason: `built at run time (\${${text.unresolved}})` });
    let document: DocumentNode;
    try {
      document = parse(text.value);
    } catch {
      return void skipped.push({ line, reason: 'not a complete document (built from pieces at run time)' });
    }
    if (selectsSubgraphOnlyFields(document)) return void skipped.push({ line, reason: 'sent straight to a subgraph' });
    documents.push({ line, text: text.value });
  };
  visit(file);
  return { documents, skipped };
}

function looksLikeOperation(text: string): boolean {
  return /^\s*(\{|query\b|mutation\b|subscription\b)/.test(text);
}

/** `const NAME = '...'` anywhere in the file, so `${NAME}` in a document can be filled in. */
function constantStrings(file: ts.SourceFile): Map<string, string> {
  const strings = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const text = literalText(node.initializer, strings);
      if (text.value !== null && !text.unresolved) strings.set(node.name.text, text.value);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return strings;
}

/**
 * A literal's text. A substitution is filled in from a constant, or inside a GraphQL string
 * ("${id}") with a placeholder, since the value does not change the document's shape; anything
 * else makes the document unknown until run time (`unresolved`).
 */
function literalText(node: ts.Node, strings: Map<string, string>): { value: string | null; unresolved?: string } {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return { value: node.text };
  if (!ts.isTemplateExpression(node)) return { value: null };
  let value = node.head.text;
  for (const span of node.templateSpans) {
    const expression = span.expression;
    if (ts.isIdentifier(expression) && strings.has(expression.text)) value += strings.get(expression.text);
    else if (value.endsWith('"') && span.literal.text.startsWith('"')) value += 'value';
    else return { value, unresolved: expression.getText() };
    value += span.literal.text;
  }
  return { value };
}

function selectsSubgraphOnlyFields(document: DocumentNode): boolean {
  return document.definitions.some(
    (d) => d.kind === Kind.OPERATION_DEFINITION && d.selectionSet.selections.some((s) => s.kind === Kind.FIELD && SUBGRAPH_ONLY_FIELDS.has(s.name.value)),
  );
}

/**
 * One file: each distinct operation once, named after where it comes from and its root fields
 * (names must be unique for the file to be one valid document). No line numbers, so that editing
 * the source elsewhere leaves the file as it is.
 */
function render(path: string, source: string, prefix: string, documents: { line: number; text: string }[], skipped: Skipped[]): Recorded {
  const seen = new Set<string>();
  const names = new Set<string>();
  const fragments = new Map<string, string>();
  const blocks: string[] = [];
  for (const { line, text } of documents) {
    const definitions = parse(text).definitions;
    for (const fragment of definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)) {
      const printed = print(fragment);
      const earlier = fragments.get(fragment.name.value);
      if (earlier !== undefined && earlier !== printed) throw new Error(`${source}:${line}: fragment ${fragment.name.value} is defined twice, differently`);
      if (earlier === undefined) blocks.push(printed);
      fragments.set(fragment.name.value, printed);
    }
    const operations = definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    for (const operation of operations) {
      const key = print({ ...operation, name: undefined });
      if (seen.has(key)) continue;
      seen.add(key);
      const name = uniqueName(names, operation.name?.value ?? prefix + rootFields(operation).map(pascal).join(''));
      blocks.push(print({ ...operation, name: { kind: Kind.NAME, value: name } }));
    }
  }
  const header = `# Generated by \`npm run schema:operations\` from ${source}: edit the source, not this file.\n`;
  return { path, content: `${header}\n${blocks.join('\n\n')}\n`, source, count: seen.size, skipped };
}

function rootFields(operation: OperationDefinitionNode): string[] {
  const fields = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.alias?.value ?? s.name.value] : []));
  return fields.length ? fields.slice(0, 3) : ['Fragment'];
}

function uniqueName(names: Set<string>, wanted: string): string {
  let name = wanted;
  for (let i = 2; names.has(name); i++) name = `${wanted}${i}`;
  names.add(name);
  return name;
}

function pascal(text: string): string {
  return text.replace(/(^|[-_\s]+)([a-zA-Z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());
}
