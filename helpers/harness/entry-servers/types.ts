/** Where an entry server listens: the same ports on each loopback address the machine has. */
export interface EntryListen {
  /** 127.0.0.1, and ::1 when the machine has it (`localhost` may resolve to either). */
  hosts: string[];
  httpsPort: number;
  httpPort: number;
}

export type EntryServerName = 'nginx' | 'caddy';
