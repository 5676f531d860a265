/**
 * The parts locks play in the suite. On `sim` they come from fixtures/fleet.json; on `remote`
 * and `lab` only `main` is known (LOCKBENCH_LOCK_ID) and a spec needing another role is skipped.
 */
export interface FleetRoles {
  /** A bound lock reachable through a gateway, with face members. */
  main?: number;
  /** Another lock behind main's gateway. */
  sibling?: number;
  /** A lock with tolerance {behind: 1, ahead: 1}. */
  tolerant?: number;
  /** A lock whose clock drifts by `drifting_ppm`. */
  drifting?: number;
  driftingPpm?: number;
  /** A lock just above its low-battery threshold. */
  lowBattery?: number;
  /** A bound lock behind no gateway. */
  noAp?: number;
  /** A lock behind a gateway that is not bound. */
  unbound?: number;
  /** A deleted lock. */
  deleted?: number;
  /** A lock of a corp the default app may not use. */
  otherCorp?: number;
  /** A lock that stores only two user passwords. */
  smallStorage?: number;
  /** The gateway main is behind, and another gateway. */
  mainGateway?: number;
  otherGateway?: number;
  /** A lock id that exists nowhere. */
  unknown: number;
  /** Members of main with an image that matches their face. */
  faces?: { uid: number; name: string; id_num: string; image_base64: string }[];
  /** main's lock secret (hex), needed to predict codes and time-sync keys. */
  mainSecretHex?: string;
  /** The first time-sync seq the target issues for main (fixture `seq_start`), when known. */
  mainSeqStart?: number;
  /** main's MAC. */
  mainMac?: string;
}

export type Role = Exclude<keyof FleetRoles, 'unknown' | 'faces' | 'driftingPpm' | 'mainSecretHex' | 'mainMac' | 'mainSeqStart'>;

/** Roles of fixtures/fleet.json (the default fleet). */
export const SIM_FLEET: FleetRoles = {
  main: 1000001,
  sibling: 1000003,
  tolerant: 1000003,
  drifting: 1000005,
  driftingPpm: 200,
  lowBattery: 1000007,
  noAp: 1000009,
  unbound: 1000011,
  deleted: 1000013,
  otherCorp: 1000015,
  smallStorage: 1000017,
  mainGateway: 1000002,
  otherGateway: 1000004,
  unknown: 3999999999,
  faces: [
    { uid: 100001, name: '张三', id_num: '110101199003074477', image_base64: 'iVBORw0KGgo=' },
    { uid: 100002, name: '李四', id_num: '11010519491231002X', image_base64: 'R0lGODlhAQABAAAAACw=' },
  ],
  mainSecretHex: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  mainMac: '72:00:03:16:7d:f0',
  mainSeqStart: 1,
};
