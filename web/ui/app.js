// NAME
//   web/ui/app.js - the Portcullis web console (one page, no build step)
// DESCRIPTION
//   Served under "default-src 'none'; script-src 'self'; style-src 'self'
//   ...": no inline script, style attribute or handler attribute anywhere.
//   Every value from the API is treated as hostile (addresses, subjects and
//   header values are whatever a sender chose): it reaches the page only as
//   a text node (text()), never as markup, and the only URLs built from it
//   are our own hash routes and API paths with encodeURIComponent.
//   The session is an HttpOnly cookie; the page knows only GET /api/me's
//   answer (user, role, domains, csrf).  Times are shown in UTC.
//
// SELECTORS for browser tests (kept stable):
//   #app[data-view=NAME]         the current view: login, trace, trace-detail,
//                                quarantine, quarantine-detail, stats, lists,
//                                audit, link, denied, not-found
//   #status-banner               results and errors (class ok | error | info)
//   #nav a[data-nav=trace|quarantine|stats|lists|audit], #whoami, #logout
//   login:    #login-form #login-name #login-password #login-submit #login-error
//   trace:    #trace-form #f-sender #f-rcpt #f-queue-id #f-client #f-status
//             #f-action #f-since #f-before #search #reset
//             table.results#trace-results tbody tr[data-id]  #page-prev #page-next
//   trace detail: #trace-detail dd[data-field=NAME] (id, time, sender, detections, ...)
//             #spam-tests li  #quarantine-link
//   quarantine: #quarantine-form (#f-status #f-sender #f-rcpt #f-since #f-before)
//             table.results#quarantine-results tbody tr[data-id]
//             input.select-row  #select-all  #bulk-release #bulk-delete
//             #bulk-spam #bulk-ham  #page-prev #page-next
//   quarantine detail: #quarantine-detail dd[data-field=NAME]  #findings li
//             #objects tbody tr  #headers tbody tr  #preview (a <pre>)
//             #download  #release  #release-rcpt input[type=checkbox]
//             #release-extra  #delete  #learn-spam  #learn-ham
//             #allow-sender  #block-sender
//   stats:    #stats-hours button[data-hours]  svg.chart#chart-traffic
//             svg.chart#chart-latency  svg.chart#chart-status
//             #top-detections #top-senders #top-clients  #daemon  #database
//   lists:    #list-allow li  #list-block li  button.remove[data-mask]
//             #list-form #list-which #list-mask #list-add
//   audit:    table.results#audit-results tbody tr
//   link:     #link-summary dd[data-field=NAME]  #link-release  #link-optout
//             #link-result
//   Delete (single and bulk) asks window.confirm() first.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const PAGE = 100;
const STATUSES = ['clean', 'unscanned', 'probable', 'spam', 'filtered', 'suspicious',
	'corrupted', 'encrypted', 'unscannable', 'error', 'infected', 'forged'];
const ACTIONS = ['accept', 'reject', 'quarantine', 'tempfail', 'discard'];
const SERIES = ['accept', 'reject', 'quarantine', 'tempfail', 'discard', 'other'];

let session = null;	// GET /api/me's answer, or null
let wanted = null;	// the route asked for before logging in
let pendingBanner = null;	// shown by the next view (a message that outlives a navigation)
let meAsked = false;	// GET /api/me done for this page load

// ---------------------------------------------------------------- text and DOM

