import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AppModule } from '../../examples/nest-app/app.module.js';
import { ChatModel } from '../../examples/nest-app/model/chat-model.js';
import { OrdersRepository } from '../../examples/nest-app/orders/orders.repository.js';

/** Debian's `chromium` package; playwright-core downloads no browser. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('browser: the example chat page in headless Chromium (approve and reject a refund)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let app: INestApplication;
  let page: Page;
  let pageErrors: string[];

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (CI: scripts/ci/ensure-chromium.sh).`);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  });
  after(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    // The app as a user runs it without an API key: the demo model on a local ScriptedChatServer.
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(ChatModel)
      .useFactory({ factory: () => ChatModel.fromEnvironment({}) })
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.enableShutdownHooks();
    await app.listen(0, '127.0.0.1');
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(await app.getUrl());
  });
  afterEach(async () => {
    await page?.close();
    await app?.close();
  });

  const refunds = () => app.get(OrdersRepository).refunds;

  /** Types a refund request and waits for the approval card. */
  async function askForRefund(): Promise<void> {
    await page.getByLabel('Your message').fill('Please refund order ord_1002, it arrived damaged.');
    await page.getByRole('button', { name: 'Send' }).click();
    const card = page.getByRole('region', { name: 'Approval needed' });
    await card.waitFor();
    expect(await card.locator('code').innerText()).to.equal('orders__refund_order');
    expect(JSON.parse(await card.locator('pre').innerText())).to.deep.equal({ orderId: 'ord_1002', reason: 'damaged' });
    expect(refunds()).to.deep.equal([]);
  }

  /** Waits until the assistant's turn stopped streaming and returns its text. */
  async function finishedTurn(): Promise<string> {
    const turn = page.locator('li.assistant:last-child[aria-busy="false"]');
    await turn.waitFor();
    return turn.innerText();
  }

  it('Approve: the refund runs once, its progress and the streamed answer appear, and the composer is usable again', async () => {
    await askForRefund();
    // The page moved focus to the first decision to make.
    expect(await page.locator(':focus').innerText()).to.equal('Approve');
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).to.equal(true);

    await page.getByRole('button', { name: 'Approve' }).click();
    const answer = 'Refunded $89.00 for ord_1002 (Coffee grinder); reason: damaged.';
    await page.locator('p.answer', { hasText: answer }).waitFor();
    const turn = await finishedTurn();
    expect(turn).to.contain('Approved.');
    expect(turn).to.contain('✓ orders__refund_order finished');
    expect(refunds()).to.deep.equal([{ orderId: 'ord_1002', customerId: 'cus_7', amountCents: 8900, reason: 'damaged' }]);
    expect(await page.getByRole('button', { name: 'Approve' }).isDisabled()).to.equal(true);
    expect(await page.getByRole('button', { name: 'Send' }).isEnabled()).to.equal(true);
    expect(pageErrors).to.deep.equal([]);
  });

  it('Reject (from the keyboard): the refund never runs and the assistant says so', async () => {
    await askForRefund();
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').innerText()).to.equal('Reject');
    await page.keyboard.press('Enter');
    await page.locator('p.answer', { hasText: 'All right, I did not do that.' }).waitFor();
    const turn = await finishedTurn();
    expect(turn).to.contain('Rejected.');
    expect(turn).to.contain('✗ orders__refund_order: The user rejected this tool call.');
    expect(refunds()).to.deep.equal([]);
    expect(pageErrors).to.deep.equal([]);
  });
});
