// Drives a running code-server with Debian's chromium: opens files, reads the Problems panel,
// takes a screenshot. Used by tests/test_vscode_extension.py; not part of the .vsix.
//
//   node e2e/drive.mjs '{"url": "...", "files": ["docker-stack.yml"], "expect": [...],
//                        "screenshot": "/tmp/x.png", "line": 63, "timeoutMs": 60000}'
//
// expect: [{file, code, line, column}] (1-based) that must all be listed before the panel is
// read for good. line: the line of the last file to show in the screenshot. Prints one JSON
// object: {problems: [{file, code, line, column, message, source, severity}], notifications:
// [text of each notification toast or notification-center entry], waitedMs, timedOut, stages:
// {name: ms}}; related-information rows come with code null and no source.
import { chromium } from 'playwright-core';

const options = JSON.parse(process.argv[2]);
const timeoutMs = options.timeoutMs ?? 60000;
const started = Date.now();
const stages = { startedAt: new Date(started).toISOString() };
const mark = (name) => { stages[name] = Date.now() - started; };
const left = () => Math.max(1000, timeoutMs - (Date.now() - started));

// Flags from ../shared/editor-notes.md: no sandbox (root), no GPU, nothing phoning home.
const browser = await chromium.launch({
  executablePath: options.chromium ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

// The rendered rows of the Problems panel, by list index: resource rows name a file, the
// marker rows after them are its problems. The list is virtual: only rows in view exist.
function renderedRows() {
  const out = [];
  for (const row of document.querySelectorAll('.markers-panel .monaco-list-rows .monaco-list-row')) {
    const index = Number(row.getAttribute('data-index'));
    const message = row.querySelector('.marker-message-details, .details-container');
    const label = row.querySelector('.monaco-icon-label .label-name');
    if (!message && label) {
      out.push({ index, file: label.textContent.trim() });
      continue;
    }
    const text = row.textContent;
    const position = /\[Ln (\d+), Col (\d+)\]/.exec(text);
    const code = /\b(SL\d{3})\b/.exec(row.querySelector('.marker-code')?.textContent ?? text);
    const icon = row.querySelector('.marker-icon');
    const severity = icon ? (['error', 'warning', 'info'].find((s) => icon.className.includes(s)) ?? '') : '';
    out.push({
      index,
      code: code ? code[1] : null,
      line: position ? Number(position[1]) : null,
      column: position ? Number(position[2]) : null,
      message: row.querySelector('.marker-message')?.textContent.trim() ?? text.trim(),
      source: row.querySelector('.marker-source')?.textContent.trim() ?? '',
      severity,
    });
  }
  return out;
}

// Every row of the panel: scrolls it from top to bottom, collecting rows by index.
async function readPanel(page) {
  const list = page.locator('.markers-panel .monaco-list').first();
  const box = await list.boundingBox();
  const rows = new Map();
  const collect = async () => {
    for (const row of await page.evaluate(renderedRows)) {
      rows.set(row.index, row);
    }
  };
  if (box) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.press('Home').catch(() => {});
    for (let i = 0; i < 50; i++) {
      const rendered = await page.evaluate(renderedRows);
      if (rendered.some((r) => r.index === 0)) break;
      await page.mouse.wheel(0, -box.height);
      await page.waitForTimeout(50);
    }
  }
  await collect();
  let still = 0;
  for (let step = 0; box && step < 400 && still < 3; step++) {
    const before = rows.size;
    await page.mouse.wheel(0, Math.max(60, box.height * 0.6));
    await page.waitForTimeout(60);
    await collect();
    still = rows.size === before ? still + 1 : 0;
  }
  if (box) {
    for (let i = 0; i < 50; i++) {
      const rendered = await page.evaluate(renderedRows);
      if (rendered.some((r) => r.index === 0)) break;
      await page.mouse.wheel(0, -box.height);
      await page.waitForTimeout(50);
    }
  }
  const problems = [];
  let file = null;
  for (const index of [...rows.keys()].sort((a, b) => a - b)) {
    const row = rows.get(index);
    if ('file' in row) {
      file = row.file;
    } else {
      const { index: _, ...problem } = row;
      problems.push({ file, ...problem });
    }
  }
  return problems;
}

// Every notification shown so far: the toasts on screen and the notification center's list
// (a toast that hid itself stays there).
async function readNotifications(page) {
  const read = () => page.evaluate(() => [...document.querySelectorAll(
    '.notifications-toasts .notification-list-item-message, .notifications-center .notification-list-item-message')]
    .map((e) => e.textContent.trim()));
  const shown = await read();
  await page.keyboard.press('Escape');
  const bell = page.locator('[id="status.notifications"] a, [id="status.notifications"]').first();
  if (await bell.count()) {
    await bell.click().catch(() => {});
    await page.waitForTimeout(300);
    shown.push(...await read());
    await page.keyboard.press('Escape');
  }
  return [...new Set(shown)];
}

let result;
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(options.url, { timeout: left(), waitUntil: 'commit' });
  mark('loaded');
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: left() });
  mark('workbench');
  // The explorer lists the workspace once the remote file system answers.
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: left() });
  mark('explorer');

  for (const file of options.files) {
    // Open from the explorer: quicker than Quick Open, which waits for a file search.
    const exact = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const row = page.locator('.explorer-folders-view .monaco-list-row', {
      has: page.locator('.label-name', { hasText: exact }),
    });
    await row.first().click({ timeout: left() });
    await page.waitForSelector(`.tabs-container .tab.active[aria-label*="${file}"]`, { timeout: left() });
    mark(`opened ${file}`);
  }

  await page.keyboard.press('Control+Shift+M');
  await page.waitForSelector('.markers-panel', { timeout: left() });

  const expect = options.expect ?? [];
  const has = (problems, e) => problems.some((p) => p.file === e.file && p.code === e.code
    && p.line === e.line && p.column === e.column);
  let problems = [];
  let timedOut = false;
  for (;;) {
    // Expand every file group (a collapsed group hides its markers from the DOM).
    problems = await readPanel(page);
    if (expect.every((e) => has(problems, e))) {
      // Everything expected is there; give a late extra marker a moment to show up too.
      await page.waitForTimeout(1500);
      mark('problems');
      problems = await readPanel(page);
      break;
    }
    if (Date.now() - started > timeoutMs) {
      timedOut = true;
      break;
    }
    await page.waitForTimeout(250);
  }
  const notifications = await readNotifications(page);
  mark('notifications');
  if (options.screenshot) {
    if (options.line) {
      // Show this line of the last file in the middle of the editor.
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+G');
      await page.keyboard.type(String(options.line));
      await page.keyboard.press('Enter');
      await page.waitForTimeout(500);
    }
    await page.mouse.move(0, 0);
    await page.screenshot({ path: options.screenshot });
  }
  result = { problems, notifications, waitedMs: Date.now() - started, timedOut, stages };
  if (options.dumpHtml) {
    result.html = await page.evaluate(() => document.querySelector('.markers-panel')?.outerHTML ?? '');
  }
} catch (error) {
  result = { error: String(error && error.stack ? error.stack : error), waitedMs: Date.now() - started, stages };
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + '\n');
