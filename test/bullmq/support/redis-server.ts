import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A real `redis-server` of its own on a free loopback port, without persistence. */
export class RedisServer {
  private constructor(
    private readonly child: ChildProcess,
    /** The port it listens on (127.0.0.1). */
    readonly port: number,
  ) {}

  /** BullMQ's connection options for it. */
  get connection(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /**
   * Starts one and waits until it accepts connections.
   * @throws when `redis-server` is not installed (scripts/ci/ensure-redis.sh installs Debian's).
   */
  static async start(): Promise<RedisServer> {
    if (spawnSync('redis-server', ['--version']).error) {
      throw new Error('redis-server is not installed: the bullmq tests need a real one. Run scripts/ci/ensure-redis.sh (apt-get install redis-server).');
    }
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const ready = await new Promise<boolean>((resolve) => {
        let output = '';
        child.stdout!.on('data', (data: Buffer) => {
          output += data.toString();
          if (output.includes('Ready to accept connections')) resolve(true);
        });
        child.once('exit', () => resolve(false));
      });
      if (ready) {
        child.stdout!.resume();
        child.stderr!.resume();
        return new RedisServer(child, port);
      }
      // Another process took the port between our probe and redis-server's bind: try another.
      if (attempt >= 3) throw new Error('redis-server did not start.');
    }
  }

  /** Stops it (no data is kept). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