// Bidirectional overrides and control characters would let a sender make
// "gpj.exe" read as "exe.jpg"; they are shown as visible code points.
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function visible(value) {
	return String(value).replace(INVISIBLE,
		(c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

function text(value) {
	return document.createTextNode(value === null || value === undefined ? '' : visible(value));
}

function append(node, children) {
	for (const child of children.flat(Infinity)) {
		if (child === null || child === undefined || child === false)
			continue;
		node.appendChild(child instanceof Node ? child : text(child));
	}
	return node;
}

// el('a', {href: '#/x', class: 'y', onclick: f}, 'child', node, [more]).
// Props are attributes (true: present), never "style"; "on..." functions
// become listeners.
function el(tag, props, ...children) {
	const node = document.createElement(tag);
	setProps(node, props);
	return append(node, children);
}

function setProps(node, props) {
	for (const [key, value] of Object.entries(props || {})) {
		if (value === undefined || value === null || value === false)
			continue;
		if (key === 'style')
			throw new Error('no style attribute under the CSP: set node.style.x');
		if (key.startsWith('on') && typeof value === 'function')
			node.addEventListener(key.slice(2), value);
		else
			node.setAttribute(key, value === true ? '' : String(value));
	}
}

function svg(tag, attrs, ...children) {
	const node = document.createElementNS(SVG_NS, tag);
	for (const [key, value] of Object.entries(attrs || {}))
		if (value !== undefined && value !== null)
			node.setAttribute(key, String(value));
	return append(node, children);
}

// ---------------------------------------------------------------- formats

function pad(n) {
	return String(n).padStart(2, '0');
}

function fmtTime(seconds) {
	const n = Number(seconds);
	if (seconds === null || seconds === '' || !Number.isFinite(n))
		return '';
	return new Date(n * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

// datetime-local values are read and written as UTC, as everything shown is.
function toLocalInput(seconds) {
	const n = Number(seconds);
	return seconds && Number.isFinite(n) ? new Date(n * 1000).toISOString().slice(0, 16) : '';
}

function fromLocalInput(value) {
	const ms = Date.parse(`${value}Z`);
	return value && Number.isFinite(ms) ? String(Math.floor(ms / 1000)) : '';
}

function fmtSize(bytes) {
	const n = Number(bytes);
	if (!Number.isFinite(n))
		return '';
	if (n < 1024)
		return `${n} B`;
	if (n < 1024 * 1024)
		return `${(n / 1024).toFixed(1)} KB`;
	return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function fmtScore(score) {
	const n = Number(score);
	return score === null || score === undefined || !Number.isFinite(n) ? '' : n.toFixed(1);
}

function fmtAge(seconds) {
	const n = Math.max(0, Math.floor(Number(seconds) || 0));
	if (n < 3600)
		return `${Math.floor(n / 60)} min`;
	if (n < 86400)
		return `${Math.floor(n / 3600)} h ${Math.floor((n % 3600) / 60)} min`;
	return `${Math.floor(n / 86400)} d ${Math.floor((n % 86400) / 3600)} h`;
}

function fmtCount(n) {
	return Number(n || 0).toLocaleString('en-US');
}

function address(value) {
	return value === '' ? el('span', { class: 'null-sender', title: 'the null sender' }, '<>') : text(value);
}

function list(values) {
	return Array.isArray(values) ? values : [];
}

// A badge's class comes from our own list, never from the value itself.
function badge(kind, value) {
	const known = (kind === 'st' ? STATUSES : ACTIONS).includes(value);
	return el('span', { class: `badge ${kind}-${known ? value : 'other'}`, 'data-test': kind }, value || '—');
}

// One line per row in the lists: long values are cut with an ellipsis,
// whole in the tooltip and on the detail page.
function clip(full, ...children) {
	return el('span', { class: 'clip', title: visible(full) }, children);
}

function senderCell(sender) {
	return clip(sender === '' ? '<>' : sender, address(sender));
}

function recipientsCell(rcpts) {
	const all = list(rcpts);
	return clip(all.join(', '), all[0] || '', all.length > 1 ? el('span', { class: 'more' }, ` +${all.length - 1}`) : null);
}

// ---------------------------------------------------------------- the API

function isPublic(path) {
	return path === 'api/login' || path.startsWith('api/link');
}

// Relative paths ("api/...") keep working behind a proxy that mounts the
// console under a prefix.  Resolves to {ok, status, data}; never throws.
async function api(method, path, body) {
	const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' };
	if (body instanceof URLSearchParams) {
		init.body = body;
	} else if (body !== undefined) {
		init.headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body);
	}
	if (method === 'POST' && session && !isPublic(path))
		init.headers['X-CSRF-Token'] = session.csrf;
	let res;
	try {
		res = await fetch(path, init);
	} catch (e) {
		return { ok: false, status: 0, data: { error: 'the server cannot be reached' } };
	}
	let data = null;
	try {
		data = await res.json();
	} catch (e) {
		data = res.ok ? null : { error: `HTTP ${res.status} ${res.statusText}` };
	}
	if (res.status === 401 && session && !isPublic(path))
		sessionLost();
	return { ok: res.ok, status: res.status, data };
}

function errorOf(r) {
	return r.data && typeof r.data.error === 'string' ? r.data.error : `HTTP ${r.status}`;
}

function query(params) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params))
		if (v !== '' && v !== null && v !== undefined)
			q.set(k, v);
	const s = q.toString();
	return s ? `?${s}` : '';
}

function sessionLost() {
	session = null;
	wanted = location.hash;
	pendingBanner = ['info', 'Your session has ended: please log in again.'];
	go('#/login');
}

// ---------------------------------------------------------------- banner and chrome

function banner(kind, message) {
	const b = document.getElementById('status-banner');
	b.className = kind || '';
	b.replaceChildren(message ? text(message) : '');
	b.hidden = !message;
	if (message && kind !== 'info')
		b.scrollIntoView({ block: 'nearest' });
}

function showChrome(visibleNav) {
	document.getElementById('sidebar').hidden = !visibleNav;
	document.body.classList.toggle('bare', !visibleNav);
	if (!visibleNav || !session)
		return;
	const admin = session.role === 'admin';
	for (const a of document.querySelectorAll('#nav a[data-admin]'))
		a.parentElement.hidden = !admin;
	document.getElementById('whoami').replaceChildren(
		el('span', { class: 'who-name' }, session.user),
		el('span', { class: 'who-role' }, admin ? 'administrator'
			: `domain administrator: ${list(session.domains).join(', ')}`));
}

function markNav(name) {
	for (const a of document.querySelectorAll('#nav a'))
		a.classList.toggle('active', a.dataset.nav === name);
}

async function logout() {
	const r = await api('POST', 'api/logout', {});
	if (!r.ok && r.status !== 401) {
		banner('error', `Logout failed: ${errorOf(r)}`);
		return;
	}
	session = null;
	wanted = null;
	pendingBanner = ['info', 'You are logged out.'];
	go('#/login');
}

// ---------------------------------------------------------------- routing

const ROUTES = [
	{ re: /^\/login$/, view: viewLogin, open: true, bare: true },
	{ re: /^\/link\/(.+)$/, view: viewLink, open: true, bare: true },
	{ re: /^\/trace$/, view: viewTrace, nav: 'trace' },
	{ re: /^\/trace\/(\d+)$/, view: viewTraceDetail, nav: 'trace' },
	{ re: /^\/quarantine$/, view: viewQuarantine, nav: 'quarantine' },
	{ re: /^\/quarantine\/([^/?]+)$/, view: viewQuarantineDetail, nav: 'quarantine' },
	{ re: /^\/stats$/, view: viewStats, nav: 'stats' },
	{ re: /^\/lists$/, view: viewLists, nav: 'lists', admin: true },
	{ re: /^\/audit$/, view: viewAudit, nav: 'audit', admin: true },
];

// Setting the hash it already has fires no hashchange: a search run
// twice, or an action that lands where it started, must still reload.
function go(hash) {
	if (location.hash === hash)
		route();
	else
		location.hash = hash;
}

function parseHash() {
	const h = (location.hash || '#').replace(/^#\/?/, '/').replace(/^\/$/, '/trace');
	const q = h.indexOf('?');
	return {
		path: q < 0 ? h : h.slice(0, q),
		params: new URLSearchParams(q < 0 ? '' : h.slice(q + 1)),
	};
}

function decode(part) {
	try {
		return decodeURIComponent(part);
	} catch (e) {
		return part;
	}
}

// Each view fills its own fresh container: a view still waiting for the
// API when the user moves on fills a detached node, harmlessly.
function mount(name) {
	const main = document.getElementById('main');
	const view = el('section', { id: 'app', 'data-view': name });
	main.replaceChildren(view);
	return view;
}

async function route() {
	const { path, params } = parseHash();
	const r = ROUTES.find((x) => x.re.test(path));
	if (r && r.view !== viewLink && !session && !meAsked)
		await askMe();
	if (!r) {
		showChrome(Boolean(session));
		mount('not-found').append(el('h1', {}, 'Not found'),
			el('p', {}, 'There is no such page. ', el('a', { href: '#/trace' }, 'Go to the message trace.')));
		return;
	}
	if (!r.open && !session) {
		wanted = location.hash;
		go('#/login');
		return;
	}
	if (r.view === viewLogin && session) {
		go('#/trace');
		return;
	}
	showChrome(!r.bare);
	markNav(r.nav);
	const [k, m] = pendingBanner || [];
	pendingBanner = null;
	banner(k, m);
	if (r.admin && session.role !== 'admin') {
		mount('denied').append(el('h1', {}, 'Administrators only'),
			el('p', {}, 'The sender lists and the audit log are the whole gateway\'s.'));
		return;
	}
	const arg = path.match(r.re)[1];
	r.view(arg === undefined ? undefined : decode(arg), params);
}

// Once per page load, and only when a view needs the session: the
// recipients' page must not ask for one.
async function askMe() {
	meAsked = true;
	const r = await api('GET', 'api/me');
	session = r.ok && r.data ? r.data : null;
	if (!r.ok && r.status !== 401)
		pendingBanner = ['error', `The server answers: ${errorOf(r)}`];
}

function start() {
	document.getElementById('logout').addEventListener('click', logout);
	window.addEventListener('hashchange', route);
	route();
}

// ---------------------------------------------------------------- shared pieces

function field(label, input) {
	return el('label', { class: 'field' }, el('span', {}, label), input);
}

function textInput(id, value, placeholder) {
	return el('input', { id, type: 'text', value: value || '', placeholder: placeholder || '', autocomplete: 'off' });
}

function select(id, options, value) {
	return el('select', { id },
		options.map(([v, label]) => el('option', { value: v, selected: v === value }, label)));
}

function timeInput(id, seconds) {
	return el('input', { id, type: 'datetime-local', value: toLocalInput(seconds) });
}

function button(id, label, onclick, cls) {
	return el('button', { id, type: 'button', class: cls || '', onclick }, label);
}

// Disables the button while action runs, so a double click acts once.
function busy(btn, action) {
	return async (...args) => {
		btn.disabled = true;
		try {
			await action(...args);
		} finally {
			btn.disabled = false;
		}
	};
}

function table(id, headings, rows) {
	return el('table', { id, class: 'results' },
		el('thead', {}, el('tr', {}, headings.map((h) => el('th', {}, h)))),
		el('tbody', {}, rows));
}

function emptyRow(cols, message) {
	return el('tr', { class: 'empty' }, el('td', { colspan: cols }, message));
}

// A row that opens href when clicked (not when a control inside is used).
function linkRow(href, cells, props) {
	const tr = el('tr', Object.assign({ class: 'link', tabindex: 0 }, props), cells);
	tr.addEventListener('click', (e) => {
		if (!e.target.closest('input, a, button, label'))
			go(href);
	});
	tr.addEventListener('keydown', (e) => {
		if (e.key === 'Enter' && e.target === tr)
			go(href);
	});
	return tr;
}

function details(id, pairs) {
	return el('dl', { id, class: 'details' }, pairs.filter(Boolean).map(([name, label, value]) => [
		el('dt', {}, label),
		el('dd', { 'data-field': name }, value === '' || value === null || value === undefined
			? el('span', { class: 'none' }, '—') : value),
	]));
}

function card(title, ...children) {
	return el('div', { class: 'card' }, title ? el('h2', {}, title) : null, children);
}

function loading(view) {
	const p = el('p', { class: 'loading' }, 'Loading…');
	view.append(p);
	return p;
}

function pager(offset, count, more, params, base) {
	const page = (to) => {
		const p = new URLSearchParams(params);
		if (to > 0)
			p.set('offset', String(to));
		else
			p.delete('offset');
		go(`${base}${p.toString() ? `?${p}` : ''}`);
	};
	const first = count ? offset + 1 : 0;
	return el('div', { class: 'pager' },
		el('span', { class: 'range' }, `${fmtCount(first)}–${fmtCount(offset + count)}`),
		button('page-prev', '‹ Newer', () => page(Math.max(0, offset - PAGE)), 'small'),
		button('page-next', 'Older ›', () => page(offset + PAGE), 'small'));
}

function setPagerState(view, offset, more) {
	view.querySelector('#page-prev').disabled = offset <= 0;
	view.querySelector('#page-next').disabled = !more;
}

// The filters of a search form, as the hash's parameters (times in Unix seconds).
function formParams(form, names) {
	const p = {};
	for (const [name, id, kind] of names) {
		const v = form.querySelector(`#${id}`).value.trim();
		p[name] = kind === 'time' ? fromLocalInput(v) : v;
	}
	return query(p);
}

function statusInput(value) {
	const id = 'status-choices';
	return [el('input', { id: 'f-status', type: 'text', value: value || '', list: id, placeholder: 'any', autocomplete: 'off' }),
		el('datalist', { id }, STATUSES.map((s) => el('option', { value: s })))];
}

// ---------------------------------------------------------------- login

function viewLogin() {
	const view = mount('login');
	const error = el('p', { id: 'login-error', class: 'form-error', role: 'alert', hidden: true });
	const name = el('input', { id: 'login-name', name: 'name', type: 'text', autocomplete: 'username', required: true, autofocus: true });
	const password = el('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
	const submit = el('button', { id: 'login-submit', type: 'submit', class: 'primary' }, 'Log in');
	const form = el('form', { id: 'login-form', class: 'login-card', novalidate: false },
		el('div', { class: 'brand big' }, el('span', { class: 'logo' }), 'Portcullis'),
		el('p', { class: 'muted' }, 'Mail security console'),
		field('Name', name), field('Password', password), error, submit);
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		submit.disabled = true;
		const r = await api('POST', 'api/login', new URLSearchParams({ name: name.value, password: password.value }));
		submit.disabled = false;
		if (!r.ok || !r.data) {
			error.hidden = false;
			error.replaceChildren(text(r.status === 401 || r.status === 429 ? errorOf(r) : `Login failed: ${errorOf(r)}`));
			password.value = '';
			password.focus();
			return;
		}
		session = r.data;
		const next = wanted && !/^#\/login/.test(wanted) ? wanted : '#/trace';
		wanted = null;
		go(next);
	});
	view.append(form);
	name.focus();
}

// ---------------------------------------------------------------- message trace

const TRACE_FILTERS = [['sender', 'f-sender'], ['rcpt', 'f-rcpt'], ['queue_id', 'f-queue-id'],
	['client', 'f-client'], ['status', 'f-status'], ['action', 'f-action'],
	['since', 'f-since', 'time'], ['before', 'f-before', 'time']];

let lastTrace = '#/trace';
let lastQuarantine = '#/quarantine';

function traceForm(p) {
	const form = el('form', { id: 'trace-form', class: 'filters' },
		field('Sender', textInput('f-sender', p.get('sender'), 'address or part')),
		field('Recipient', textInput('f-rcpt', p.get('rcpt'), 'address or part')),
		field('Queue ID', textInput('f-queue-id', p.get('queue_id'))),
		field('Client', textInput('f-client', p.get('client'), 'name or address')),
		field('Status', statusInput(p.get('status'))),
		field('Action', select('f-action', [['', 'any']].concat(ACTIONS.map((a) => [a, a])), p.get('action') || '')),
		field('Since (UTC)', timeInput('f-since', p.get('since'))),
		field('Before (UTC)', timeInput('f-before', p.get('before'))),
		el('div', { class: 'buttons' },
			el('button', { id: 'search', type: 'submit', class: 'primary' }, 'Search'),
			el('a', { id: 'reset', href: '#/trace', class: 'button' }, 'Reset')));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		go(`#/trace${formParams(form, TRACE_FILTERS)}`);
	});
	return form;
}

