import fs from 'node:fs';
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { asService, initTestApp } from '@wsb/kernel/src/testing';
import { ConfigError, flushLogs } from '@wsb/kernel';
import { readConfig } from '../src/config';
import { createNotificationSubgraph } from '../src/subgraph';
import { message, row, SEND, settled, type App } from './helpers';

const booking = asService('booking');
const userId = '00000000-0000-4000-8000-000000000002';

/** Starts an app with the transports the environment selects (no injected mailer). */
async function appWith(env: Record<string, string>): Promise<App> {
  return initTestApp(createNotificationSubgraph(), { env: { NOTIFY_MAX_ATTEMPTS: '2', NOTIFY_RETRY_BASE_MS: '5', ...env } });
}
async function stop(app: App) {
  await app.close();
}

/** Just enough of an SMTP server to accept one message and keep what it received. */
async function fakeSmtpServer() {
  const received: string[] = [];
  const server = net.createServer((socket) => {
    let data = false;
    let buffer = '';
    socket.write('220 fake ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data) {
          if (line === '.') {
            data = false;
            socket.write('250 queued\r\n');
          } else received.push(line);
        } else if (/^DATA/i.test(line)) {
          data = true;
          socket.write('354 go ahead\r\n');
        } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { received, port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('default log transport (no SMTP_URL)', () => {
  let app: App;
  beforeAll(async () => {
    app = await appWith({});
  });
  afterAll(() => stop(app));

  it('writes the whole email and the SMS as log lines on stdout', async () => {
    // The process's log lines go to fd 1 in batches (packages/kernel/src/logger.ts): what reaches it is what an operator reads.
    flushLogs();
    const written: string[] = [];
    const writeSync = fs.writeSync.bind(fs) as (...args: unknown[]) => number;
    const write = jest.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: unknown, ...rest: unknown[]) => {
      if (fd !== 1) return writeSync(fd, data, ...rest);
      written.push(String(data));
      return Buffer.byteLength(String(data));
    }) as typeof fs.writeSync);
    try {
      const email = await app.run(SEND, message(userId, { body: 'Line one.\nLine two.' }), booking);
      const text = await app.run(SEND, message(userId, { channel: 'SMS', recipient: '+4915112345678', body: 'Booking confirmed.' }), booking);
      expect(email.data._sendNotification.status).toBe('SENT');
      expect(text.data._sendNotification.status).toBe('SENT');
      flushLogs();
    } finally {
      write.mockRestore();
    }
    const logged = written
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'notification',
        transport: 'log',
        msg: 'email (not sent: SMTP_URL is not set)',
        email: expect.objectContaining({
          from: { address: 'no-reply@localhost', name: 'Workspace Booking' },
          to: [{ address: 'ada@example.com', name: '' }],
          subject: 'Your booking is confirmed',
          text: 'Line one.\nLine two.',
        }),
      }),
      expect.objectContaining({ msg: 'sms (not sent: no SMS provider is configured)', sms: { to: '+4915112345678', text: 'Booking confirmed.' } }),
    ]);
  });
});

describe('SMTP transport (SMTP_URL set)', () => {
  it('delivers through the SMTP server from MAIL_FROM', async () => {
    const smtp = await fakeSmtpServer();
    const app = await appWith({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Desks <desks@example.com>' });
    try {
      const { data } = await app.run(SEND, message(userId), booking);
      expect(data._sendNotification.status).toBe('SENT');
      expect(smtp.received).toEqual(expect.arrayContaining(['From: Desks <desks@example.com>', 'To: ada@example.com', 'Subject: Your booking is confirmed']));
      expect(smtp.received.join('\n')).toContain('Orion, 1 December 2026, 09:00 to 11:00.');
    } finally {
      await stop(app);
      await smtp.close();
    }
  });

  it('retries an unreachable server and records why it failed', async () => {
    const app = await appWith({ SMTP_URL: 'smtp://127.0.0.1:1' });
    try {
      const variables = message(userId);
      expect((await app.run(SEND, variables, booking)).data._sendNotification.status).toBe('QUEUED');
      await settled(app);
      expect(await row(app, variables.input.dedupeKey)).toMatchObject({
        status: 'FAILED',
        attempts: 2,
        failure_reason: 'Error: connect ECONNREFUSED 127.0.0.1:1', // nodemailer's own wording
      });
    } finally {
      await stop(app);
    }
  });
});

describe('configuration', () => {
  it('has defaults', async () => {
    expect(readConfig({})).toMatchObject({
      smtpUrl: undefined,
      mailFrom: 'Workspace Booking <no-reply@localhost>',
      notifyMaxAttempts: 4,
      notifyRetryBaseMs: 200,
    });
    // The transports the settings select are services of the app.
    const plain = await appWith({});
    const smtp = await appWith({ SMTP_URL: 'smtps://user:secret@mail.example.com:465' });
    try {
      expect({ mailer: { kind: plain.services.mailer.kind }, sms: { kind: plain.services.sms.kind } }).toEqual({
        mailer: { kind: 'log' },
        sms: { kind: 'log' },
      });
      expect(smtp.services.mailer.kind).toBe('smtp');
    } finally {
      await stop(plain);
      await stop(smtp);
    }
  });

  it('names every bad setting at once', () => {
    const bad = { SMTP_URL: 'http://mail.example.com', MAIL_FROM: 'nobody', NOTIFY_MAX_ATTEMPTS: '0', NOTIFY_RETRY_BASE_MS: 'soon' };
    expect(() => readConfig(bad)).toThrow(ConfigError);
    expect(() => readConfig(bad)).toThrow(
      [
        'Invalid configuration:',
        '  - SMTP_URL must be an smtp:// or smtps:// URL',
        '  - MAIL_FROM must be one email address, e.g. "Workspace Booking <no-reply@example.com>", got "nobody"',
        '  - NOTIFY_MAX_ATTEMPTS must be an integer between 1 and 20, got "0"',
        '  - NOTIFY_RETRY_BASE_MS must be an integer between 1 and 600000, got "soon"',
      ].join('\n'),
    );
  });
});
