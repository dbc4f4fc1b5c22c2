// NAME
//   tests/browser/console-mock.js - the web console clicked through against
//   mock-api.py (a dev aid: the tests against portcullis-web come later)
// SYNOPSIS
//   NODE_PATH=.../node_modules node console-mock.js [BASE] [OUTDIR]
// DESCRIPTION
//   Without BASE, starts tests/browser/mock-api.py itself on loopback.
//   Visits every view as the mock's admin, then as its domain
//   administrator, then the recipients' link page; prints TAP lines
//   ("ok N - ...") and saves screenshots to OUTDIR (/tmp/ui-shots).
//   Throughout: no page error, no console error but the API's own 4xx
//   answers (chromium logs every failed fetch), no CSP violation, no alert
//   and no script compiled but app.js, and the fixtures' hostile strings
//   shown as literal text.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { launch, openPage, foreignRequests } = require('./lib.js');

const outdir = process.argv[3] || '/tmp/ui-shots';
const HOSTILE_SENDER = '"<img src=x onerror=alert(1)>"@evil.example';
let n = 0;
let failed = 0;

function result(ok, description, diag) {
	n++;
	console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${description}`);
	if (!ok) {
		failed++;
		for (const line of [].concat(diag || []))
			console.log(`# ${line}`);
	}
	return ok;
}

// What a postmaster sees first: the window, not the whole scrolled page.
async function screenshot(page, dir, name) {
	fs.mkdirSync(dir, { recursive: true });
	await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

async function startMock() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-mock-'));
	const portFile = path.join(dir, 'port');
	const child = spawn('python3', [path.join(__dirname, 'mock-api.py'), '--port-file', portFile,
		'--log', path.join(dir, 'http.log')], { stdio: ['ignore', 'ignore', 'inherit'] });
	for (let i = 0; i < 100 && !fs.existsSync(portFile); i++)
		await new Promise((r) => setTimeout(r, 50));
	if (!fs.existsSync(portFile))
		throw new Error('mock-api.py did not start');
	return { child, base: `http://127.0.0.1:${fs.readFileSync(portFile, 'utf8').trim()}` };
}

// What the page did that it must not: CSP violations (seen by the page's
// own securitypolicyviolation event), alerts, console errors other than
// chromium's note of an API answer >= 400.
async function watch(browser, origin) {
	const { context, page, rec } = await openPage(browser, origin);
	await page.setViewportSize({ width: 1280, height: 860 });
	const bad = { csp: [], alerts: [], console: [], apiErrors: [], dialogs: [] };
	await page.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation',
			(e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
	});
	page.on('console', (m) => {
		if (m.type() !== 'error')
			return;
		const where = m.location().url || '';
		if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) &&
			new URL(where, origin).pathname.startsWith('/api/'))
			bad.apiErrors.push(`${m.text()} ${where}`);
		else
			bad.console.push(`${m.text()} ${where}`);
	});
	page.on('dialog', async (d) => {
		bad.dialogs.push(`${d.type()}: ${d.message()}`);
		if (d.type() === 'confirm') {
			await d.accept();
		} else {
			bad.alerts.push(d.message());
			await d.dismiss();
		}
	});
	return { context, page, rec, bad };
}

async function clean(page, rec, bad, origin, what) {
	const csp = await page.evaluate(() => window.__csp || []);
	const pwned = await page.evaluate(() => window.__pwned);
	const scripts = rec.scripts.filter((u) => !u.endsWith('/app.js'));
	const foreign = await foreignRequests(rec, origin);
	const problems = [...csp.map((c) => `CSP: ${c}`), ...bad.console.map((c) => `console: ${c}`),
		...rec.errors.map((e) => `page error: ${e}`), ...bad.alerts.map((a) => `alert: ${a}`),
		...scripts.map((s) => `compiled: ${s}`), ...foreign.map((f) => `foreign request: ${f}`),
		...(pwned === undefined ? [] : [`window.__pwned = ${JSON.stringify(pwned)}`])];
	result(problems.length === 0, `${what}: no CSP violation, console error, page error, alert, foreign request or stray script`,
		problems);
	if (bad.apiErrors.length)
		console.log(`# ${what}: the API's 4xx answers chromium logged: ${bad.apiErrors.length}`);
}

