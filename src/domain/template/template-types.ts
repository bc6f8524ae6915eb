/** The types a template value (a variable, a parameter, a filter's result) can have. */
export const VALUE_TYPES = ['string', 'int', 'number', 'boolean', 'date', 'timestamp'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/**
 * A typed template value. `date` is a calendar day `YYYY-MM-DD`;
 * `timestamp` an instant in epoch milliseconds (rendered in UTC).
 */
export type TemplateValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'date'; readonly value: string }
  | { readonly type: 'timestamp'; readonly value: number };

/** The variables every run has, and their types. `params.NAME` come from the definition's `parameters`. */
export const BUILTIN_VARIABLES: Readonly<Record<string, ValueType>> = {
  scheduled_time: 'timestamp',
  interval_start: 'timestamp',
  interval_end: 'timestamp',
  run_id: 'string',
  curation_type: 'string',
};

/** What a template is rendered with: the built-in variables, the resolved parameters, and the zone calendar fields are read in. */
export interface TemplateScope {
  readonly variables: Readonly<Record<string, TemplateValue>>;
  readonly params: Readonly<Record<string, TemplateValue>>;
  /** IANA zone of `date` filters over timestamps (the curation's `timezone`, default UTC). */
  readonly timezone: string;
}
