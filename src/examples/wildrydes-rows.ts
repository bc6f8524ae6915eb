import type { AsciiWriter } from './ascii-writer.js';
import { type Random, pick, randomInt } from './seeded-random.js';

export interface City {
  readonly name: string;
  readonly lat: number;
  readonly lng: number;
}

const CITIES: readonly City[] = [
  { name: 'Seattle', lat: 47.6062, lng: -122.3321 },
  { name: 'Portland', lat: 45.5152, lng: -122.6784 },
  { name: 'San Francisco', lat: 37.7749, lng: -122.4194 },
  { name: 'Denver', lat: 39.7392, lng: -104.9903 },
  { name: 'Austin', lat: 30.2672, lng: -97.7431 },
  { name: 'Chicago', lat: 41.8781, lng: -87.6298 },
  { name: 'New York', lat: 40.7128, lng: -74.006 },
  { name: 'Boston', lat: 42.3601, lng: -71.0589 },
];

const UNICORNS = [
  'Shadowfax', 'Rocinante', 'Bucephalus', 'Sparkles', 'Stardust', 'Moonbeam', 'Thunderhoof', 'Glitter',
  'Nimbus', 'Aurora', 'Comet', 'Sundancer', 'Whisper', 'Celestia', 'Pegasus', 'Rainbow Dash',
];
const FIRST = ['Eunice', 'Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Edsger', 'Radia'];
const LAST = ['Unicorn', 'Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'Dijkstra', 'Perlman'];

const DAY_MS = 86_400_000;

/** The ryders: one JSON line each, and each one's home city so bookings happen where ryders live. */
export function ryderRows(random: Random, count: number, signupBefore: number): { body: string; ids: string[]; cities: City[] } {
  const lines: string[] = [];
  const ids: string[] = [];
  const cities: City[] = [];
  for (let i = 0; i < count; i++) {
    const first = pick(random, FIRST);
    const last = pick(random, LAST);
    const city = pick(random, CITIES);
    const signup = new Date(signupBefore - (1 + randomInt(random, 730)) * DAY_MS).toISOString().slice(0, 10);
    const email = `${first}.${last}.${i}@example.com`.toLowerCase();
    ids.push(ryderId(i));
    cities.push(city);
    lines.push(
      `{"ryder_id":"${ids[i]}","name":"${first} ${last}","email":"${email}","home_city":"${city.name}","signup_date":"${signup}"}\n`,
    );
  }
  return { body: lines.join(''), ids, cities };
}

export function ryderId(index: number): string {
  return `ryder-${String(index).padStart(6, '0')}`;
}

/** The longest booking line {@link writeBookingRow} can write, with room to spare. */
export const MAX_BOOKING_BYTES = 512;

/**
 * Writes one booking on `dayIso` (YYYY-MM-DD, UTC) as a JSON line. `index`
 * makes `booking_id` unique (its last 12 hex digits); the rest of the id and
 * every value come from `random`. Ryder `ryders.ids[i]` lives in `ryders.cities[i]`.
 */
export function writeBookingRow(
  out: AsciiWriter,
  random: Random,
  index: number,
  dayIso: string,
  ryders: { readonly ids: readonly string[]; readonly cities: readonly City[] },
): void {
  const ryder = randomInt(random, ryders.ids.length);
  const city = ryders.cities[ryder]!;
  const pickupLat = city.lat + (random() - 0.5) * 0.3;
  const pickupLng = city.lng + (random() - 0.5) * 0.3;
  const dropoffLat = pickupLat + (random() - 0.5) * 0.16;
  const dropoffLng = pickupLng + (random() - 0.5) * 0.16;
  const km = distanceKm(pickupLat, pickupLng, dropoffLat, dropoffLng);
  const roll = random();
  const status = roll < 0.88 ? 'completed' : roll < 0.96 ? 'cancelled' : 'no_show';
  const fare = status === 'completed' ? 2.5 + km * 1.75 * (1 + random() * 0.3) : status === 'cancelled' ? 0 : 5;
  const seconds = randomInt(random, 86_400);
  const id1 = randomInt(random, 0x100000000);
  const id2 = randomInt(random, 0x100000000);
  const id3 = randomInt(random, 0x1000);

  out.reserve(MAX_BOOKING_BYTES);
  out.str('{"booking_id":"');
  out.hex32(id1, 8);
  out.str('-');
  out.hex32(id2 >>> 16, 4);
  out.str('-4');
  out.hex32((id2 >>> 4) & 0xfff, 3);
  out.str('-a');
  out.hex32(id3, 3);
  out.str('-');
  out.hex48(index);
  out.str('","ryder_id":"');
  out.str(ryders.ids[ryder]!);
  out.str('","unicorn_name":"');
  out.str(pick(random, UNICORNS));
  out.str('","pickup_lat":');
  out.fixed(pickupLat, 6);
  out.str(',"pickup_lng":');
  out.fixed(pickupLng, 6);
  out.str(',"dropoff_lat":');
  out.fixed(dropoffLat, 6);
  out.str(',"dropoff_lng":');
  out.fixed(dropoffLng, 6);
  out.str(',"distance_km":');
  out.fixed(km, 2);
  out.str(',"fare_usd":');
  out.fixed(fare, 2);
  out.str(',"booked_at":"');
  out.str(dayIso);
  out.str('T');
  out.uint(Math.floor(seconds / 3600), 2);
  out.str(':');
  out.uint(Math.floor(seconds / 60) % 60, 2);
  out.str(':');
  out.uint(seconds % 60, 2);
  out.str('Z","status":"');
  out.str(status);
  out.str('"}\n');
}

/** Splits `rows` over `days` with some days busier than others (weekends most); the counts add up to `rows`. */
export function rowsPerDay(random: Random, rows: number, days: number, firstDayMs: number): number[] {
  const weights = Array.from({ length: days }, (_, d) => {
    const weekday = new Date(firstDayMs + d * DAY_MS).getUTCDay();
    return (weekday === 0 || weekday === 6 ? 1.3 : 1) * (0.8 + random() * 0.4);
  });
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((rows * w) / total));
  let left = rows - counts.reduce((a, b) => a + b, 0);
  for (let d = 0; left > 0; d = (d + 1) % days, left--) counts[d]! += 1;
  return counts;
}

function distanceKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 12_742 * Math.asin(Math.sqrt(a));
}
