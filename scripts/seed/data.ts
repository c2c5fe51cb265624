/**
 * The demo data `./dev.sh seed` makes: workspaces in six cities (six time zones), 50 members, and
 * a month of bookings around today. Everything is a pure function of names and dates, so two runs
 * (on the same day or on later days) plan the same booking for the same slot, with the same owner
 * and the same idempotency key.
 */
import { createHash } from 'node:crypto';

type WorkspaceKind = 'DESK' | 'MEETING_ROOM' | 'PRIVATE_OFFICE';
export interface DemoWorkspace {
  name: string;
  description: string;
  kind: WorkspaceKind;
  capacity: number;
  /** Cents per hour, in EUR (the platform's revenue currency). */
  hourlyRate: number;
  timezone: string;
}
export interface DemoMember {
  name: string;
  email: string;
}
export interface PlannedBooking {
  workspace: DemoWorkspace;
  member: DemoMember;
  startsAt: Date;
  endsAt: Date;
  attendees: number;
  idempotencyKey: string;
  cancelled: boolean;
}

export const MEMBER_PASSWORD = 'demo-member-2026';

const CITIES: { city: string; timezone: string; rooms: string[]; offices: string[] }[] = [
  { city: 'Berlin', timezone: 'Europe/Berlin', rooms: ['Spree', 'Tiergarten'], offices: ['Kreuzberg Studio'] },
  { city: 'London', timezone: 'Europe/London', rooms: ['Thames', 'Soho'], offices: ['Shoreditch Suite'] },
  { city: 'New York', timezone: 'America/New_York', rooms: ['Hudson', 'Brooklyn'], offices: ['Chelsea Loft'] },
  { city: 'San Francisco', timezone: 'America/Los_Angeles', rooms: ['Presidio', 'Embarcadero'], offices: ['Mission Office'] },
  { city: 'Singapore', timezone: 'Asia/Singapore', rooms: ['Marina', 'Orchard'], offices: ['Tanjong Pagar Office'] },
  { city: 'Sydney', timezone: 'Australia/Sydney', rooms: ['Harbour', 'Bondi'], offices: ['Surry Hills Studio'] },
];

/** Six per city: three desks, two meeting rooms, one private office; 36 in all. */
export function demoWorkspaces(): DemoWorkspace[] {
  return CITIES.flatMap(({ city, timezone, rooms, offices }, c) => [
    ...[1, 2, 3].map((n) => ({
      name: `${city} Hot Desk ${n}`,
      description: `A desk by the window on the open floor in ${city}, monitor and locker included.`,
      kind: 'DESK' as const,
      capacity: 1,
      hourlyRate: 800 + 100 * ((c + n) % 4),
      timezone,
    })),
    ...rooms.map((room, r) => ({
      name: `${city} ${room} Room`,
      description: `Meeting room in ${city} with a screen, a whiteboard and video conferencing.`,
      kind: 'MEETING_ROOM' as const,
      capacity: r === 0 ? 8 : 4,
      hourlyRate: r === 0 ? 4500 : 2800,
      timezone,
    })),
    ...offices.map((office) => ({
      name: `${city} ${office}`,
      description: `A private, lockable office for a small team in ${city}.`,
      kind: 'PRIVATE_OFFICE' as const,
      capacity: 4,
      hourlyRate: 6500,
      timezone,
    })),
  ]);
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Linus',
  'Margaret',
  'Dennis',
  'Barbara',
  'Ken',
  'Frances',
  'Edsger',
  'Radia',
  'Tim',
  'Katherine',
  'Donald',
  'Hedy',
  'John',
  'Sophie',
  'Guido',
  'Shafi',
  'Niklaus',
  'Lucía',
  'Kenji',
  'Amara',
  'Mateo',
  'Priya',
  'Oskar',
  'Yuki',
  'Chloé',
  'Tomasz',
  'Ingrid',
  'Rahul',
  'Aiko',
  'Felix',
  'Zanele',
  'Liam',
  'Mei',
  'Diego',
  'Hannah',
  'Omar',
  'Astrid',
  'Noah',
  'Leila',
  'Sven',
  'Camila',
  'Arjun',
  'Freya',
  'Mohammed',
  'Elena',
  'Kwame',
  'Isla',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Torvalds',
  'Hamilton',
  'Ritchie',
  'Liskov',
  'Thompson',
  'Allen',
  'Dijkstra',
  'Perlman',
  'Berners-Lee',
  'Johnson',
  'Knuth',
  'Lamarr',
  'Backus',
  'Wilson',
  'van Rossum',
  'Goldwasser',
  'Wirth',
  'García',
  'Tanaka',
  'Okafor',
  'Rossi',
  'Sharma',
  'Lindqvist',
  'Sato',
  'Dubois',
  'Nowak',
  'Hansen',
  'Mehta',
  'Kobayashi',
  'Becker',
  'Dlamini',
  'Murphy',
  'Chen',
  'Fernández',
  'Schmidt',
  'Haddad',
  'Berg',
  'Williams',
  'Rahimi',
  'Johansson',
  'Silva',
  'Patel',
  'Nielsen',
  'Al-Sayed',
  'Popescu',
  'Mensah',
  'MacLeod',
];

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[^a-zA-Z-]/g, '')
    .toLowerCase();