function traceRow(r) {
	const id = Number(r.id);
	return linkRow(`#/trace/${id}`, [
		el('td', { class: 'time' }, el('a', { href: `#/trace/${id}` }, fmtTime(r.time))),
		el('td', { class: 'addr' }, senderCell(r.sender)),
		el('td', { class: 'addr' }, recipientsCell(r.recipients)),
		el('td', {}, badge('st', r.status)),
		el('td', {}, badge('act', r.action)),
		el('td', { class: 'num' }, fmtScore(r.spam_score)),
		el('td', { class: 'mono' }, r.queue_id),
	], { 'data-id': id });
}

async function viewTrace(_, params) {
	lastTrace = location.hash || '#/trace';
	const view = mount('trace');
	const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
	view.append(el('h1', {}, 'Message trace'), traceForm(params));
	const wait = loading(view);
	const q = {};
	for (const [name] of TRACE_FILTERS)
		q[name] = params.get(name) || '';
	const r = await api('GET', `api/history${query(Object.assign(q, { limit: PAGE, offset }))}`);
	wait.remove();
	if (!r.ok) {
		banner('error', `The message trace cannot be read: ${errorOf(r)}`);
		return;
	}
	const rows = list(r.data);
	view.append(card(null,
		table('trace-results', ['Time (UTC)', 'Sender', 'Recipients', 'Status', 'Action', 'Score', 'Queue ID'],
			rows.length ? rows.map(traceRow) : emptyRow(7, 'No message matches.')),
		pager(offset, rows.length, false, params, '#/trace')));
	setPagerState(view, offset, rows.length >= PAGE);
}

