// NAME
//   tests/browser/readme-shots.js - the README's pictures of the web console
// SYNOPSIS
//   node readme-shots.js BASE OUTDIR   (run by tests/browser/readme-shots.sh)
// DESCRIPTION
//   BASE is portcullis-web on loopback over the gateway readme-shots.sh
//   made up; OUTDIR gets login, trace, trace-detail, quarantine,
//   quarantine-detail, stats, lists, audit and link .png: a 1280x860
//   window at device scale 1.  The administrator (postmaster, password
//   PC_SHOTS_PASSWORD) logs in through the form, traces the rejected
//   EICAR, selects two quarantined messages, learns them as spam, reads a
//   newsletter's preview, releases a false positive, adds to the block
//   list; then a recipient opens the digest link PC_SHOTS_LINK in a
//   context of its own.  Prints one line per picture; fails on a page
//   error or a console error, so a broken page is not photographed.
'use strict';

const path = require('path');
const { launch } = require('./lib.js');

const [base, out] = process.argv.slice(2);
const PASSWORD = process.env.PC_SHOTS_PASSWORD;
const LINK = process.env.PC_SHOTS_LINK;
const T = 15000;
const problems = [];

async function context(browser) {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1,
		timezoneId: 'UTC', locale: 'en-GB' });
	const page = await ctx.newPage();
	page.on('pageerror', (e) => problems.push(`page error: ${e}`));
	page.on('console', (m) => {
		// the login page's GET /api/me is a 401, and chromium says so
		if (m.type() === 'error' && !/^Failed to load resource: .* status of 401/.test(m.text()))
			problems.push(`console error: ${m.text()}`);
	});
	page.on('dialog', (d) => d.accept());
	return { ctx, page };
}

// The window as the postmaster sees it, scrolled so that the card holding
// `at` is at its top; or the whole page (`at` === 'full'), or the page down
// to the bottom of the row holding `at.until` (and its note), as in a window that tall
// (so the sidebar, sticky at 100vh, reaches the bottom).
async function shot(page, name, at) {
	await page.evaluate(() => document.activeElement && document.activeElement.blur());
	await page.mouse.move(0, 0);
	if (typeof at === 'string' && at !== 'full')
		await page.locator(at).first().evaluate((e) => {
			const c = e.closest('.card') || e;
			window.scrollTo(0, c.getBoundingClientRect().top + window.scrollY - 24);
		});
	else
		await page.evaluate(() => window.scrollTo(0, 0));
	// the fonts and the last layout
	await page.evaluate(() => document.fonts.ready);
	await page.waitForTimeout(150);
	const file = path.join(out, `${name}.png`);
	if (at === 'full' || (at && at.until)) {
		const height = at === 'full' ? await page.evaluate(() => document.documentElement.scrollHeight)
			: await page.locator(at.until).first().evaluate((e) => {
				// the row, and the note under it if there is one
				const row = e.closest('.columns') || e;
				const next = row.nextElementSibling;
				const last = next && next.tagName === 'P' ? next : row;
				return Math.ceil(last.getBoundingClientRect().bottom + window.scrollY + 8);
			});
		await page.setViewportSize({ width: 1280, height });
		await page.waitForTimeout(100);
		await page.screenshot({ path: file });
		await page.setViewportSize({ width: 1280, height: 860 });
	} else {
		await page.screenshot({ path: file });
	}
	console.log(`${name}.png`);
	if (problems.length)
		throw new Error(`${name}: ${problems.join('; ')}`);
}

const view = (page, name) => page.waitForSelector(`#app[data-view="${name}"]`, { timeout: T });
const rows = (page, table) => page.locator(`#${table} tbody tr[data-id]`);
const nav = async (page, name) => {
	await page.click(`#nav a[data-nav="${name}"]`);
	await view(page, name);
};
const bannerOk = (page) => page.waitForSelector('#status-banner.ok:not([hidden])', { timeout: T });

async function main() {
	const browser = await launch();
	try {
		const { ctx, page } = await context(browser);

		// login
		await page.goto(`${base}/`);
		await view(page, 'login');
		await page.fill('#login-name', 'postmaster');
		await page.fill('#login-password', PASSWORD);
		await shot(page, 'login');
		await page.click('#login-submit');
		await view(page, 'trace');

		// the trace: all of it, then the EICAR the group finance rejected
		await page.waitForSelector('#trace-results tbody tr[data-id]', { timeout: T });
		await shot(page, 'trace');
		await page.fill('#f-rcpt', 'treasury@finance.example.com');
		await page.selectOption('#f-action', 'reject');
		await page.click('#search');
		await page.waitForFunction(() => /rcpt=treasury/.test(location.hash), null, { timeout: T });
		await page.waitForSelector('#trace-results tbody tr[data-id]', { timeout: T });
		await rows(page, 'trace-results').first().locator('td:nth-child(3)').click();
		await view(page, 'trace-detail');
		await page.waitForSelector('#trace-detail dd[data-field="reason"]', { timeout: T });
		await shot(page, 'trace-detail');

		// the quarantine: two selected for a bulk action, which then learns them as spam
		await nav(page, 'quarantine');
		await page.waitForSelector('#quarantine-results tbody tr[data-id]', { timeout: T });
		const pick = ['bulk-mailer.example', 'lottery.example'];
		for (const p of pick)
			await rows(page, 'quarantine-results').filter({ hasText: p }).first().locator('input.select-row').check();
		await shot(page, 'quarantine');
		await page.click('#bulk-spam');
		await bannerOk(page);

		// a newsletter's detail, scrolled so that its preview is in view
		await rows(page, 'quarantine-results').filter({ hasText: 'news@promo-blast.example' }).first()
			.locator('td.reason').click();
		await view(page, 'quarantine-detail');
		await page.waitForFunction(() => /SmartFit/.test(document.getElementById('preview')?.textContent || ''),
			null, { timeout: T });
		await shot(page, 'quarantine-detail', 'full');

		// a false positive released to its recipient
		await page.click('a.back');
		await view(page, 'quarantine');
		await page.waitForSelector('#quarantine-results tbody tr[data-id]', { timeout: T });
		await rows(page, 'quarantine-results').filter({ hasText: 'accounts@example.net' }).first()
			.locator('td.reason').click();
		await view(page, 'quarantine-detail');
		await page.click('#release');
		await bannerOk(page);

		// the sender lists, one more sender blocked through the form
		await nav(page, 'lists');
		await page.selectOption('#list-which', 'block');
		await page.fill('#list-mask', '*@cheap-watches.example');
		await page.click('#list-add');
		await page.waitForFunction(() => [...document.querySelectorAll('#list-block li')]
			.some((li) => li.textContent.includes('cheap-watches')), null, { timeout: T });
		await shot(page, 'lists');

		// statistics of the last 24 hours
		await nav(page, 'stats');
		await page.waitForSelector('svg.chart#chart-traffic rect', { timeout: T });
		await page.waitForSelector('#top-detections', { timeout: T });
		await shot(page, 'stats', { until: '#top-clients' });

		// the audit log
		await nav(page, 'audit');
		await page.waitForSelector('#audit-results tbody tr', { timeout: T });
		await shot(page, 'audit');
		await ctx.close();

		// a recipient's digest link, not logged in
		const r = await context(browser);
		await r.page.goto(LINK);
		await view(r.page, 'link');
		await r.page.waitForSelector('#link-summary dd[data-field="subject"]', { timeout: T });
		await shot(r.page, 'link');
		await r.ctx.close();
	} finally {
		await browser.close();
	}
}

main().catch((e) => {
	console.error(String(e.stack || e));
	process.exitCode = 1;
});
