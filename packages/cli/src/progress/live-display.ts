import type { SyncProgress } from '@mlc/sync-engine';
import type { CliIO } from '../output/cli-io.js';
import { describeProgress } from './describe-progress.js';

/** What the live display shows of one stream. */
export interface StreamLine {
  /** Where its run is. */
  state: 'waiting' | 'running' | 'completed' | 'quarantined' | 'stopped' | 'skipped' | 'failed';
  /** Its last progress (or its result's counters once finished). */
  progress?: SyncProgress;
  /** Time spent waiting for quota so far. */
  throttledMs: number;
  /** A last word: how long it took, why it was skipped or failed, an alert's code. */
  note?: string;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const REDRAW_MS = 120;
const MARKS: Record<StreamLine['state'], string> = {
  running: '',
  completed: '✔',
  quarantined: '!',
  failed: '✘',
  waiting: '·',
  stopped: '-',
  skipped: '-',
};

/**
 * One line per stream, redrawn in place every 120 ms on a terminal (`live`); otherwise it only keeps the lines
 * (events update them whatever the mode) and draws nothing.
 */
export class LiveDisplay {
  readonly #io: CliIO;
  readonly #live: boolean;
  readonly #lines: Map<string, StreamLine>;
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  #drawn = 0;
  #tick = 0;

  /** @param io the terminal @param streams the streams listed first @param live whether to draw at all */
  constructor(io: CliIO, streams: readonly string[], live: boolean) {
    this.#io = io;
    this.#live = live;
    this.#lines = new Map(streams.map((s) => [s, { state: 'waiting', throttledMs: 0 }]));
    this.#timer = live ? setInterval(() => this.draw(), REDRAW_MS) : undefined;
    this.#timer?.unref();
  }

  /** Whether the display draws (a terminal). */
  get live(): boolean {
    return this.#live;
  }

  /** The line of `stream` (added, waiting, when the stream was not listed). */
  line(stream: string): StreamLine {
    let l = this.#lines.get(stream);
    if (!l) {
      l = { state: 'waiting', throttledMs: 0 };
      this.#lines.set(stream, l);
    }
    return l;
  }

  /** Redraws every line in place (nothing unless live). */
  draw(): void {
    if (!this.#live) return;
    this.#tick += 1;
    const width = Math.max(40, this.#io.columns - 1);
    const nameWidth = Math.max(...[...this.#lines.keys()].map((n) => n.length));
    const out: string[] = [];
    for (const [name, l] of this.#lines) {
      const mark = l.state === 'running' ? SPINNER[this.#tick % SPINNER.length] : MARKS[l.state];
      const text = `${mark} ${name.padEnd(nameWidth)}  ${l.state === 'waiting' ? 'waiting' : describeProgress(l.progress, l.throttledMs)}${l.note ? `  ${l.note}` : ''}`;
      out.push(text.length > width ? `${text.slice(0, width - 1)}…` : text);
    }
    this.#io.write(
      `${this.#drawn > 0 ? `\x1b[${this.#drawn}A` : ''}${out.map((t) => `\x1b[2K${t}\n`).join('')}`,
    );
    this.#drawn = out.length;
  }

  /** Stops redrawing and draws the final state. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.draw();
  }
}