function spamTests(tests) {
	const names = String(tests || '').split(',').map((s) => s.trim()).filter(Boolean);
	return names.length ? el('ul', { id: 'spam-tests', class: 'chips' }, names.map((n) => el('li', {}, n))) : '';
}

async function viewTraceDetail(id) {
	const view = mount('trace-detail');
	view.append(el('a', { href: lastTrace, class: 'back' }, '‹ Back to the trace'));
	const wait = loading(view);
	const r = await api('GET', `api/history/${encodeURIComponent(id)}`);
	wait.remove();
	if (!r.ok || !r.data) {
		banner('error', `Record ${id}: ${errorOf(r)}`);
		return;
	}
	const m = r.data;
	const qid = m.quarantine_id ? String(m.quarantine_id) : '';
	view.append(el('h1', {}, 'Message ', el('span', { class: 'mono' }, m.queue_id || `#${m.id}`)),
		card(null, details('trace-detail', [
			['time', 'Time (UTC)', fmtTime(m.time)],
			['id', 'Record', String(m.id)],
			['queue_id', 'Queue ID', m.queue_id],
			['client', 'Client', m.client],
			['sender', 'Sender', address(m.sender)],
			['recipients', 'Recipients', list(m.recipients).length
				? el('ul', { class: 'plain' }, list(m.recipients).map((x) => el('li', {}, x))) : ''],
			['size', 'Size', fmtSize(m.size)],
			['group', 'Policy group', m.group],
			['status', 'Status', badge('st', m.status)],
			['action', 'Action', badge('act', m.action)],
			['reply', 'SMTP reply', m.reply ? el('code', {}, m.reply) : ''],
			['reason', 'Reason', m.reason],
			['detections', 'Detections', m.detections ? el('ul', { class: 'plain' },
				String(m.detections).split(',').filter(Boolean).map((x) => el('li', { class: 'mono' }, x))) : ''],
			['spam_score', 'Spam score', fmtScore(m.spam_score)],
			['spam_tests', 'Spam tests', spamTests(m.spam_tests)],
			['ms', 'Scan time', m.ms === undefined || m.ms === null ? '' : `${m.ms} ms`],
			['quarantine_id', 'Quarantine', qid
				? el('a', { id: 'quarantine-link', href: `#/quarantine/${encodeURIComponent(qid)}` }, qid) : ''],
			['detail', 'Log detail', m.detail ? el('pre', { class: 'wrap' }, m.detail) : ''],
		])));
}

// ---------------------------------------------------------------- quarantine

const QUARANTINE_FILTERS = [['status', 'f-status'], ['sender', 'f-sender'], ['rcpt', 'f-rcpt'],
	['since', 'f-since', 'time'], ['before', 'f-before', 'time']];

function quarantineForm(p) {
	const form = el('form', { id: 'quarantine-form', class: 'filters' },
		field('Status', statusInput(p.get('status'))),
		field('Sender', textInput('f-sender', p.get('sender'), 'address or part')),
		field('Recipient', textInput('f-rcpt', p.get('rcpt'), 'address or part')),
		field('Since (UTC)', timeInput('f-since', p.get('since'))),
		field('Before (UTC)', timeInput('f-before', p.get('before'))),
		el('div', { class: 'buttons' },
			el('button', { id: 'search', type: 'submit', class: 'primary' }, 'Search'),
			el('a', { id: 'reset', href: '#/quarantine', class: 'button' }, 'Reset')));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		go(`#/quarantine${formParams(form, QUARANTINE_FILTERS)}`);
	});
	return form;
}

function quarantineRow(q) {
	const id = String(q.id);
	return linkRow(`#/quarantine/${encodeURIComponent(id)}`, [
		el('td', { class: 'check' }, el('input', { type: 'checkbox', class: 'select-row', value: id, 'aria-label': 'select' })),
		el('td', { class: 'time' }, el('a', { href: `#/quarantine/${encodeURIComponent(id)}` }, fmtTime(q.received))),
		el('td', { class: 'addr' }, senderCell(q.sender)),
		el('td', { class: 'addr' }, recipientsCell(q.recipients)),
		el('td', {}, badge('st', q.status)),
		el('td', { class: 'reason' }, clip(q.reason || '', q.reason)),
		el('td', { class: 'num' }, fmtSize(q.size)),
		el('td', {}, q.released ? el('span', { class: 'badge released', title: visible(q.released) }, 'released') : '',
			q.damage ? el('span', { class: 'badge damaged', title: visible(q.damage) }, 'damaged') : ''),
	], { 'data-id': id });
}

const BULK = [['bulk-release', 'release', 'Release'], ['bulk-delete', 'delete', 'Delete'],
	['bulk-spam', 'spam', 'Learn as spam'], ['bulk-ham', 'ham', 'Learn as ham']];

function bulkBar(view, reload) {
	const count = el('span', { class: 'selected-count' }, 'none selected');
	const bar = el('div', { class: 'bulk' }, count, BULK.map(([id, action, label]) => {
		const b = button(id, label, () => bulk(view, action, reload), action === 'delete' ? 'danger small' : 'small');
		b.disabled = true;
		return b;
	}));
	view.addEventListener('change', () => {
		const n = selectedIds(view).length;
		count.replaceChildren(text(n ? `${n} selected` : 'none selected'));
		for (const [id] of BULK)
			bar.querySelector(`#${id}`).disabled = n === 0;
	});
	return bar;
}

function selectedIds(view) {
	return [...view.querySelectorAll('input.select-row:checked')].map((c) => c.value);
}

async function bulk(view, action, reload) {
	const ids = selectedIds(view);
	if (!ids.length)
		return;
	if (action === 'delete' && !window.confirm(`Delete ${ids.length} message(s) for good?`))
		return;
	const r = await api('POST', 'api/quarantine/bulk', { action, ids });
	if (!r.ok) {
		banner('error', `Bulk ${action} failed: ${errorOf(r)}`);
		return;
	}
	const results = list(r.data && r.data.results);
	const failed = results.filter((x) => !x.ok);
	const done = results.length - failed.length;
	const words = { release: 'released', delete: 'deleted', spam: 'learnt as spam', ham: 'learnt as ham' };
	const message = `${done} of ${ids.length} ${words[action]}.` + (failed.length
		? ` Failed: ${failed.slice(0, 5).map((x) => `${x.id}: ${x.error || 'error'}`).join('; ')}` +
			(failed.length > 5 ? ` and ${failed.length - 5} more` : '')
		: '');
	pendingBanner = [failed.length ? 'error' : 'ok', message];
	reload();
}

