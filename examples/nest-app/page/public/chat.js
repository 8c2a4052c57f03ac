// The Brewline support chat. Sends a message with POST /chat and reads the answer as server-sent
// events through fetch (EventSource cannot POST): tokens, tool progress, and `approval` events for
// calls that wait for the customer. Approve / Reject send POST /chat/:runId/decisions, whose
// response streams the rest of the run. The run's state never reaches the page: only decisions.
// Model and tool output is written with textContent, never as HTML.

const log = document.getElementById('log');
const form = document.getElementById('composer');
const input = document.getElementById('message');
const sendButton = document.getElementById('send');
const userSelect = document.getElementById('user');

let callCounter = 0;
/** Requests in flight (a decision can be sent while the stream that asked for it is closing). */
let active = 0;

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const message = input.value.trim();
  if (message === '' || sendButton.disabled) return;
  input.value = '';
  append(log, 'li', { className: 'user', text: message });
  void post(new Turn(), '/chat', { message });
});

/** Sends one request and feeds its event stream to the turn; the composer is locked meanwhile. */
async function post(turn, path, body) {
  active++;
  setComposerLocked(true);
  turn.setBusy(true);
  try {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': userSelect.value },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      turn.showError(await errorText(response));
    } else {
      await readEvents(response, (name, data) => turn.handle(name, data));
    }
  } catch (error) {
    turn.showError(`The connection failed: ${error.message}`);
  } finally {
    active--;
    turn.setBusy(active > 0);
    // While calls wait for a decision, the customer answers those first.
    const locked = active > 0 || turn.waiting;
    setComposerLocked(locked);
    if (!locked) input.focus();
  }
}

/** One answer of the assistant: tool progress, streamed text, approvals, errors. */
class Turn {
  constructor() {
    this.item = append(log, 'li', { className: 'assistant' });
    this.toolLines = new Map();
    this.waiting = false;
    this.startSection();
  }

  /** Where the next progress lines and text go: below everything shown so far. */
  startSection() {
    this.progress = append(this.item, 'ul', { className: 'progress' });
    this.answer = append(this.item, 'p', { className: 'answer' });
  }

  setBusy(busy) {
    this.item.setAttribute('aria-busy', String(busy));
  }

  handle(name, data) {
    switch (name) {
      case 'token':
        this.answer.textContent += data.delta;
        break;
      case 'tool_call':
        this.toolLines.set(data.id, append(this.progress, 'li', { text: `Running ${data.name}…` }));
        break;
      case 'tool_result':
        this.toolLine(data.id, data.name).textContent = `✓ ${data.name} finished`;
        break;
      case 'tool_failed': {
        const line = this.toolLine(data.id, data.name);
        line.textContent = `✗ ${data.name}: ${data.message}`;
        line.className = 'failed';
        break;
      }
      case 'approval':
        this.askApproval(data);
        break;
      case 'done':
        if (this.answer.textContent === '' && data.content) this.answer.textContent = data.content;
        break;
      case 'error':
        this.showError(data.message);
        break;
    }
  }

  /** A rejected call has no tool_call event before its tool_failed. */
  toolLine(id, name) {
    if (!this.toolLines.has(id)) this.toolLines.set(id, append(this.progress, 'li', { text: name }));
    return this.toolLines.get(id);
  }

  showError(message) {
    append(this.item, 'p', { className: 'error', text: message }).setAttribute('role', 'alert');
  }

  /** Shows each waiting call with Approve / Reject; once every call is decided, sends the decisions together. */
  askApproval({ runId, calls }) {
    this.waiting = true;
    const decisions = [];
    const cards = calls.map((call) => {
      const id = `call-${++callCounter}`;
      const card = append(this.item, 'section', { className: 'approval' });
      card.setAttribute('aria-labelledby', `${id}-title`);
      card.setAttribute('aria-describedby', `${id}-what`);
      append(card, 'h2', { text: 'Approval needed' }).id = `${id}-title`;
      const what = append(card, 'p');
      what.id = `${id}-what`;
      what.append('The assistant wants to run ');
      append(what, 'code', { text: call.toolName });
      what.append(' with:');
      append(card, 'pre', { text: JSON.stringify(call.arguments, null, 2) });
      const actions = append(card, 'div', { className: 'actions' });
      const approve = append(actions, 'button', { className: 'approve', text: 'Approve' });
      const reject = append(actions, 'button', { className: 'reject', text: 'Reject' });
      approve.type = reject.type = 'button';
      const decide = (decision, label) => {
        approve.disabled = reject.disabled = true;
        append(card, 'p', { className: 'decided', text: label });
        decisions.push(decision);
        if (decisions.length === calls.length) {
          this.waiting = false;
          this.startSection();
          void post(this, `/chat/${encodeURIComponent(runId)}/decisions`, { decisions });
        }
      };
      approve.addEventListener('click', () => decide({ callId: call.callId, approve: true }, 'Approved.'));
      reject.addEventListener('click', () => decide({ callId: call.callId, reject: true }, 'Rejected.'));
      return approve;
    });
    cards[0]?.focus();
  }
}

/** Reads a text/event-stream body frame by frame and calls `onEvent(name, parsedData)`. */
async function readEvents(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replaceAll('\r\n', '\n');
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      let data = '';
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trimStart();
      }
      if (data !== '') onEvent(name, JSON.parse(data));
    }
  }
}

/** The message of an error response (Nest's `{ message }`, a list for validation errors). */
async function errorText(response) {
  try {
    const body = await response.json();
    return Array.isArray(body.message) ? body.message.join('; ') : String(body.message);
  } catch {
    return `The request failed (${response.status}).`;
  }
}

function setComposerLocked(locked) {
  sendButton.disabled = locked;
  input.disabled = locked;
}

function append(parent, tag, { className, text } = {}) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  parent.append(element);
  return element;
}
