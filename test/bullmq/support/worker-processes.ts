import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../fixtures/worker-process.js', import.meta.url));

/** An agent worker in a child process (test/bullmq/fixtures/worker-process.ts). */
export class WorkerProcess {
  private constructor(
    private readonly child: ChildProcess,
    /** Its process id, as the ledger records it. */
    readonly pid: number,
    private readonly stderr: { text: string },
  ) {}

  /** Forks one and waits until its worker takes runs. */
  static async start(env: Record<string, string>): Promise<WorkerProcess> {
    const child = fork(WORKER, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const stderr = { text: '' };
    child.stderr!.on('data', (data: Buffer) => (stderr.text += data.toString()));
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('message', (message: { pid: number }) => resolve(message.pid));
      child.once('exit', (code) => reject(new Error(`The worker process exited (${code}) before it was ready:\n${stderr.text}`)));
    });
    return new WorkerProcess(child, pid, stderr);
  }

  /** What it wrote to stderr (BullMQ and Redis errors), for failure messages. */
  get errors(): string {
    return this.stderr.text;
  }

  /** kill -9: no cleanup, no lock released, like a crash or an OOM kill. */
  async kill(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** Closes its worker (current runs finish) and waits for the process to end. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ close: true });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