async function viewQuarantine(_, params) {
	lastQuarantine = location.hash || '#/quarantine';
	const view = mount('quarantine');
	const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
	view.append(el('h1', {}, 'Quarantine'), quarantineForm(params));
	const wait = loading(view);
	const q = {};
	for (const [name] of QUARANTINE_FILTERS)
		q[name] = params.get(name) || '';
	const r = await api('GET', `api/quarantine${query(Object.assign(q, { limit: PAGE, offset }))}`);
	wait.remove();
	if (!r.ok || !r.data) {
		banner('error', `The quarantine cannot be read: ${errorOf(r)}`);
		return;
	}
	const entries = list(r.data.entries);
	const all = el('input', { id: 'select-all', type: 'checkbox', 'aria-label': 'select all' });
	all.addEventListener('change', () => {
		for (const c of view.querySelectorAll('input.select-row'))
			c.checked = all.checked;
	});
	const t = table('quarantine-results', [all, 'Received (UTC)', 'Sender', 'Recipients', 'Status', 'Reason', 'Size', ''],
		entries.length ? entries.map(quarantineRow) : emptyRow(8, 'The quarantine holds no such message.'));
	view.append(card(null, bulkBar(view, () => route()), t,
		pager(offset, entries.length, r.data.more, params, '#/quarantine')));
	setPagerState(view, offset, Boolean(r.data.more));
}

function objectRow(o) {
	const name = el('td', { class: 'tree' }, el('span', { class: 'mono' }, o.path), o.name ? [' ', el('span', { class: 'obj-name' }, o.name)] : '');
	name.style.paddingLeft = `${0.6 + Math.min(12, Math.max(0, Number(o.depth) || 0)) * 1.25}em`;
	const mismatch = o.declared && o.detected && o.declared !== o.detected;
	return el('tr', {}, name,
		el('td', { class: 'mono' }, o.declared),
		el('td', { class: mismatch ? 'mono mismatch' : 'mono' }, o.detected),
		el('td', { class: 'num' }, fmtSize(o.size)),
		el('td', {}, badge('st', o.status)));
}

function releasePanel(q, id) {
	const rcpts = list(q.recipients);
	const boxes = rcpts.map((a) => el('label', { class: 'check-line' },
		el('input', { type: 'checkbox', value: a, checked: true }), el('span', {}, a)));
	const extra = textInput('release-extra', '', 'other addresses, comma-separated');
	const release = button('release', 'Release', null, 'primary');
	release.addEventListener('click', busy(release, async () => {
		const chosen = [...document.querySelectorAll('#release-rcpt input:checked')].map((c) => c.value);
		const more = extra.value.split(',').map((s) => s.trim()).filter(Boolean);
		// All the original recipients and no more: let the server pick them
		// (for a domain administrator, those they may see).
		const body = chosen.length === rcpts.length && !more.length ? {} : { to: chosen.concat(more) };
		if (body.to && !body.to.length) {
			banner('error', 'Choose at least one recipient.');
			return;
		}
		await quarantineAction(id, 'release', body, 'Released', true);
	}));
	return card('Release', el('div', { id: 'release-rcpt', class: 'rcpt-list' }, boxes),
		field('Also to', extra), el('div', { class: 'buttons' }, release));
}

// To whom a release went: portcullis-web answers {"id", "done",
// "released": "YYYY-MM-DD HH:MM:SS UTC to ADDRESSES"} (the entry's record
// of its latest release); a "to" array is taken too.
function releasedTo(data) {
	if (data && Array.isArray(data.to))
		return data.to.join(', ');
	const m = data && typeof data.released === 'string' ? data.released.match(/ UTC to (.+)$/) : null;
	return m ? m[1].split(',').join(', ') : '';
}

async function quarantineAction(id, action, body, done, reload) {
	const r = await api('POST', `api/quarantine/${encodeURIComponent(id)}/${action}`, body);
	if (!r.ok) {
		banner('error', `${done.replace(/ed$/, '')} failed: ${errorOf(r)}`);
		return false;
	}
	const to = action === 'release' ? releasedTo(r.data) : '';
	pendingBanner = ['ok', `${done}${to ? ` to ${to}` : ''}.`];
	if (reload) {
		route();
	} else {
		banner(...pendingBanner);
		pendingBanner = null;
	}
	return true;
}

async function addToList(which, mask) {
	const r = await api('POST', 'api/lists', { list: which, op: 'add', mask });
	banner(r.ok ? 'ok' : 'error', r.ok ? `${mask} added to the ${which} list.` : `Adding to the ${which} list failed: ${errorOf(r)}`);
}

function actionBar(q, id) {
	const del = button('delete', 'Delete', null, 'danger');
	del.addEventListener('click', busy(del, async () => {
		if (!window.confirm('Delete this message for good?'))
			return;
		const r = await api('POST', `api/quarantine/${encodeURIComponent(id)}/delete`, {});
		if (!r.ok) {
			banner('error', `Delete failed: ${errorOf(r)}`);
			return;
		}
		pendingBanner = ['ok', `Message ${id} deleted.`];
		go(lastQuarantine);
	}));
	const learn = (cls) => {
		const b = button(`learn-${cls}`, `Learn as ${cls}`, null);
		b.addEventListener('click', busy(b, () => quarantineAction(id, 'learn', { class: cls }, `Learnt as ${cls}`, false)));
		return b;
	};
	const listButton = (which, label) => {
		const b = button(`${which}-sender`, label, null);
		b.disabled = !q.sender;
		b.title = q.sender ? visible(`${which} list: ${q.sender}`) : 'the null sender cannot be listed';
		b.addEventListener('click', busy(b, () => addToList(which, q.sender)));
		return b;
	};
	return el('div', { class: 'toolbar' },
		el('a', { id: 'download', class: 'button', href: `api/quarantine/${encodeURIComponent(id)}/download`, download: '' }, 'Download'),
		learn('spam'), learn('ham'),
		listButton('allow', 'Allow sender'), listButton('block', 'Block sender'),
		el('span', { class: 'spacer' }), del);
}

async function loadPreview(id, pre, note) {
	const r = await api('GET', `api/quarantine/${encodeURIComponent(id)}/preview`);
	if (!r.ok || !r.data) {
		pre.textContent = '';
		note.replaceChildren(text(`No preview: ${errorOf(r)}`));
		return;
	}
	pre.textContent = r.data.text || '';
	note.replaceChildren(text([r.data.part ? `Part ${r.data.part}` : '', r.data.truncated ? 'truncated at 64 KB' : '']
		.filter(Boolean).join(' · ') || 'Plain text; links are not followed.'));
}

