/*
 * NAME
 *	message.h - what the daemon knows about a connection and a message
 * DESCRIPTION
 *	A PcmConn lives from connect to close and owns at most one PcmMsg,
 *	which lives from MAIL FROM to end-of-message or abort.  The message
 *	owns everything allocated for it (spool, strings, its runtime
 *	reference); pcm_msg_free() is the one place that releases it and
 *	accepts NULL, so every exit path is the same call.
 */
#ifndef PCM_MESSAGE_H
#define PCM_MESSAGE_H

#include <glib.h>
#include "groups.h"
#include "runtime.h"
#include "spool.h"

/* Headers portcullis writes (or reads as a mark); every incoming copy is
 * removed from delivered mail, so a sender cannot forge them. */
#define PCM_HDR_SCANNED "X-Virus-Scanned"
#define PCM_HDR_STATUS "X-Virus-Status"
typedef enum {
	PCM_OWN_SCANNED, PCM_OWN_STATUS, PCM_OWN_RELEASE, PCM_OWN_SPAM_FLAG,
	PCM_OWN_SPAM_STATUS, PCM_OWN_SPAM_SCORE, PCM_OWN_SPAM_LEVEL, PCM_OWN_NOTIFICATION,
	PCM_OWN_COUNT
} PcmOwnedHeader;
extern const char *const pcm_owned_headers[PCM_OWN_COUNT];

typedef struct {
	PcmRuntime *rt;
	char *queue_id;
	char *log_id;			/* queue_id as shown in the log (escaped) */
	char *sender;
	char *client_addr;		/* the connection's, for DNS lists */
	char *helo;			/* the connection's HELO/EHLO name */
	GPtrArray *recipients;		/* char * */
	GPtrArray *groups;		/* const PcGroup * per recipient; NULL: default */
	gboolean authenticated;		/* the MTA reported a SASL login */
	char *subject;			/* first Subject header as received, or NULL */
	char *release_mark;		/* first X-Portcullis-Release value, or NULL */
	char *notice_token;		/* X-Portcullis-Notification value, or NULL */
	char *message_id;		/* first Message-ID value, or NULL */
	char *auto_submitted;		/* first Auto-Submitted value, or NULL */
	PcmSpool *spool;		/* NULL once oversize: content dropped */
	guint64 size;			/* bytes received, headers included */
	gboolean oversize;
	gboolean headers_ended;		/* the blank line after the headers is spooled */
	gboolean refused;		/* started after shutdown began */
	GError *spool_error;		/* first spool failure, if any */
	guint owned[PCM_OWN_COUNT];	/* incoming copies of each owned header */
	guint auth_results;		/* incoming Authentication-Results seen */
	GArray *forged_results;		/* guint: which of them name our authserv-id */
	gint64 start_us;
	gint64 spool_us;		/* time spent keeping the bytes */
} PcmMsg;

typedef struct {
	unsigned long steps;		/* SMFIP_* flags agreed with the MTA */
	char *client_name;
	char *client_addr;
	char *helo;
	PcmMsg *msg;
} PcmConn;

/* "<a@b>" -> "a@b": MAIL/RCPT arguments as the MTA passes them. */
char *pcm_address(const char *arg);
/* sender as given in MAIL FROM, brackets and all. */
PcmMsg *pcm_msg_new(PcmRuntime *rt, const char *sender);
void pcm_msg_free(PcmMsg *msg);
/* Appends message bytes, switching to "oversize" past max_message_size. */
void pcm_msg_append(PcmMsg *msg, const void *data, gsize len);
/* Spools the blank line that ends the headers, once: at end-of-headers
 * where the MTA sends it, else at the first body chunk or end-of-message. */
/* The empty line after the headers (once), and the lookups the header
 * needs start: end of headers, or the first body chunk (SMFIP_NOEOH). */
void pcm_msg_end_headers(PcmMsg *msg);
void pcm_msg_set_queue_id(PcmMsg *msg, const char *queue_id);
/* Scans (or, when oversize, reports unscanned); never NULL. */
PcVerdict *pcm_msg_scan(PcmMsg *msg, const PcPolicy *policy);
/* Records a recipient and the policy group it falls in. */
void pcm_msg_add_recipient(PcmMsg *msg, const char *address, const PcGroup *group);
/* Remembers the headers that policy and release need. */
void pcm_msg_note_header(PcmMsg *msg, const char *name, const char *value);

void pcm_conn_free(PcmConn *conn);

#endif
