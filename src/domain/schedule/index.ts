export { parseScheduleExpression } from './parse.js';
export type { CronFields, RateUnit, ScheduleExpression } from './types.js';
export { nextFireTime, nextFireTimes, isValidTimezone } from './next-fires.js';
export type { NextFireOptions } from './next-fires.js';
export { ScheduleSyntaxError } from './schedule-syntax-error.js';
