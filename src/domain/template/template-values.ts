import { parseZonedInstant } from '../instant.js';
import { firstInstantOfWall, wallMsAt } from '../schedule/wall-clock.js';
import type { TemplateValue, ValueType } from './template-types.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isCalendarDay(text: string): boolean {
  const m = DAY.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/**
 * A value given as text (a `--param`, the API's `parameters`, a definition
 * default) read as `type`, or a message saying why it is not one.
 *
 * @example coerceText('42', 'int') // { type: 'int', value: 42 }
 */
export function coerceText(text: string, type: ValueType): TemplateValue | string {
  switch (type) {
    case 'string':
      return { type, value: text };
    case 'int':
      return /^-?\d{1,16}$/.test(text) && Number.isSafeInteger(Number(text)) ? { type, value: Number(text) } : `'${short(text)}' is not a whole number`;
    case 'number': {
      const n = Number(text);
      return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) && Number.isFinite(n) ? { type, value: n } : `'${short(text)}' is not a number`;
    }
    case 'boolean':
      return text === 'true' || text === 'false' ? { type, value: text === 'true' } : `'${short(text)}' is not true or false`;
    case 'date':
      return isCalendarDay(text) ? { type, value: text } : `'${short(text)}' is not a date (YYYY-MM-DD)`;
    case 'timestamp': {
      const ms = parseZonedInstant(text);
      return ms !== undefined ? { type, value: ms } : `'${short(text)}' is not an ISO-8601 date-time with a zone (e.g. 2027-01-01T00:00:00Z)`;
    }
  }
}

/** A JSON value (a definition's `default`) read as `type`, or a message. */
export function coerceJson(value: unknown, type: ValueType): TemplateValue | string {
  if (typeof value === 'string') return coerceText(value, type);
  if (typeof value === 'number' && (type === 'int' || type === 'number')) return coerceText(String(value), type);
  if (typeof value === 'boolean' && type === 'boolean') return { type, value };
  return `${JSON.stringify(value)} is not a ${type}`;
}

const short = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** The text of a value: ISO instants in UTC, days as `YYYY-MM-DD`, numbers as JavaScript writes them. */
export function valueText(v: TemplateValue): string {
  switch (v.type) {
    case 'timestamp':
      return new Date(v.value).toISOString();
    case 'string':
    case 'date':
      return v.value;
    default:
      return String(v.value);
  }
}

/** The calendar day in `timezone` of an instant. */
export function dayOf(ms: number, timezone: string): string {
  return new Date(wallMsAt(ms, timezone)).toISOString().slice(0, 10);
}

/** The first instant of a calendar day in `timezone` (the day's midnight, or the first time after a DST gap). */
export function startOfDay(day: string, timezone: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`);
  for (let h = 0; h < 24; h++) {
    const at = firstInstantOfWall(wall + h * 3_600_000, timezone);
    if (at !== undefined) return at;
  }
  return wall;
}

/** Tokens of a `date('…')` format: YYYY MM DD HH mm ss SSS; `[text]` is literal; other letters are refused. */
const FORMAT_TOKEN = /YYYY|MM|DD|HH|mm|ss|SSS|\[[^\]]*\]|[A-Za-z]+|[^A-Za-z[]+|\[/g;

/** Why `format` is not a date format, or undefined when it is one. */
export function checkDateFormat(format: string): string | undefined {
  for (const [token] of format.matchAll(FORMAT_TOKEN)) {
    if (/^[A-Za-z]/.test(token) && !/^(YYYY|MM|DD|HH|mm|ss|SSS)$/.test(token)) {
      return `date format '${format}': unknown token '${token}' (use YYYY MM DD HH mm ss SSS; put literal letters in [brackets])`;
    }
    if (token === '[') return `date format '${format}': "[" is never closed`;
  }
  return undefined;
}

/** Formats an instant's wall clock in `timezone` with a checked format. */
export function formatInstant(ms: number, format: string, timezone: string): string {
  const wall = new Date(wallMsAt(ms, timezone) + (((ms % 1000) + 1000) % 1000));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const fields: Record<string, string> = {
    YYYY: pad(wall.getUTCFullYear(), 4),
    MM: pad(wall.getUTCMonth() + 1),
    DD: pad(wall.getUTCDate()),
    HH: pad(wall.getUTCHours()),
    mm: pad(wall.getUTCMinutes()),
    ss: pad(wall.getUTCSeconds()),
    SSS: pad(wall.getUTCMilliseconds(), 3),
  };
  return [...format.matchAll(FORMAT_TOKEN)].map(([t]) => fields[t] ?? (t.startsWith('[') ? t.slice(1, -1) : t)).join('');
}
