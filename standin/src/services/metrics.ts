/** A tiny Prometheus text-format (0.0.4) registry: counters, gauges and histograms with labels. */
type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  series: Map<string, { labels: Labels; value: number; buckets?: number[]; sum?: number; count?: number }>;
  buckets?: number[];
}

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function key(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function fmtLabels(labels: Labels, extra?: [string, string]): string {
  const all = Object.entries(labels);
  if (extra) all.push(extra);
  if (all.length === 0) return '';
  return `{${all.map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;
}

function num(n: number): string {
  if (n === Infinity) return '+Inf';
  return Number.isInteger(n) ? String(n) : String(n);
}

export class Metrics {
  private fams = new Map<string, Family>();

  private fam(name: string, help: string, type: Family['type'], buckets?: number[]): Family {
    let f = this.fams.get(name);
    if (!f) {
      f = { name, help, type, series: new Map(), buckets };
      this.fams.set(name, f);
    }
    return f;
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const f = this.fam(name, help, 'counter');
    const k = key(labels);
    const s = f.series.get(k) ?? { labels, value: 0 };
    s.value += by;
    f.series.set(k, s);
  }

  set(name: string, help: string, value: number, labels: Labels = {}): void {
    const f = this.fam(name, help, 'gauge');
    f.series.set(key(labels), { labels, value });
  }

  observe(name: string, help: string, labels: Labels, v: number): void {
    const f = this.fam(name, help, 'histogram', DEFAULT_BUCKETS);
    const k = key(labels);
    const s = f.series.get(k) ?? { labels, value: 0, buckets: DEFAULT_BUCKETS.map(() => 0), sum: 0, count: 0 };
    DEFAULT_BUCKETS.forEach((b, i) => {
      if (v <= b) s.buckets![i]!++;
    });
    s.sum! += v;
    s.count!++;
    f.series.set(k, s);
  }

  render(): string {
    const lines: string[] = [];
    for (const f of [...this.fams.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push(`# HELP ${f.name} ${f.help}`);
      lines.push(`# TYPE ${f.name} ${f.type}`);
      for (const s of f.series.values()) {
        if (f.type === 'histogram') {
          f.buckets!.forEach((b, i) => {
            lines.push(`${f.name}_bucket${fmtLabels(s.labels, ['le', num(b)])} ${s.buckets![i]}`);
          });
          lines.push(`${f.name}_bucket${fmtLabels(s.labels, ['le', '+Inf'])} ${s.count}`);
          lines.push(`${f.name}_sum${fmtLabels(s.labels)} ${num(s.sum!)}`);
          lines.push(`${f.name}_count${fmtLabels(s.labels)} ${s.count}`);
        } else {
          lines.push(`${f.name}${fmtLabels(s.labels)} ${num(s.value)}`);
        }
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
