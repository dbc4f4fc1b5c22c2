// NAME
//   tests/browser/lib.js - helpers for the browser tests
// DESCRIPTION
//   playwright-core drives Debian's chromium (/usr/bin/chromium, or
//   $PC_CHROMIUM); no browser is ever downloaded.  Each page gets its own
//   context and a recorder of what the page did: every request it made
//   (requests to any origin but the allowed one are recorded, then aborted,
//   so nothing leaves the machine even when the page under test is wrong),
//   console messages, page errors, and the scripts it compiled (the
//   debugger's scriptParsed events, so "no script ran" does not depend on
//   what a hostile script would have done).
//   The tests print TAP lines without numbers ("ok - ...", "not ok - ...",
//   "# ..."); tests/browser/*.sh number them.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

// Playwright passes --no-sandbox itself (chromiumSandbox is false by
// default): chromium refuses to start as root with its sandbox.  /dev/shm is
// small in containers; the rest keeps chromium from reaching the network on
// its own (the recorder only sees the page's requests).
const CHROMIUM_ARGS = [
	'--disable-dev-shm-usage',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-domain-reliability',
	'--disable-sync',
	'--no-pings',
	'--dns-prefetch-disable',
];

function launch() {
	return chromium.launch({
		executablePath: process.env.PC_CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: CHROMIUM_ARGS,
		timeout: 30000,
	});
}

// Scripts Playwright itself evaluates carry one of these source URLs or
// none; anything else was compiled from the page (inline, src=, handler
// attributes, javascript: URLs).
function isOurScript(url) {
	return url === '' || url.startsWith('__playwright') || url.startsWith('__puppeteer');
}

async function recordScripts(context, page, rec) {
	const cdp = await context.newCDPSession(page);
	cdp.on('Debugger.scriptParsed', (e) => {
		if (!isOurScript(e.url))
			rec.scripts.push(e.url);
	});
	await cdp.send('Debugger.enable');
}

// Opens a fresh context and page; requests to origins other than
// allowedOrigin are recorded and aborted.  Returns { context, page, rec }.
async function openPage(browser, allowedOrigin) {
	const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
	const page = await context.newPage();
	const rec = { requests: [], console: [], errors: [], scripts: [] };
	page.on('request', (r) => rec.requests.push(r));
	page.on('console', (m) => rec.console.push(`${m.type()}: ${m.text()}`));
	page.on('pageerror', (e) => rec.errors.push(String(e)));
	await context.route('**/*', (route) => {
		if (originOf(route.request().url()) === allowedOrigin)
			return route.continue();
		return route.abort('blockedbyclient');
	});
	await recordScripts(context, page, rec);
	return { context, page, rec };
}

function originOf(url) {
	try {
		return new URL(url).origin;
	} catch {
		return url;
	}
}

// The URLs of the requests the page made to any origin but the allowed one
// (data:, about: and blob: do not leave).  Chromium reports a subresource
// its CSP refused as a request too, one that fails with blockedReason
// "csp" (Playwright's errorText; net::ERR_BLOCKED_BY_CSP in other
// versions): that one never left.  Ours (the route's abort)
// would have, so they count.  Waits until each request has its outcome.
async function foreignRequests(rec, allowedOrigin) {
	const foreign = rec.requests.filter((r) =>
		!/^(data|about|blob):/.test(r.url()) && originOf(r.url()) !== allowedOrigin);
	await Promise.all(foreign.map((r) => r.response().catch(() => null)));
	return foreign.filter((r) => !blockedByCsp(r)).map((r) => r.url());
}

function blockedByCsp(request) {
	const failure = request.failure();
	return failure !== null && ['csp', 'net::ERR_BLOCKED_BY_CSP'].includes(failure.errorText);
}

// What shows that a page's script ran: the scripts it compiled, and what it
// left in window[marker] (the global the test's hostile script would set).
// Empty when none ran.
async function scriptEvidence(page, rec, marker) {
	const left = await page.evaluate((m) => window[m], marker);
	return rec.scripts.map((u) => `compiled: ${u}`)
		.concat(left === undefined ? [] : [`window.${marker} = ${JSON.stringify(left)}`]);
}

async function screenshot(page, dir, name) {
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

// TAP without numbers; the shell script numbers the lines.
function result(ok, description, diag) {
	console.log(`${ok ? 'ok' : 'not ok'} - ${description}`);
	if (!ok && diag)
		for (const line of [].concat(diag))
			console.log(`# ${line}`);
	return ok;
}

module.exports = { launch, openPage, foreignRequests, scriptEvidence, screenshot, result, originOf };
