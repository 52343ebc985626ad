/** The launch report's data model (reports/launch-report.json, CONTRACT.md "Outputs"). */
export type ItemStatus = 'PASS' | 'FAIL' | 'WAIVED' | 'NOT_CHECKED' | 'MANUAL' | 'N_A';

export interface TestRecord {
  id: string;
  title: string;
  file: string;
  line: number;
  project: string;
  items: string[];
  sectionTag?: string;
  status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  durationMs: number;
  /** not_checked / manual / n_a / skip reason / cleanup_failed */
  annotations: { type: string; description?: string }[];
  error?: string;
  attachments: { name: string; path?: string; contentType: string }[];
}

export interface ItemReport {
  id: string;
  title: string;
  kind: string;
  status: ItemStatus;
  reason?: string;
  tests: {
    title: string;
    status: TestRecord['status'];
    file: string;
    error?: string;
    reportLink: string;
    evidence: { name: string; path?: string }[];
  }[];
  rerun?: string;
  waiver?: { reason: string; tracking: string; expires: string };
}

export interface SectionReport {
  id: string;
  number: number;
  title: string;
  tag: string;
  status: ItemStatus;
  items: ItemReport[];
}

export interface LaunchReport {
  verdict: 'GO' | 'NO_GO';
  verdictReasons: string[];
  target: { baseURL?: string; kind?: string; runId?: string };
  generatedAt: string;
  counts: Record<ItemStatus, number> & { checked: number; total: number; testsRun: number };
  sections: SectionReport[];
  waiverProblems: string[];
  cleanupProblems: string[];
}