async function viewQuarantineDetail(id) {
	const view = mount('quarantine-detail');
	view.append(el('a', { href: lastQuarantine, class: 'back' }, '‹ Back to the quarantine'));
	const wait = loading(view);
	const r = await api('GET', `api/quarantine/${encodeURIComponent(id)}`);
	wait.remove();
	if (!r.ok || !r.data) {
		banner('error', `Quarantine entry ${id}: ${errorOf(r)}`);
		return;
	}
	const q = r.data;
	const client = [q.client_name, q.client_address ? `[${q.client_address}]` : ''].join('');
	const pre = el('pre', { id: 'preview', class: 'preview' }, 'Loading…');
	const note = el('p', { class: 'muted' });
	view.append(el('h1', { class: 'subject' }, q.subject || el('span', { class: 'none' }, '(no subject)')),
		actionBar(q, id),
		el('div', { class: 'columns' },
			card('Message', details('quarantine-detail', [
				['id', 'Entry', el('span', { class: 'mono' }, q.id)],
				['received', 'Received (UTC)', fmtTime(q.received)],
				['queue_id', 'Queue ID', q.queue_id],
				['client', 'Client', client],
				['helo', 'HELO', q.helo],
				['sender', 'Sender', address(q.sender)],
				['recipients', 'Recipients', el('ul', { class: 'plain' }, list(q.recipients).map((x) => el('li', {}, x)))],
				['subject', 'Subject', q.subject],
				['group', 'Policy group', q.group],
				['status', 'Status', badge('st', q.status)],
				['action', 'Action', badge('act', q.action)],
				['reason', 'Reason', q.reason],
				['size', 'Size', fmtSize(q.size)],
				['released', 'Released', q.released || ''],
				q.damage ? ['damage', 'Damage', el('span', { class: 'form-error' }, q.damage)] : null,
			])),
			el('div', {}, releasePanel(q, id),
				card('Findings', list(q.findings).length
					? el('ul', { id: 'findings', class: 'findings' }, list(q.findings).map((f) => el('li', { class: 'mono' }, f)))
					: el('p', { id: 'findings', class: 'muted' }, 'None.')))),
		card('Objects', table('objects', ['Path and name', 'Declared', 'Detected', 'Size', 'Status'],
			list(q.objects).length ? list(q.objects).map(objectRow) : emptyRow(5, 'No objects recorded.'))),
		card('Preview', note, pre),
		card('Headers', table('headers', ['Name', 'Value'], list(q.headers).map((h) =>
			el('tr', {}, el('td', { class: 'mono hname' }, h.name), el('td', { class: 'mono wrap' }, h.value))))));
	loadPreview(id, pre, note);
}

// ---------------------------------------------------------------- statistics

const RANGES = [[24, '24 hours'], [168, '7 days'], [720, '30 days']];

async function viewStats(_, params) {
	const hours = RANGES.some(([h]) => String(h) === params.get('hours')) ? Number(params.get('hours')) : 24;
	const view = mount('stats');
	view.append(el('div', { class: 'title-row' }, el('h1', {}, 'Statistics'),
		el('div', { id: 'stats-hours', class: 'segmented' }, RANGES.map(([h, label]) =>
			el('button', { type: 'button', 'data-hours': h, class: h === hours ? 'active' : '', 'aria-pressed': String(h === hours),
				onclick: () => go(`#/stats?hours=${h}`) }, label)))));
	const wait = loading(view);
	const r = await api('GET', `api/stats?hours=${hours}`);
	wait.remove();
	if (!r.ok || !r.data) {
		banner('error', `The statistics cannot be read: ${errorOf(r)}`);
		return;
	}
	const s = r.data;
	const series = list(s.series);
	const bucket = Number(s.bucket) || 3600;
	view.append(summaryCards(series),
		card('Traffic by action', legend(SERIES), trafficChart(series, bucket)),
		el('div', { class: 'columns' },
			card('Scan latency (ms)', legend(['p50', 'p95'], 'ln'), latencyChart(series, bucket)),
			card('By status', statusChart(s.by_status || {}))),
		el('div', { class: 'columns three' },
			card('Top detections', topTable('top-detections', s.top_detections)),
			card('Top senders', topTable('top-senders', s.top_senders)),
			card('Top clients', topTable('top-clients', s.top_clients))),
		el('p', { class: 'muted' }, 'Top lists count rejected or quarantined mail.'),
		el('div', { class: 'columns' },
			s.database ? card('Signature database', details('database', [
				['version', 'Version', String(s.database.version ?? '')],
				['age', 'Age', fmtAge(s.database.age_seconds)]])) : null,
			s.daemon ? card('Daemon counters', daemonTable(s.daemon)) : null));
}

function summaryCards(series) {
	const sum = (k) => series.reduce((n, b) => n + (Number(b[k]) || 0), 0);
	const total = SERIES.reduce((n, k) => n + sum(k), 0);
	const box = (label, n, cls) => el('div', { class: `stat ${cls}` }, el('div', { class: 'stat-n' }, fmtCount(n)), el('div', { class: 'stat-l' }, label));
	return el('div', { class: 'stat-row' }, box('messages', total, 'total'), box('accepted', sum('accept'), 's-accept'),
		box('rejected', sum('reject'), 's-reject'), box('quarantined', sum('quarantine'), 's-quarantine'),
		box('tempfailed', sum('tempfail'), 's-tempfail'));
}

function legend(keys, prefix) {
	return el('ul', { class: 'legend' }, keys.map((k) =>
		el('li', {}, el('span', { class: `swatch ${prefix || 's'}-${k}` }), k)));
}

// Axis maxima of 1, 2 or 5 times a power of ten read well.
function niceMax(n) {
	if (!(n > 0))
		return 1;
	const p = 10 ** Math.floor(Math.log10(n));
	return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= n);
}

// Hours within two days; over more, the first bucket of each UTC day.
function ticks(series, bucket, room) {
	const days = series.length * bucket > 2 * 86400;
	const at = series.map((_, i) => i).filter((i) => !days || Number(series[i].time) % 86400 < bucket);
	const every = Math.max(1, Math.ceil(at.length / room));
	return at.filter((_, k) => k % every === 0).map((i) => {
		const iso = new Date(Number(series[i].time) * 1000).toISOString();
		return [i, days ? iso.slice(5, 10) : iso.slice(11, 16)];
	});
}

const WIDE = { w: 760, h: 240, l: 52, r: 14, t: 24, b: 34 };
const HALF = { w: 460, h: 250, l: 48, r: 12, t: 24, b: 34 };