const view = (page, name) => page.waitForSelector(`#app[data-view="${name}"]`, { timeout: 5000 }).then(() => true, () => false);
const textOf = (page, sel) => page.locator(sel).first().textContent({ timeout: 5000 }).catch(() => null);

async function bannerSays(page, kind, re) {
	try {
		await page.waitForFunction(([k, src]) => {
			const b = document.getElementById('status-banner');
			return b && !b.hidden && b.classList.contains(k) && new RegExp(src).test(b.textContent);
		}, [kind, re.source], { timeout: 5000 });
		return true;
	} catch (e) {
		return false;
	}
}

async function login(page, name, password) {
	await page.fill('#login-name', name);
	await page.fill('#login-password', password);
	await page.click('#login-submit');
}

async function loginChecks(page, base) {
	const response = await page.goto(`${base}/`);
	const csp = response.headers()['content-security-policy'] || '';
	result(csp.startsWith("default-src 'none'; script-src 'self'"), 'the page is served with the console\'s CSP', csp);
	result(await view(page, 'login'), 'without a session the login form is shown');
	await screenshot(page, outdir, 'login');
	await login(page, 'admin', 'wrong');
	await page.waitForSelector('#login-error:not([hidden])', { timeout: 5000 }).catch(() => {});
	result(/wrong name or password/.test(await textOf(page, '#login-error')), 'a wrong password shows the server\'s 401 message');
	await screenshot(page, outdir, 'login-error');
	await login(page, 'admin', 'admin-secret');
	result(await view(page, 'trace'), 'the administrator logs in and lands on the trace');
}

