/*
 * NAME
 *	url.h - URLs as spam rules and Bayes see them
 * DESCRIPTION
 *	pc_url_normalise() undoes what senders do to hide a link and what
 *	makes one link look like many: "hxxp" and "h**p" schemes,
 *	"example[.]com", "example(.)com" and "example[dot]com", upper case
 *	in scheme and host, percent-encoded host names, internationalised
 *	host names (to punycode), a bare "www." without scheme, trailing
 *	punctuation.  pc_url_registrable() gives the host's registrable
 *	domain from the public suffix list (libpsl with Debian's
 *	publicsuffix data): "a.b.example.co.uk" -> "example.co.uk".
 */
#ifndef PC_SPAM_URL_H
#define PC_SPAM_URL_H

#include <glib.h>

/* "scheme://host/rest" normalised, or NULL when it is no URL. */
char *pc_url_normalise(const char *raw);
/* The host of a normalised URL. */
char *pc_url_host(const char *url);
/* The registrable domain of a host; the host itself when it has none
 * (an IP address, a public suffix). */
char *pc_url_registrable(const char *host);

#endif
