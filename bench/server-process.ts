/**
 * The scripted model for the benchmark, in its own process so that only the client's CPU is measured.
 * The parent sends `{ scenario }` before each measured run; the replies of that scenario are enqueued.
 */
import { ScriptedChatServer } from 'chat-cmpl-stream-handler/testing';
import { scenarios } from './scenarios.js';

const server = await ScriptedChatServer.start();
process.on('message', (message: { scenario?: string; stop?: boolean }) => {
  if (message.stop) {
    void server.close({ force: true }).then(() => process.exit(0));
    return;
  }
  server.enqueue(...scenarios[message.scenario!]!());
  process.send!({ ready: true, pending: server.pending });
});
process.send!({ url: server.url });