const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[^a-zA-Z0-9 ]/g, '')
    .trim()
    .toLowerCase()
    .replace(/ +/g, '-');

export function demoMembers(): DemoMember[] {
  return FIRST.map((first, i) => ({ name: `${first} ${LAST[i]}`, email: `${ascii(first)}.${ascii(LAST[i])}@demo.example.com` }));
}

/** A stable number from a text. */
function hashOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** A stable UUID from a text (history rows written straight to the databases keep their ids across runs). */
export function uuidOf(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The UTC instant of a wall-clock time in an IANA zone. */
function zonedTime(date: string, hour: number, minute: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  let instant = wall;
  for (let i = 0; i < 2; i++) instant = wall - offsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

function offsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  );
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute) - Math.floor(at.getTime() / 60000) * 60000;
}

/** Local business days (Mon–Fri) from `days` before today to `days` after, as YYYY-MM-DD. */
function businessDays(today: Date, days: number, timeZone: string): string[] {
  const out: string[] = [];
  for (let i = -days; i <= days; i++) {
    const noon = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + i, 12));
    const local = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' }).formatToParts(noon);
    const get = (type: string) => local.find((p) => p.type === type)!.value;
    if (get('weekday') === 'Sat' || get('weekday') === 'Sun') continue;
    out.push(`${get('year')}-${get('month')}-${get('day')}`);
  }
  return out;
}

/**
 * Each workspace's bookings on each business day of the month around `today`: a desk is taken for
 * the morning, the afternoon or the day, a meeting room for up to four meetings, an office for
 * the day; about half the days stay free, and about one booking in eight is cancelled. Times are local
 * office hours (8:00–18:00 in the workspace's zone), never overlapping on one workspace.
 */
export function plannedBookings(today: Date, members: DemoMember[], workspaces: DemoWorkspace[], days = 14): PlannedBooking[] {
  const plan: PlannedBooking[] = [];
  for (const workspace of workspaces) {
    for (const date of businessDays(today, days, workspace.timezone)) {
      const seed = hashOf(`${workspace.name}|${date}`);
      if (seed % 10 < 5) continue; // a free day
      const slots: [number, number][] =
        workspace.kind === 'DESK'
          ? [
              [
                [9, 13],
                [13, 17],
                [9, 17],
              ][seed % 3] as [number, number],
            ]
          : workspace.kind === 'PRIVATE_OFFICE'
            ? [[9, 17]]
            : (
                [
                  [9, 10],
                  [11, 13],
                  [14, 15.5],
                  [16, 17],
                ] as [number, number][]
              ).filter((_, i) => (seed >>> (4 + i)) % 2 === 0);
      slots.forEach(([from, to], n) => {
        const h = hashOf(`${workspace.name}|${date}|${n}`);
        plan.push({
          workspace,
          member: members[h % members.length],
          startsAt: zonedTime(date, Math.floor(from), (from % 1) * 60, workspace.timezone),
          endsAt: zonedTime(date, Math.floor(to), (to % 1) * 60, workspace.timezone),
          attendees: 1 + ((h >>> 8) % workspace.capacity),
          idempotencyKey: `seed:${slug(workspace.name)}:${date}:${n}`,
          cancelled: (h >>> 16) % 8 === 0,
        });
      });
    }
  }
  return plan;
}
