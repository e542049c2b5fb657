/**
 * An input read once (standard input, a network stream) but wanted by several readers: its
 * first bytes are kept, so that probing them costs nothing of the stream, and then every byte
 * goes to each of a few readers, in step. Memory stays bounded: the kept start has a limit,
 * and the stream is read only while every reader has room in its own bounded queue (a slow
 * reader holds the others back rather than letting its queue grow).
 */

/** An input's start, kept in memory, followed by the rest as it is read. */
export class ReplayableBytes {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #kept: Uint8Array[] = [];
  #keptBytes = 0;
  #ended = false;
  #split = false;

  /** `limit`: the most bytes {@link start} keeps. */
  constructor(source: ReadableStream<Uint8Array>, readonly limit: number) {
    this.#reader = source.getReader();
  }

  /** Bytes kept so far. */
  get keptBytes(): number {
    return this.#keptBytes;
  }

  /** Whether the whole input has been read (it was no longer than what is kept). */
  get ended(): boolean {
    return this.#ended;
  }

  /** The kept start as one array (a copy). */
  kept(): Uint8Array {
    const out = new Uint8Array(this.#keptBytes);
    let at = 0;
    for (const c of this.#kept) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }

  /**
   * The input from its first byte, read as far as the reader of this stream wants and at most
   * to `limit`; what it reads is kept. Cancelling it leaves the input as it is.
   */
  start(): ReadableStream<Uint8Array> {
    let i = 0;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (i < this.#kept.length) return controller.enqueue(this.#kept[i++]);
        if (this.#ended || this.#keptBytes >= this.limit || this.#split) {
          return controller.close();
        }
        const { value, done } = await this.#reader.read();
        if (done) {
          this.#ended = true;
          return controller.close();
        }
        this.#kept.push(value);
        this.#keptBytes += value.byteLength;
        i++;
        controller.enqueue(value);
      },
    }, { highWaterMark: 0 });
  }

  /**
   * The whole input, kept start first, as one stream per entry of `queueBytes`, each of which
   * queues at most about that many bytes that its reader has not taken yet. Reading stops when
   * every branch is cancelled; `stop` ends every branch where the input has got to (a clean
   * end for its readers, though maybe in the middle of a packet). Can be called once.
   */
  branches(queueBytes: number[], stop?: AbortSignal): ReadableStream<Uint8Array>[] {
    if (this.#split) throw new Error("the input is already split");
    this.#split = true;
    const controllers: ReadableStreamDefaultController<Uint8Array>[] = [];
    const cancelled = queueBytes.map(() => false);
    let wake: (() => void) | null = null;
    const nudge = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const streams = queueBytes.map((limit, i) =>
      new ReadableStream<Uint8Array>({
        start: (c) => {
          controllers[i] = c;
        },
        pull: nudge,
        cancel: () => {
          cancelled[i] = true;
          nudge();
        },
      }, { highWaterMark: limit, size: (c) => c.byteLength })
    );
    const live = () => controllers.filter((_, i) => !cancelled[i]);
    const stopped = new Promise<void>((resolve) => {
      if (stop?.aborted) resolve();
      stop?.addEventListener("abort", () => resolve(), { once: true });
    });
    stopped.then(nudge);
    const full = () => live().some((c) => (c.desiredSize ?? 0) <= 0);
    const push = async (chunk: Uint8Array) => {
      while (full() && !stop?.aborted) await new Promise<void>((r) => (wake = r));
      if (stop?.aborted) return;
      for (const c of live()) c.enqueue(chunk);
    };
    (async () => {
      const kept = this.#kept;
      this.#kept = [];
      this.#keptBytes = 0;
      for (const chunk of kept) await push(chunk);
      while (!this.#ended && !stop?.aborted && live().length > 0) {
        const next = await Promise.race([
          this.#reader.read(),
          stopped.then(() => ({ done: true as const, value: undefined })),
        ]);
        if (next.done) break;
        await push(next.value);
      }
      for (const c of live()) c.close();
    })().catch((e) => {
      for (const c of live()) c.error(e);
    }).finally(() => this.#reader.cancel().catch(() => {}));
    return streams;
  }

  /** Stops reading the input (idempotent). */
  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}
