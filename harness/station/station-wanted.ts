/**
 * Whether `conformance` serves the station page (docs/evidence.md §14 `--station`). Pure: the flags, the target and
 * where the run is are its whole input, so the rule is tested without a terminal.
 */

export interface StationAsk {
  /** `--station` (true), `--no-station` (false), neither (undefined). */
  station: boolean | undefined;
  /** `--operator`: a person answers prompts, which only the page (and the terminal) can ask. */
  operator: boolean;
  target: string;
  /** Whether stdout is a terminal (a person watches the run). */
  isTTY: boolean;
  /** `CI` as the environment has it; set and non-empty means a CI job. */
  ci: string | undefined;
}

/** The flags win; without them a person at a terminal on lab or gateway gets the page, CI and pipes do not. */
export function stationWanted(a: StationAsk): boolean {
  // --operator needs the station's channel for its answers, so it turns the page on.
  if (a.station !== undefined) return a.station;
  if (a.operator) return true;
  return (a.target === 'lab' || a.target === 'gateway') && a.isTTY && !a.ci;
}
