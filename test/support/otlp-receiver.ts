/**
 * A tiny OTLP/HTTP receiver (JSON protocol: OTEL_EXPORTER_OTLP_PROTOCOL=http/json) that keeps the
 * spans it is sent in memory, for tests that run the real processes with tracing on. It answers
 * anything else it is sent (protobuf, say) with 200 and drops it, so a sink is `{ keep: false }`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

export interface OtlpReceiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans: ReceivedSpan[];
  /** Export requests received (also counts the ones not kept). */
  requests: number;
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type KeyValue = { key: string; value?: AnyValue };
const valueOf = (v: AnyValue | undefined) => v?.stringValue ?? v?.intValue ?? v?.boolValue ?? v?.doubleValue;
const attributesOf = (list: KeyValue[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]));
/** OTLP/JSON ids are hex; accept base64 (protobuf JSON mapping) too. */
const hexId = (id: string | undefined) => (!id ? undefined : /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex'));

export async function startOtlpReceiver(options: { port?: number; keep?: boolean } = {}): Promise<OtlpReceiver> {
  const keep = options.keep ?? true;
  const receiver: OtlpReceiver = { url: '', spans: [], requests: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.requests++;
      const json = /json/i.test(req.headers['content-type'] ?? '');
      if (keep && json && req.url?.startsWith('/v1/traces')) {
        try {
          let body = Buffer.concat(chunks);
          if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
          collect(JSON.parse(body.toString('utf8')), receiver.spans);
        } catch {
          res.writeHead(400).end();
          return;
        }
      }
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : '');
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

function collect(body: { resourceSpans?: unknown[] }, into: ReceivedSpan[]): void {
  for (const rs of (body.resourceSpans ?? []) as { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: unknown[] }[] }[]) {
    const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of (ss.spans ?? []) as {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        attributes?: KeyValue[];
        links?: { traceId: string; spanId: string }[];
      }[]) {
        into.push({
          service,
          traceId: hexId(s.traceId)!,
          spanId: hexId(s.spanId)!,
          parentSpanId: hexId(s.parentSpanId) || undefined,
          name: s.name,
          kind: Number(s.kind ?? 0),
          attributes: attributesOf(s.attributes),
          links: (s.links ?? []).map((l) => ({ traceId: hexId(l.traceId)!, spanId: hexId(l.spanId)! })),
        });
      }
    }
  }
}