async function traceChecks(page) {
	await page.waitForSelector('table.results tbody tr[data-id]', { timeout: 5000 }).catch(() => {});
	const rows = await page.locator('#trace-results tbody tr[data-id]').count();
	result(rows === 100, 'the trace shows a page of 100 records', `rows: ${rows}`);
	const body = await textOf(page, '#trace-results tbody');
	result(body.includes(HOSTILE_SENDER) && await page.locator('#trace-results img').count() === 0,
		'the hostile sender is literal text, no <img> made of it');
	result(body.includes('[U+202E]') && !body.includes('\u202e'), 'the RTL override is shown as [U+202E], not obeyed');
	result(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(await textOf(page, '#trace-results tbody td.time')) &&
		/UTC/.test(await textOf(page, '#trace-results thead')), 'times are YYYY-MM-DD HH:MM:SS, UTC said in the header');
	await screenshot(page, outdir, 'trace');
	await page.click('#page-next');
	await page.waitForFunction(() => location.hash.includes('offset=100'));
	await page.waitForSelector('#trace-results tbody tr[data-id]');
	result(!(await page.locator('#page-prev').isDisabled()), 'Older pages to offset 100, Newer is then enabled');
	await page.fill('#f-sender', 'evil.example');
	await page.selectOption('#f-action', 'reject');
	await page.fill('#f-since', '2000-01-01T00:00');
	await page.click('#search');
	await page.waitForFunction(() => /sender=evil.example/.test(location.hash));
	const hash = await page.evaluate(() => location.hash);
	result(/action=reject/.test(hash) && /since=946684800\b/.test(hash) && !/offset/.test(hash),
		'the search form goes to its filters (since as Unix seconds of UTC), from the first page', hash);
	await page.waitForSelector('#trace-results tbody tr', { timeout: 5000 });
	const senders = await page.locator('#trace-results tbody tr[data-id] td:nth-child(2)').allTextContents();
	const actions = await page.locator('#trace-results tbody tr[data-id] td:nth-child(5)').allTextContents();
	result(senders.length > 0 && senders.every((s) => s.includes('evil.example')) && actions.every((a) => a === 'reject'),
		'the results match the filters', senders.concat(actions).slice(0, 6));
	await page.goto(page.url().replace(/#.*/, '#/trace'));
	await page.waitForSelector('#trace-results tbody tr[data-id]');
	await page.locator('#trace-results tbody tr[data-id]').first().locator('td:nth-child(3)').click();
	result(await view(page, 'trace-detail'), 'a click on a row opens #/trace/N');
	const detail = await textOf(page, 'dd[data-field="detail"]');
	result(detail.includes('<script>alert(3)</script>'), 'the detail line with <script> is literal text');
	result(await page.locator('#quarantine-link').count() === 1, 'a quarantined record links to its entry');
	await screenshot(page, outdir, 'trace-detail');
	await page.click('#quarantine-link');
	result(await view(page, 'quarantine-detail'), 'the link opens the quarantine entry');
}

async function quarantineDetailChecks(page) {
	await page.goto(page.url().replace(/#.*/, '#/quarantine'));
	await page.waitForSelector('#quarantine-results tbody tr[data-id]', { timeout: 5000 });
	await screenshot(page, outdir, 'quarantine');
	await page.locator('#quarantine-results tbody tr[data-id]').first().locator('td.reason').click();
	result(await view(page, 'quarantine-detail'), 'a click on a quarantine row opens its entry');
	await page.waitForFunction(() => document.getElementById('preview')?.textContent.includes('customer'));
	const h1 = await textOf(page, 'h1.subject');
	result(h1.includes('<script>') && h1.includes('Invoice'), 'the hostile subject is literal text', h1);
	const preview = await textOf(page, '#preview');
	result(preview.includes('<b>This is not bold.</b>') && await page.locator('#preview *').count() === 0,
		'the preview is plain text in a <pre>, no element made of it');
	const pads = await page.locator('#objects tbody td.tree').evaluateAll((tds) => tds.map((td) => parseFloat(getComputedStyle(td).paddingLeft)));
	result(pads.length === 4 && pads[3] > pads[1] && pads[1] > pads[0], 'the object tree is indented by depth', pads.map(String));
	result(await page.locator('#headers tbody tr').count() >= 4, 'the headers table is filled');
	const href = await page.getAttribute('#download', 'href');
	result(/^api\/quarantine\/[^/]+\/download$/.test(href), 'Download links to the API', href);
	await screenshot(page, outdir, 'quarantine-detail');
	await page.click('#learn-spam');
	result(await bannerSays(page, 'ok', /Learnt as spam/), 'Learn as spam: the banner says so');
	await page.click('#allow-sender');
	result(await bannerSays(page, 'ok', /added to the allow list/), 'Allow sender: the banner says so');
	await page.click('#release');
	result(await bannerSays(page, 'ok', /Released to/), 'Release: the banner says to whom');
	result((await textOf(page, 'dd[data-field="released"]')).includes(' to '), 'the entry now shows it released');
	await page.fill('#release-extra', 'someone@example.com');
	await page.click('#release');
	result(await bannerSays(page, 'ok', /someone@example.com/), 'Release to another address too');
	const id = await textOf(page, 'dd[data-field="id"]');
	await page.click('#delete');
	result(await view(page, 'quarantine') && await bannerSays(page, 'ok', /deleted/),
		'Delete (confirmed) goes back to the list, the banner says deleted');
	const rows = await page.locator(`#quarantine-results tbody tr[data-id="${id}"]`).count();
	result(rows === 0, 'the deleted entry is gone from the list');
}

async function bulkChecks(page) {
	await page.waitForSelector('#quarantine-results tbody tr[data-id]');
	result(await page.locator('#bulk-ham').isDisabled(), 'bulk buttons are disabled with nothing selected');
	const boxes = page.locator('#quarantine-results input.select-row');
	await boxes.nth(0).check();
	await boxes.nth(1).check();
	await page.click('#bulk-ham');
	result(await bannerSays(page, 'ok', /^2 of 2 learnt as ham/), 'bulk learn ham on 2 selected');
	await page.waitForSelector('#quarantine-results tbody tr[data-id]');
	await page.check('#select-all');
	await page.click('#bulk-release');
	result(await bannerSays(page, 'error', /Failed: .*damaged/), 'bulk release reports the entries that failed');
	await page.waitForSelector('#quarantine-results tbody tr[data-id]');
	await screenshot(page, outdir, 'quarantine-bulk');
}

async function statsChecks(page) {
	await page.click('#nav a[data-nav="stats"]');
	result(await view(page, 'stats'), 'the Statistics entry opens #/stats');
	await page.waitForSelector('svg.chart#chart-traffic', { timeout: 5000 }).catch(() => {});
	result(await page.locator('svg.chart').count() === 3, 'three svg.chart charts');
	const bars = await page.locator('#chart-traffic rect title').count();
	const points = await page.locator('#chart-latency circle title').count();
	result(bars > 24 && points === 48, 'bars and points are SVG elements with <title> tooltips', `bars ${bars}, points ${points}`);
	const labels = await page.locator('#chart-status text').allTextContents();
	result(labels.includes('<b>odd</b>'), 'a hostile status name is literal text in the SVG');
	result(await page.locator('#top-senders').textContent().then((t) => t.includes(HOSTILE_SENDER)), 'top senders: literal text');
	result(await page.locator('#daemon tr').count() > 0 && await page.locator('#database').count() === 1,
		'daemon counters and the database are shown');
	await screenshot(page, outdir, 'stats-24h');
	const asked = page.waitForRequest((r) => r.url().includes('api/stats?hours=168'));
	await page.click('#stats-hours button[data-hours="168"]');
	result(await asked.then(() => true, () => false), '7 days asks for hours=168');
	await page.waitForSelector('#stats-hours button[data-hours="168"].active');
	await screenshot(page, outdir, 'stats-7d');
	await page.click('#stats-hours button[data-hours="720"]');
	await page.waitForSelector('#stats-hours button[data-hours="720"].active');
	await page.waitForSelector('#chart-traffic');
	await screenshot(page, outdir, 'stats-30d');
}

async function listsAuditChecks(page) {
	await page.click('#nav a[data-nav="lists"]');
	result(await view(page, 'lists'), 'the Sender lists entry opens #/lists');
	await page.waitForSelector('#list-block li');
	const block = await page.locator('#list-block').textContent();
	result(block.includes('"<b>x</b>"@evil.example') && block.includes('[U+202E]'), 'hostile masks are literal text');
	await page.selectOption('#list-which', 'block');
	await page.fill('#list-mask', '*@spam.example');
	await page.click('#list-add');
	result(await bannerSays(page, 'ok', /added to the block list/) &&
		(await page.locator('#list-block').textContent()).includes('*@spam.example'), 'a mask is added to the block list');
	await screenshot(page, outdir, 'lists');
	await page.click('#list-block button.remove[data-mask="*@spam.example"]');
	result(await bannerSays(page, 'ok', /removed from the block list/) &&
		!(await page.locator('#list-block').textContent()).includes('*@spam.example'), 'and removed again (confirmed)');
	await page.click('#nav a[data-nav="audit"]');
	result(await view(page, 'audit'), 'the Audit log entry opens #/audit');
	await page.waitForSelector('#audit-results tbody tr');
	const audit = await page.locator('#audit-results tbody').textContent();
	result(audit.includes('block *@spam.example') && audit.includes('<img src=x onerror=alert(5)>'),
		'the audit log shows the changes, hostile text literal');
	await screenshot(page, outdir, 'audit');
}

async function logoutCheck(page) {
	await page.click('#logout');
	result(await view(page, 'login') && await bannerSays(page, 'info', /logged out/), 'Log out returns to the login form');
	const me = await page.evaluate(() => fetch('api/me').then((r) => r.status));
	result(me === 401, 'after logout GET /api/me is 401', String(me));
}

async function adminRun(browser, base, origin) {
	const { context, page, rec, bad } = await watch(browser, origin);
	await loginChecks(page, base);
	await traceChecks(page);
	await quarantineDetailChecks(page);
	await bulkChecks(page);
	await statsChecks(page);
	await listsAuditChecks(page);
	await logoutCheck(page);
	await clean(page, rec, bad, origin, 'administrator\'s session');
	await context.close();
}

async function domainRun(browser, base, origin) {
	const { context, page, rec, bad } = await watch(browser, origin);
	await page.goto(`${base}/#/quarantine`);
	await view(page, 'login');
	await login(page, 'postmaster', 'domain-secret');
	result(await view(page, 'quarantine'), 'after logging in, the page asked for (#/quarantine) opens');
	result(await page.locator('#nav a[data-nav="lists"]').isHidden() && await page.locator('#nav a[data-nav="audit"]').isHidden() &&
		await page.locator('#nav a[data-nav="trace"]').isVisible(), 'a domain administrator sees no Lists or Audit entry');
	await page.waitForSelector('#quarantine-results tbody tr');
	const rcpts = await page.locator('#quarantine-results tbody tr[data-id] td:nth-child(4) .clip').evaluateAll((c) => c.map((x) => x.title));
	const senders = await page.locator('#quarantine-results tbody tr[data-id] td:nth-child(3) .clip').evaluateAll((c) => c.map((x) => x.title));
	result(rcpts.length > 0 && rcpts.every((r, i) => /example\.org\b/.test(`${r} ${senders[i]}`)), 'the domain administrator sees example.org\'s entries only', rcpts.map((r, i) => `${senders[i]} -> ${r}`).slice(0, 8));
	await page.click('#search');
	await page.waitForSelector('#quarantine-results tbody tr');
	result(true, 'Search with the same filters reloads (no hashchange needed)');
	await screenshot(page, outdir, 'domain-quarantine');
	await page.goto(`${base}/#/lists`);
	result(await view(page, 'denied'), '#/lists by hand: "Administrators only"');
	await page.goto(`${base}/#/stats`);
	await page.waitForSelector('#chart-traffic');
	result(await page.locator('#daemon').count() === 0, 'no daemon counters for a domain administrator (null)');
	await page.goto(`${base}/#/login`);
	await page.reload();
	result(await view(page, 'trace'), 'with a live session, #/login goes on to the trace');
	for (let i = 0; i < 6; i++) {
		await page.evaluate(() => fetch('api/login', { method: 'POST', body: new URLSearchParams({ name: 'ghost', password: 'x' }) }));
	}
	await page.click('#logout');
	await view(page, 'login');
	await login(page, 'ghost', 'x');
	await page.waitForSelector('#login-error:not([hidden])');
	result(/too many failed logins/.test(await textOf(page, '#login-error')), 'the lockout message is shown');
	await clean(page, rec, bad, origin, 'domain administrator\'s session');
	await context.close();
}

async function linkRun(browser, base, origin) {
	const { context, page, rec, bad } = await watch(browser, origin);
	await page.goto(`${base}/#/link/good`);
	result(await view(page, 'link'), '#/link/TOKEN opens without a session');
	await page.waitForSelector('#link-summary', { timeout: 5000 }).catch(() => {});
	const subject = await textOf(page, '#link-summary dd[data-field="subject"]');
	result(subject && subject.includes('<script>'), 'the summary shows the hostile subject as text', subject);
	const posts = rec.requests.filter((r) => r.method() !== 'GET').map((r) => r.url());
	const me = rec.requests.filter((r) => r.url().includes('api/me')).length;
	result(posts.length === 0 && me === 0, 'on load: only GETs, and no /api/me', posts);
	result(await page.locator('#sidebar').isHidden(), 'no navigation on the recipients\' page');
	await screenshot(page, outdir, 'link');
	await page.click('#link-release');
	await page.waitForSelector('#link-result.ok', { timeout: 5000 }).catch(() => {});
	result(/released/.test(await textOf(page, '#link-result')) && await page.locator('#link-release').isDisabled(),
		'Release this message to me: done, the button stays disabled');
	await page.click('#link-optout');
	await page.waitForFunction(() => /no more digests/.test(document.getElementById('link-result').textContent));
	result(true, 'Stop sending me digests: done');
	await screenshot(page, outdir, 'link-done');
	await page.goto(`${base}/#/link/expired`);
	await page.reload();
	await page.waitForSelector('#link-result.error', { timeout: 5000 }).catch(() => {});
	result(/expired/.test(await textOf(page, '#link-result')) && await page.locator('#link-release').count() === 0,
		'an expired link: the error, no buttons');
	await screenshot(page, outdir, 'link-expired');
	await page.goto(`${base}/#/link/tampered`);
	await page.waitForFunction(() => /altered/.test(document.getElementById('link-result')?.textContent || ''), null, { timeout: 5000 })
		.catch(() => {});
	result(/altered/.test(await textOf(page, '#link-result')), 'an altered link: the error');
	await clean(page, rec, bad, origin, 'recipients\' page');
	await context.close();
}

async function main() {
	let mock = null;
	let base = process.argv[2];
	if (!base) {
		mock = await startMock();
		base = mock.base;
	}
	const origin = new URL(base).origin;
	let browser;
	try {
		browser = await launch();
		result(true, `chromium ${browser.version()} starts headless`);
		for (const run of [linkRun, adminRun, domainRun]) {
			try {
				await run(browser, base, origin);
			} catch (e) {
				result(false, `${run.name} ran to its end`, String(e.stack || e).split('\n').slice(0, 8));
			}
		}
	} catch (e) {
		result(false, 'chromium starts', String(e).split('\n'));
	} finally {
		if (browser)
			await browser.close();
		if (mock)
			mock.child.kill('SIGTERM');
	}
	console.log(`1..${n}`);
	console.log(`# screenshots in ${outdir}`);
	process.exitCode = failed ? 1 : 0;
}

main();
