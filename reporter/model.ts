/** The launch report's data model (reports/launch-report.json, CONTRACT.md "Outputs"). */
export type ItemStatus = 'PASS' | 'FAIL' | 'WAIVED' | 'NOT_CHECKED' | 'MANUAL' | 'N_A';

/**
 * GO: every item PASS, WAIVED, N_A or MANUAL with a valid sign-off, on a real target, in a run of
 * the whole suite. NO_GO: a failure (or a run that proves nothing, or a bad waiver or sign-off).
 * INCOMPLETE: anything else; `missing` says what would complete it.
 */
export type Verdict = 'GO' | 'NO_GO' | 'INCOMPLETE';

export interface TestRecord {
  id: string;
  /** Identity of the test across runs: project, file, line, column, title (see reporter/suite-listing.ts). */
  key: string;
  title: string;
  file: string;
  line: number;
  project: string;
  items: string[];
  sectionTag?: string;
  status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  durationMs: number;
  /** not_checked / manual / n_a / skip reason / cleanup_failed / qualified / note / ... */
  annotations: { type: string; description?: string }[];
  error?: string;
  attachments: { name: string; path?: string; contentType: string }[];
}

/** One checklist test of the whole suite, as a listing of every project without filters sees it. */
export interface ListedTest {
  key: string;
  title: string;
  project: string;
  file: string;
  items: string[];
}

/** A note a test left on its result: `qualified` (the pass holds only as far as it says), `note`, `recommendation`, ... */
export interface ItemNote {
  type: string;
  text: string;
  test: string;
}

export interface Signoff {
  item: string;
  signedBy: string;
  signedOn: string;
  confirmed: string;
  expires: string;
}

export interface ItemReport {
  id: string;
  title: string;
  kind: string;
  status: ItemStatus;
  reason?: string;
  /** False for items a partial run did not select: they count neither for nor against its verdict. */
  inScope: boolean;
  /** What would turn a NOT_CHECKED or MANUAL item into a checked one: a variable, a sign-off, a re-run. */
  completeWith?: string;
  /** True when a passing test qualified its pass (see `notes` of type `qualified`). */
  qualified: boolean;
  notes: ItemNote[];
  tests: {
    title: string;
    project: string;
    status: TestRecord['status'] | 'not run';
    file: string;
    error?: string;
    reportLink?: string;
    /** Paths relative to the launch report. */
    evidence: { name: string; path?: string }[];
  }[];
  rerun?: string;
  waiver?: { reason: string; tracking: string; expires: string };
  signoff?: Signoff;
}

export interface SectionReport {
  id: string;
  number: number;
  title: string;
  tag: string;
  status: ItemStatus;
  items: ItemReport[];
}

export interface MissingItem {
  item: string;
  title: string;
  status: ItemStatus;
  reason: string;
  completeWith: string;
}

export interface LaunchReport {
  verdict: Verdict;
  /** Why the verdict is not GO: `noGoReasons` then `incompleteReasons`. */
  verdictReasons: string[];
  /** What makes it NO_GO: failures, a run that proves nothing or did not complete, bad waivers or sign-offs. */
  noGoReasons: string[];
  /** What keeps it from GO without failing: unchecked or unsigned items, a partial run, a self-test. */
  incompleteReasons: string[];
  /** A filtered run (--grep, --project, files, --last-failed, shards): its verdict covers the selected items only and is never GO. */
  partial: boolean;
  /** A run against the suite's own stand-in: it tests the suite, not AsterDrive, and is never GO. */
  selfTest: boolean;
  /** For a self-test: nothing failed and no waiver or sign-off is bad. */
  selfTestPassed?: boolean;
  /** The suite's own files did not load: the run says nothing about the target (exit 2). */
  suiteError?: string;
  scope: {
    /** Items with at least one test selected in this run (every item in a full run). */
    selectedItems: string[];
    /** In a partial run: every selected item is PASS, WAIVED, N_A or signed-off MANUAL. */
    selectionComplete: boolean;
    listedTests: number;
    selectedTests: number;
    /** Set when the whole suite could not be listed, so completeness is unknown. */
    listError?: string;
  };
  /** In-scope items that keep the verdict from GO without failing: what is missing and what would complete it. */
  missing: MissingItem[];
  /** `kind`: 'deployment' | 'asterdrive-binary' | 'standin' (the run state's targetKind); `description`: how global setup described it. */
  target: { baseURL?: string; kind?: string; description?: string; runId?: string };
  generatedAt: string;
  counts: Record<ItemStatus, number> & { checked: number; total: number; testsRun: number; signedOff: number; qualified: number };
  sections: SectionReport[];
  waiverProblems: string[];
  signoffProblems: string[];
  cleanupProblems: string[];
  /**
   * What the teardown noticed without failing the run: data a failed check left and the sweep
   * removed (`swept`), a folder walk cut short (`sweep_incomplete`), settings the server itself or
   * another admin changed during the run (`settings_changed`).
   */
  safetyNotes: string[];
  /** Links relative to the launch report. */
  links: { playwrightReport: string; markdown: string; json: string; html: string };
}