// The frame of a time chart of size c: y grid with labels, x labels;
// returns the scales for the marks.
function frame(root, c, series, max, bucket, unit) {
	const { w, h, l, r, t, b } = c;
	const plotW = w - l - r, plotH = h - t - b;
	const n = Math.max(1, series.length);
	const x = (i) => l + (i * plotW) / n;
	const y = (v) => t + plotH - (v / max) * plotH;
	// 4 steps, or 5 for maxima of 5, 10, 50...: labels without fractions
	const steps = max % 4 === 0 ? 4 : 5;
	for (let i = 0; i <= steps; i++) {
		const v = (max * i) / steps;
		root.append(svg('line', { class: 'grid', x1: l, x2: w - r, y1: y(v), y2: y(v) }),
			svg('text', { class: 'axis', x: l - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmtCount(Math.round(v * 100) / 100)));
	}
	for (const [i, label] of ticks(series, bucket, Math.floor(w / 80)))
		root.append(svg('line', { class: 'tick', x1: x(i) + plotW / n / 2, x2: x(i) + plotW / n / 2, y1: y(0), y2: y(0) + 4 }),
			svg('text', { class: 'axis', x: x(i) + plotW / n / 2, y: h - b + 16, 'text-anchor': 'middle' }, label));
	root.append(svg('text', { class: 'axis unit', x: l - 6, y: 10, 'text-anchor': 'end' }, unit),
		svg('text', { class: 'axis unit', x: w - r, y: h - 2, 'text-anchor': 'end' }, 'UTC'),
		svg('line', { class: 'baseline', x1: l, x2: w - r, y1: y(0), y2: y(0) }));
	return { x, y, slot: plotW / n };
}

function chartRoot(id, c, label) {
	return svg('svg', { id, class: 'chart', viewBox: `0 0 ${c.w} ${c.h}`, role: 'img', 'aria-label': label },
		svg('title', {}, label));
}

function bucketLabel(p, bucket) {
	const span = bucket >= 86400 ? `${bucket / 86400} d` : bucket >= 3600 ? `${bucket / 3600} h` : `${Math.round(bucket / 60)} min`;
	return `${fmtTime(p.time).slice(0, 16)} UTC +${span}`;
}

function trafficChart(series, bucket) {
	const root = chartRoot('chart-traffic', WIDE, 'Messages per interval by action');
	// messages are whole: at least 4, so that the 4 or 5 grid steps are too
	const max = Math.max(4, niceMax(Math.max(0, ...series.map((p) => SERIES.reduce((n, k) => n + (Number(p[k]) || 0), 0)))));
	const { x, y, slot } = frame(root, WIDE, series, max, bucket, 'msgs');
	const barW = Math.max(1, slot * 0.78);
	series.forEach((p, i) => {
		let base = 0;
		const g = svg('g', { class: 'bar' });
		for (const k of SERIES) {
			const v = Number(p[k]) || 0;
			if (v <= 0)
				continue;
			g.append(svg('rect', { class: `s-${k}`, x: x(i) + (slot - barW) / 2, y: y(base + v), width: barW,
				height: Math.max(0.5, y(base) - y(base + v)) }, svg('title', {}, `${bucketLabel(p, bucket)}: ${k} ${fmtCount(v)}`)));
			base += v;
		}
		root.append(g);
	});
	return root;
}

function latencyChart(series, bucket) {
	const root = chartRoot('chart-latency', HALF, 'Scan latency, p50 and p95, in milliseconds');
	const max = niceMax(Math.max(0, ...series.map((p) => Number(p.ms_p95) || 0), ...series.map((p) => Number(p.ms_p50) || 0)));
	const { x, y, slot } = frame(root, HALF, series, max, bucket, 'ms');
	for (const [key, name] of [['ms_p95', 'p95'], ['ms_p50', 'p50']]) {
		// a bucket without mail has no latency (null): the line breaks there
		const pts = series.map((p, i) => (p[key] === null || p[key] === undefined ? null
			: [x(i) + slot / 2, y(Number(p[key]) || 0), i])).filter((pt) => pt !== null);
		const d = pts.map(([px, py, i], k) => `${k && pts[k - 1][2] === i - 1 ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`).join('');
		if (pts.length)
			root.append(svg('path', { class: `line ln-${name}`, d }));
		const g = svg('g', { class: `points ln-${name}` });
		pts.forEach(([px, py, i]) => g.append(svg('circle', { cx: px.toFixed(1), cy: py.toFixed(1), r: series.length > 60 ? 1.6 : 2.6 },
			svg('title', {}, `${bucketLabel(series[i], bucket)}: ${name} ${Number(series[i][key]).toFixed(1)} ms`))));
		root.append(g);
	}
	return root;
}

function statusChart(byStatus) {
	const rows = Object.entries(byStatus).map(([k, v]) => [k, Number(v) || 0]).sort((a, b) => b[1] - a[1]);
	const rowH = 26, w = 460, l = 110, r = 60;
	const root = svg('svg', { id: 'chart-status', class: 'chart', viewBox: `0 0 ${w} ${Math.max(1, rows.length) * rowH + 8}`,
		role: 'img', 'aria-label': 'Messages by status' }, svg('title', {}, 'Messages by status'));
	const max = Math.max(1, ...rows.map(([, v]) => v));
	const total = rows.reduce((n, [, v]) => n + v, 0) || 1;
	rows.forEach(([status, v], i) => {
		const yy = 4 + i * rowH;
		const cls = STATUSES.includes(status) ? status : 'other';
		root.append(svg('text', { class: 'axis label', x: l - 8, y: yy + 17, 'text-anchor': 'end' }, status),
			svg('rect', { class: `bar st-${cls}`, x: l, y: yy + 4, height: rowH - 8, width: Math.max(1, ((w - l - r) * v) / max) },
				svg('title', {}, `${status}: ${fmtCount(v)} (${((v * 100) / total).toFixed(1)}%)`)),
			svg('text', { class: 'axis', x: l + Math.max(1, ((w - l - r) * v) / max) + 6, y: yy + 17 }, fmtCount(v)));
	});
	if (!rows.length)
		root.append(svg('text', { class: 'axis', x: 10, y: 20 }, 'No messages.'));
	return root;
}

function topTable(id, rows) {
	const items = list(rows);
	const max = Math.max(1, ...items.map((x) => Number(x.count) || 0));
	return el('table', { id, class: 'top' }, el('tbody', {}, items.length ? items.map((x) => {
		const meter = el('span', { class: 'meter' });
		meter.style.width = `${((Number(x.count) || 0) * 100) / max}%`;
		return el('tr', {}, el('td', { class: 'addr' }, x.name, el('span', { class: 'meter-track' }, meter)),
			el('td', { class: 'num' }, fmtCount(x.count)));
	}) : emptyRow(2, 'Nothing.')));
}

// The daemon's counters are an object of numbers, possibly nested: shown
// flat, with dotted names, whatever it holds.
function flatten(obj, prefix, out) {
	for (const [k, v] of Object.entries(obj || {})) {
		const name = prefix ? `${prefix}.${k}` : k;
		if (v && typeof v === 'object')
			flatten(v, name, out);
		else
			out.push([name, v]);
	}
	return out;
}

function daemonTable(daemon) {
	return el('table', { id: 'daemon', class: 'kv' }, el('tbody', {}, flatten(daemon, '', []).map(([k, v]) =>
		el('tr', {}, el('td', { class: 'mono' }, k), el('td', { class: 'num' }, typeof v === 'number' ? fmtCount(v) : String(v))))));
}

// ---------------------------------------------------------------- sender lists

async function viewLists() {
	const view = mount('lists');
	view.append(el('h1', {}, 'Sender lists'),
		el('p', { class: 'muted' }, 'Allowed senders skip the spam checks; blocked senders are refused. ' +
			'A change makes the daemon reread its configuration.'));
	const wait = loading(view);
	const r = await api('GET', 'api/lists');
	wait.remove();
	if (!r.ok || !r.data) {
		banner('error', `The sender lists cannot be read: ${errorOf(r)}`);
		return;
	}
	const which = select('list-which', [['allow', 'Allow list'], ['block', 'Block list']], 'allow');
	const mask = textInput('list-mask', '', 'user@example.com, *@example.com');
	const add = el('button', { id: 'list-add', type: 'submit', class: 'primary' }, 'Add');
	const form = el('form', { id: 'list-form', class: 'filters inline' }, field('List', which), field('Address or mask', mask),
		el('div', { class: 'buttons' }, add));
	form.addEventListener('submit', busy(add, async (e) => {
		e.preventDefault();
		if (mask.value.trim())
			await changeList(which.value, 'add', mask.value.trim());
	}));
	view.append(card('Add a sender', form), el('div', { class: 'columns' },
		listCard('allow', 'Allow list', r.data.allow), listCard('block', 'Block list', r.data.block)));
}

function listCard(which, title, masks) {
	const items = list(masks);
	return card(`${title} (${items.length})`, el('ul', { id: `list-${which}`, class: 'masks' }, items.length
		? items.map((m) => el('li', {}, el('span', { class: 'mono' }, m),
			el('button', { type: 'button', class: 'remove small', 'data-mask': m, title: 'remove',
				onclick: () => changeList(which, 'remove', m) }, 'Remove')))
		: el('li', { class: 'none' }, 'Empty.')));
}

async function changeList(which, op, mask) {
	if (op === 'remove' && !window.confirm(`Remove ${visible(mask)} from the ${which} list?`))
		return;
	const r = await api('POST', 'api/lists', { list: which, op, mask });
	if (!r.ok) {
		banner('error', `The ${which} list was not changed: ${errorOf(r)}`);
		return;
	}
	pendingBanner = ['ok', `${mask} ${op === 'add' ? 'added to' : 'removed from'} the ${which} list.`];
	route();
}

// ---------------------------------------------------------------- audit log

async function viewAudit(_, params) {
	const view = mount('audit');
	const limit = Math.min(1000, Math.max(1, parseInt(params.get('limit') || '200', 10) || 200));
	view.append(el('h1', {}, 'Audit log'));
	const wait = loading(view);
	const r = await api('GET', `api/audit?limit=${limit}`);
	wait.remove();
	if (!r.ok) {
		banner('error', `The audit log cannot be read: ${errorOf(r)}`);
		return;
	}
	const rows = list(r.data);
	// The result is "ok" or why the action was refused or failed: a refused
	// release must not read as one that happened.
	const result = (x) => (x === undefined || x === null ? ''
		: x === 'ok' ? el('span', { class: 'badge result-ok' }, 'ok') : el('span', { class: 'form-error' }, x));
	view.append(card(null, table('audit-results', ['Time (UTC)', 'User', 'Action', 'What', 'Result'], rows.length
		? rows.map((a) => el('tr', {}, el('td', { class: 'time' }, fmtTime(a.time)), el('td', {}, a.user),
			el('td', {}, el('span', { class: 'badge neutral' }, a.action)), el('td', { class: 'wrap' }, a.what),
			el('td', { class: 'wrap' }, result(a.result))))
		: emptyRow(5, 'Nothing recorded yet.')),
	rows.length >= limit && limit < 1000
		? el('p', {}, el('a', { href: `#/audit?limit=${Math.min(1000, limit * 5)}` }, 'Show more')) : null));
}

// ---------------------------------------------------------------- recipients' link

// Opened from a digest mail: the token is the permission, the page does
// nothing on load but read the summary, and each button acts once.
async function viewLink(token) {
	const view = mount('link');
	const box = el('div', { class: 'link-card' }, el('div', { class: 'brand big' }, el('span', { class: 'logo' }), 'Portcullis'),
		el('h1', {}, 'A message held for you'));
	view.append(box);
	const result = el('p', { id: 'link-result', role: 'status', hidden: true });
	const wait = loading(box);
	const r = await api('GET', `api/link?t=${encodeURIComponent(token)}`);
	wait.remove();
	if (!r.ok || !r.data) {
		box.append(linkResult(result, 'error', linkError(r)));
		return;
	}
	const m = r.data;
	const release = button('link-release', 'Release this message to me', null, 'primary');
	const optout = button('link-optout', 'Stop sending me digests', null);
	release.disabled = Boolean(m.released);
	release.addEventListener('click', () => linkPost(token, 'release', [release, optout], result,
		'The message has been released: it will be in your mailbox shortly.'));
	optout.addEventListener('click', () => linkPost(token, 'optout', [release, optout], result,
		'You will get no more digests.'));
	box.append(el('p', { class: 'muted' }, `For ${visible(m.recipient || '')}. Our mail filter held this message. ` +
		'Release it only if you expected it and trust the sender.'),
	details('link-summary', [
		['sender', 'From', address(m.sender)],
		['subject', 'Subject', m.subject || el('span', { class: 'none' }, '(no subject)')],
		['received', 'Received (UTC)', fmtTime(m.received)],
		['status', 'Status', badge('st', m.status)],
		['reason', 'Why it was held', m.reason || ''],
		['expires', 'Link expires (UTC)', fmtTime(m.expires)],
		m.released ? ['released', 'Released', typeof m.released === 'string' ? m.released : 'yes'] : null,
	]), el('div', { class: 'buttons' }, release, optout), result);
}

function linkError(r) {
	if (r.status === 0)
		return errorOf(r);
	return `This link cannot be used: ${errorOf(r)}`;
}

function linkResult(node, kind, message) {
	node.className = `notice ${kind}`;
	node.hidden = false;
	node.replaceChildren(text(message));
	return node;
}

async function linkPost(token, what, buttons, result, done) {
	const state = buttons.map((b) => b.disabled);
	for (const b of buttons)
		b.disabled = true;
	const r = await api('POST', `api/link/${what}`, { t: token });
	linkResult(result, r.ok ? 'ok' : 'error', r.ok ? done : linkError(r));
	// Done is done: only the other button comes back.
	buttons.forEach((b, i) => {
		b.disabled = state[i] || (r.ok && b.id === `link-${what}`);
	});
}

document.addEventListener('DOMContentLoaded', start);
