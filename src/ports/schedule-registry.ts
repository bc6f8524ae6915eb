/** One curation's schedule as a scheduler service keeps it (EventBridge Scheduler). */
export interface CurationSchedule {
  /** `scheduleRuleName(curationType)`. */
  readonly name: string;
  /** EventBridge syntax, `cron(…)` or `rate(…)`, as the definition has it. */
  readonly expression: string;
  /** IANA zone the cron fields are read in. */
  readonly timezone: string;
  readonly enabled: boolean;
  /** What the target is invoked with (the start-execution function's event). */
  readonly input: Readonly<Record<string, unknown>>;
}

/** Creates, replaces and removes curation schedules. */
export interface ScheduleRegistry {
  /** Creates the schedule, or replaces the one of that name. */
  put(schedule: CurationSchedule): Promise<void>;
  /** True if it existed. */
  delete(name: string): Promise<boolean>;
  /** Optional capability: the names of every schedule the registry holds (its group's), for a full resync. */
  list?(): Promise<string[]>;
}
