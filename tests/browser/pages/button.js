'use strict';
document.getElementById('go').addEventListener('click', () => {
	document.getElementById('status').textContent = 'clicked';
});
