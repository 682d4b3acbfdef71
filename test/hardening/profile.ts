// How big each hardening run is. `npm test` runs the quick profile (the whole suite shares a
// 10-minute budget on two cores); `npm run soak` sets VMOODLE_HARDENING=soak for the long one.
export interface Profile {
  name: 'quick' | 'soak';
  /** Sidecar load: how long each fault phase lasts, how many tenants are served, how fast to ask. */
  phaseMs: number;
  tenants: number;
  concurrency: number;
  maxRate: number;
  /** Rounds of the sidecar fault sequence. */
  rounds: number;
  /** Hostile Host corpus: its size, and how much of it goes through real processes. */
  corpusSize: number;
  httpSample: number;
  phpServerSample: number;
  /** Provider faults: tenants per apply, and kill points tried. */
  providerTenants: number;
  killRounds: number;
  /** Rows in the slow template's content table: how long a create or domain switch takes. */
  templateRows: number;
  /**
   * Quick: the faults are chained (each faulted apply also resumes what the previous one left) and
   * one apply at the end must converge. Soak: every fault is followed by its own converging apply.
   */
  chainFaults: boolean;
}

const QUICK: Profile = {
  name: 'quick',
  phaseMs: 1500,
  tenants: 40,
  concurrency: 4,
  maxRate: 1500,
  rounds: 1,
  corpusSize: 100_000,
  httpSample: 8_000,
  phpServerSample: 1_200,
  providerTenants: 3,
  killRounds: 1,
  templateRows: 30_000,
  chainFaults: true,
};

const SOAK: Profile = {
  name: 'soak',
  phaseMs: 20_000,
  tenants: 2_000,
  concurrency: 8,
  maxRate: 3000,
  rounds: 3,
  corpusSize: 300_000,
  httpSample: 300_000,
  phpServerSample: 20_000,
  providerTenants: 12,
  killRounds: 3,
  templateRows: 60_000,
  chainFaults: false,
};

export const profile: Profile = process.env.VMOODLE_HARDENING === 'soak' ? SOAK : QUICK;
