// NAME
//   tests/browser/smoke.js - the browser harness proven on static pages
// DESCRIPTION
//   node smoke.js BASE OUTDIR, BASE the loopback server of serve.py.
//   1. button.html: the click changes the text; screenshots before/after.
//   2. hostile.html under /open/ (no CSP): the checks must see its script
//      run and its requests to 203.0.113.9, or they could never fail.
//   3. hostile.html under /csp/: no request to any other origin, no script
//      compiled, nothing pushed to window.__pwned, the javascript: link
//      refused when clicked.
'use strict';

const { launch, openPage, foreignRequests, scriptEvidence, screenshot, result } = require('./lib.js');

const [base, outdir] = process.argv.slice(2);
const origin = new URL(base).origin;
const REMOTE = 'http://203.0.113.9/';
const REMOTE_URLS = ['steal', 'x.png', 'bg.png', 'inline-bg.png'].map((p) => REMOTE + p);

async function buttonPage(browser) {
	const { context, page, rec } = await openPage(browser, origin);
	await page.goto(`${base}/open/button.html`);
	await screenshot(page, outdir, 'button-before');
	await page.click('#go');
	await page.locator('#status', { hasText: 'clicked' }).waitFor({ timeout: 5000 }).catch(() => {});
	const text = await page.textContent('#status');
	await screenshot(page, outdir, 'button-after');
	result(text === 'clicked', 'button.html: the click changes the text to "clicked"', `text: ${text}`);
	const foreign = await foreignRequests(rec, origin);
	result(foreign.length === 0 && rec.errors.length === 0,
		'button.html: no request to another origin, no page error', [...foreign, ...rec.errors]);
	await context.close();
}

const pwned = (page) => page.evaluate(() => window.__pwned || []);

// Without the CSP everything hostile must show: this is what makes the
// checks of the CSP page able to fail.
async function hostileOpen(browser) {
	const { context, page, rec } = await openPage(browser, origin);
	const seen = Promise.all(REMOTE_URLS.map((u) =>
		page.waitForRequest((r) => r.url().startsWith(u), { timeout: 10000 })));
	await page.goto(`${base}/open/hostile.html`);
	await seen.catch(() => {});
	await page.click('#jslink');
	await page.waitForFunction(() => (window.__pwned || []).includes('javascript-url'), null,
		{ timeout: 5000 }).catch(() => {});
	await screenshot(page, outdir, 'hostile-open');
	const got = await pwned(page);
	const want = ['inline', 'onerror', 'javascript-url'];
	result(want.every((w) => got.includes(w)),
		'hostile.html without CSP: the inline script, onerror and javascript: link ran (the check can fail)',
		`__pwned: ${JSON.stringify(got)}`);
	const foreign = await foreignRequests(rec, origin);
	result(REMOTE_URLS.every((u) => foreign.some((f) => f.startsWith(u))),
		'hostile.html without CSP: its 4 requests to 203.0.113.9 were seen (and aborted)', foreign);
	result(rec.scripts.length > 0, 'hostile.html without CSP: the page\'s scripts were seen compiled',
		'no scriptParsed event');
	await context.close();
}

// Chromium reports each refusal on the console; waiting for the one of
// each kind tells when the page has tried all it will.  The wording changes
// between versions ("Refused to execute inline script because it violates"
// up to 1xx, "Executing inline script violates" in 156): only the object
// and the directive are matched.
const REFUSALS = [
	/inline script.*Content Security Policy directive 'default-src/,
	/image 'http:\/\/203\.0\.113\.9\/x\.png'.*Content Security Policy directive: "img-src/,
	/image 'http:\/\/203\.0\.113\.9\/bg\.png'.*Content Security Policy directive: "img-src/,
	/inline style.*Content Security Policy directive 'style-src/,
	/inline event handler.*Content Security Policy directive 'default-src/,
];
const JS_URL_REFUSAL = /JavaScript URL.*Content Security Policy directive 'default-src/;

function waitConsole(page, rec, re) {
	if (rec.console.some((m) => re.test(m)))
		return Promise.resolve(true);
	return page.waitForEvent('console', { predicate: (m) => re.test(m.text()), timeout: 10000 })
		.then(() => true, () => false);
}

async function hostileCsp(browser) {
	const { context, page, rec } = await openPage(browser, origin);
	const response = await page.goto(`${base}/csp/hostile.html`);
	const csp = response.headers()['content-security-policy'] || '';
	result(csp.startsWith("default-src 'none'"), 'hostile.html under /csp/ is served with the CSP', csp);
	const refused = await Promise.all(REFUSALS.map((re) => waitConsole(page, rec, re)));
	result(refused.every(Boolean), 'chromium refused the inline script, handler, style and both remote images',
		REFUSALS.filter((_, i) => !refused[i]).map(String).concat(rec.console));
	const jsRefused = waitConsole(page, rec, JS_URL_REFUSAL);
	await page.click('#jslink');
	result(await jsRefused, 'the javascript: link, clicked, is refused', rec.console);
	await screenshot(page, outdir, 'hostile-csp');
	const foreign = await foreignRequests(rec, origin);
	result(foreign.length === 0, `no request left for any origin but ${origin}`, foreign);
	const evidence = await scriptEvidence(page, rec, '__pwned');
	result(evidence.length === 0, 'no script ran: nothing compiled from the page, window.__pwned unset',
		evidence);
	await context.close();
}

async function main() {
	let browser;
	try {
		browser = await launch();
	} catch (e) {
		result(false, 'chromium starts', String(e).split('\n'));
		process.exitCode = 1;
		return;
	}
	result(true, `chromium ${browser.version()} starts headless`);
	try {
		await buttonPage(browser);
		await hostileOpen(browser);
		await hostileCsp(browser);
	} catch (e) {
		result(false, 'the browser tests ran to their end', String(e.stack || e).split('\n'));
		process.exitCode = 1;
	} finally {
		await browser.close();
	}
}

main();
