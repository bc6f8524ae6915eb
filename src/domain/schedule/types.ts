/** The six fields of an EventBridge Scheduler cron expression, as written. */
export interface CronFields {
  readonly minutes: string;
  readonly hours: string;
  readonly dayOfMonth: string;
  readonly month: string;
  readonly dayOfWeek: string;
  readonly year: string;
}

/** Time units a rate expression may use. */
export type RateUnit = 'minute' | 'hour' | 'day';

/** A parsed, validated `cron(...)` or `rate(...)` expression; `source` is the text it came from. */
export type ScheduleExpression =
  | { readonly kind: 'cron'; readonly fields: CronFields; readonly source: string }
  | {
      readonly kind: 'rate';
      readonly value: number;
      readonly unit: RateUnit;
      /** `value` in milliseconds. */
      readonly everyMs: number;
      readonly source: string;
    };
