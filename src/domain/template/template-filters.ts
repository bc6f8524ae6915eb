import type { TemplateFilter } from './template-parse.js';
import type { TemplateValue, ValueType } from './template-types.js';
import { checkDateFormat, coerceText, dayOf, formatInstant, startOfDay, valueText } from './template-values.js';

/** Filters by name: the input types each accepts, and its result type. */
const FILTERS: Readonly<Record<string, { readonly accepts: readonly ValueType[]; readonly result: ValueType; readonly arg?: 'format' }>> = {
  lower: { accepts: ['string'], result: 'string' },
  upper: { accepts: ['string'], result: 'string' },
  string: { accepts: ['string', 'int', 'number', 'boolean', 'date', 'timestamp'], result: 'string' },
  int: { accepts: ['int', 'number', 'string'], result: 'int' },
  number: { accepts: ['int', 'number', 'string'], result: 'number' },
  bool: { accepts: ['boolean', 'string'], result: 'boolean' },
  date: { accepts: ['date', 'timestamp', 'string'], result: 'date', arg: 'format' },
  timestamp: { accepts: ['timestamp', 'date', 'string'], result: 'timestamp' },
};

export const FILTER_NAMES: readonly string[] = Object.keys(FILTERS);

/**
 * The type `filter` turns a `input` value into, or a message: an unknown
 * filter, a filter of another type, a bad argument. `date('fmt')` formats a
 * date or timestamp as text; `date` alone casts to a date.
 */
export function filterType(input: ValueType, filter: TemplateFilter): ValueType | string {
  const spec = FILTERS[filter.name];
  if (!spec) return `unknown filter '${filter.name}' (filters: ${FILTER_NAMES.join(', ')})`;
  if (filter.arg !== undefined) {
    if (spec.arg !== 'format') return `filter '${filter.name}' takes no argument`;
    if (input === 'string') return `filter date('${filter.arg}') formats a date or timestamp; cast text first: | date | date('${filter.arg}')`;
    return checkDateFormat(filter.arg) ?? 'string';
  }
  if (!spec.accepts.includes(input)) return `filter '${filter.name}' does not apply to a ${input} (it takes ${spec.accepts.join(', ')})`;
  return spec.result;
}

/** Applies a filter already checked by {@link filterType}; a value that does not convert is a message. */
export function applyFilter(v: TemplateValue, filter: TemplateFilter, timezone: string): TemplateValue | string {
  switch (filter.name) {
    case 'lower':
    case 'upper': {
      const s = v.type === 'string' ? v.value : valueText(v);
      return { type: 'string', value: filter.name === 'lower' ? s.toLowerCase() : s.toUpperCase() };
    }
    case 'string':
      return { type: 'string', value: valueText(v) };
    case 'int':
      if (v.type === 'number') return Number.isSafeInteger(v.value) ? { type: 'int', value: v.value } : `${v.value} is not a whole number`;
      return v.type === 'int' ? v : coerceText(valueText(v), 'int');
    case 'number':
      return v.type === 'int' || v.type === 'number' ? { type: 'number', value: v.value } : coerceText(valueText(v), 'number');
    case 'bool':
      return v.type === 'boolean' ? v : coerceText(valueText(v), 'boolean');
    case 'date':
      if (filter.arg !== undefined) {
        const ms = v.type === 'timestamp' ? v.value : v.type === 'date' ? Date.parse(`${v.value}T00:00:00Z`) : NaN;
        // A day is formatted as the day it is, in no zone.
        return { type: 'string', value: formatInstant(ms, filter.arg, v.type === 'date' ? 'UTC' : timezone) };
      }
      if (v.type === 'timestamp') return { type: 'date', value: dayOf(v.value, timezone) };
      return v.type === 'date' ? v : coerceText(valueText(v), 'date');
    case 'timestamp':
      if (v.type === 'date') return { type: 'timestamp', value: startOfDay(v.value, timezone) };
      return v.type === 'timestamp' ? v : coerceText(valueText(v), 'timestamp');
    default:
      return `unknown filter '${filter.name}'`;
  }
}
