/*
 * NAME
 *	callbacks.c - translate libmilter events into portcullis calls
 * DESCRIPTION
 *	libmilter runs one thread per MTA connection and calls these in
 *	protocol order.  Each callback does one thing: record envelope data,
 *	spool bytes, or (end-of-message) scan, decide, apply and log.  The
 *	message context is created at MAIL FROM with a reference to the
 *	current runtime and is freed at end-of-message, abort or close.
 * PROTOCOL
 *	Version 6.  Actions: add and change headers, replace the body.  Steps: no UNKNOWN or
 *	DATA events; no replies before end-of-message (every packet costs
 *	libmilter a poll, two reads and a hand-off between threads); header
 *	values with leading space kept, so headers are spooled as received.
 * DIAGNOSTICS
 *	A spool failure (disk full) tempfails the message with 451 4.3.0 at
 *	end-of-message (the first point where the MTA reads a reply); an
 *	internal error in a check tempfails through on_error.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "actions.h"
#include "autolearn.h"
#include "callbacks.h"
#include "history.h"
#include "stats.h"
#include "log.h"
#include "message.h"
#include "notices.h"
#include "outcome.h"
#include "quarantine.h"


static gint pcm_in_flight;
static gint pcm_connections;
static gint pcm_stopping;

guint
pcm_messages_in_flight(void)
{
	return (guint)g_atomic_int_get(&pcm_in_flight);
}

guint
pcm_connections_open(void)
{
	return (guint)g_atomic_int_get(&pcm_connections);
}

void
pcm_stop_accepting(void)
{
	g_atomic_int_set(&pcm_stopping, TRUE);
}

/* Made at negotiation (the first event of every connection), so that the
 * agreed steps are known to every later callback. */
static PcmConn *
pcm_conn(SMFICTX *ctx)
{
	PcmConn *conn = smfi_getpriv(ctx);

	if (conn == NULL) {
		conn = g_new0(PcmConn, 1);
		smfi_setpriv(ctx, conn);
		g_atomic_int_inc(&pcm_connections);
	}
	return conn;
}

/* NOREPLY only where the MTA agreed to it; otherwise an explicit continue. */
static sfsistat
pcm_continue(SMFICTX *ctx, unsigned long noreply_flag)
{
	return (pcm_conn(ctx)->steps & noreply_flag) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* The current message, or NULL (with a log line) when the MTA sends message
 * events outside a transaction. */
static PcmMsg *
pcm_msg(SMFICTX *ctx, const char *event)
{
	PcmMsg *msg = pcm_conn(ctx)->msg;

	if (msg == NULL)
		pcm_log(LOG_WARNING, "MTA protocol error: %s outside a message; tempfail", event);
	return msg;
}

/* group_conflict = split answers some RCPTs with 452, so RCPT needs a reply. */
static unsigned long
pcm_reply_steps(void)
{
	g_autoptr(PcmRuntime) rt = pcm_runtime_current();

	return rt->conf->group_conflict == PCM_CONFLICT_SPLIT ? SMFIP_NR_RCPT : 0;
}

static sfsistat
pcm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
	      unsigned long f3, unsigned long *pf0, unsigned long *pf1,
	      unsigned long *pf2, unsigned long *pf3)
{
	(void)f2;
	(void)f3;
	/* Never refuse here: a milter that declines negotiation is skipped by
	 * the MTA, and the mail would pass unscanned.  Verdicts that reject or
	 * tempfail need no actions; only the X-Virus headers would be missing. */
	if ((f0 & PCM_ACTIONS) != PCM_ACTIONS)
		pcm_log(LOG_WARNING, "MTA does not allow changing headers and body: "
			"mail is scanned, but X-Virus headers and part actions fail (tempfail)");
	*pf0 = f0 & PCM_ACTIONS;
	*pf1 = f1 & PCM_STEPS & ~pcm_reply_steps();
	*pf2 = 0;
	*pf3 = 0;
	pcm_conn(ctx)->steps = *pf1;
	return SMFIS_CONTINUE;
}

static char *
pcm_format_addr(const struct sockaddr *sa)
{
	char buf[INET6_ADDRSTRLEN] = "unknown";

	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof(buf));
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof(buf));
	return g_strdup(buf);
}

static sfsistat
pcm_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	PcmConn *conn = pcm_conn(ctx);

	g_free(conn->client_name);
	g_free(conn->client_addr);
	conn->client_name = g_strdup(hostname ? hostname : "unknown");
	conn->client_addr = pcm_format_addr(hostaddr);
	/* DNS lookups start now and are answered while the message comes */
	{
		g_autoptr(PcmRuntime) rt = pcm_runtime_current();

		pc_engine_prefetch(rt->engine, &(PcPrefetch){ .client_address = conn->client_addr });
	}
	return pcm_continue(ctx, SMFIP_NR_CONN);
}

static sfsistat
pcm_helo(SMFICTX *ctx, char *helo)
{
	PcmConn *conn = pcm_conn(ctx);

	g_free(conn->helo);
	conn->helo = g_strdup(helo);
	return pcm_continue(ctx, SMFIP_NR_HELO);
}

static void
pcm_end_message(PcmConn *conn)
{
	if (conn->msg != NULL) {
		g_clear_pointer(&conn->msg, pcm_msg_free);
		g_atomic_int_dec_and_test(&pcm_in_flight);
	}
}

static sfsistat
pcm_envfrom(SMFICTX *ctx, char **argv)
{
	PcmConn *conn = pcm_conn(ctx);
	const char *auth;

	pcm_end_message(conn);
	conn->msg = pcm_msg_new(pcm_runtime_current(), argv[0]);
	conn->msg->client_addr = g_strdup(conn->client_addr);
	conn->msg->helo = g_strdup(conn->helo);
	pc_engine_prefetch(conn->msg->rt->engine,
		     &(PcPrefetch){ .client_address = conn->client_addr, .helo = conn->helo,
				    .sender = conn->msg->sender });
	g_atomic_int_inc(&pcm_in_flight);
	conn->msg->refused = g_atomic_int_get(&pcm_stopping);
	pcm_msg_set_queue_id(conn->msg, smfi_getsymval(ctx, "i"));
	auth = smfi_getsymval(ctx, "{auth_authen}");
	conn->msg->authenticated = auth != NULL && *auth != '\0';
	return pcm_continue(ctx, SMFIP_NR_MAIL);
}

/* With split, every recipient must share the first one's group: the rest
 * are deferred and the client sends them in a transaction of their own.
 * A connection negotiated before a reload turned split on has no RCPT
 * replies: its messages are decided as with strictest. */
static gboolean
pcm_split_refuses(const PcmConn *conn, const PcmMsg *msg, const PcGroup *group)
{
	return msg->rt->conf->group_conflict == PCM_CONFLICT_SPLIT && msg->groups->len > 0 &&
	       g_ptr_array_index(msg->groups, 0) != group && !(conn->steps & SMFIP_NR_RCPT);
}

static const char *
pcm_group_name(const PcGroup *group)
{
	return group ? group->name : "default";
}

static sfsistat
pcm_envrcpt(SMFICTX *ctx, char **argv)
{
	PcmMsg *msg = pcm_msg(ctx, "RCPT");

	g_autofree char *rcpt = NULL;
	PcEnvelope envelope;
	const PcGroup *group;

	if (msg == NULL)
		return SMFIS_TEMPFAIL;
	rcpt = pcm_address(argv[0]);
	envelope = (PcEnvelope){ msg->sender, rcpt, pcm_conn(ctx)->client_addr,
				 msg->authenticated };
	group = pc_groups_match(msg->rt->conf->groups, &envelope);
	if (pcm_split_refuses(pcm_conn(ctx), msg, group)) {
		g_autofree char *shown = pcm_log_str(rcpt, TRUE);

		pcm_msg_log(msg, LOG_INFO, "to=<%s> deferred: group %s differs from the first "
			    "recipient's %s (group_conflict = split)", shown, pcm_group_name(group),
			    pcm_group_name(g_ptr_array_index(msg->groups, 0)));
		smfi_setreply(ctx, "452", "4.5.3", "Recipient has another mail policy; "
			      "send to it in a separate message");
		return SMFIS_TEMPFAIL;
	}
	pcm_msg_add_recipient(msg, rcpt, group);
	return pcm_continue(ctx, SMFIP_NR_RCPT);
}

/* Spools "Name:value\r\n"; folded lines arrive LF-only from some MTAs. */
static void
pcm_spool_header(PcmMsg *msg, unsigned long steps, const char *name, const char *value)
{
	g_autoptr(GString) line = g_string_new(name);

	g_string_append_c(line, ':');
	if (!(steps & SMFIP_HDR_LEADSPC))
		g_string_append_c(line, ' ');
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '\n' && (p == value || p[-1] != '\r'))
			g_string_append_c(line, '\r');
		g_string_append_c(line, *p);
	}
	g_string_append(line, "\r\n");
	pcm_msg_append(msg, line->str, line->len);
}

static sfsistat
pcm_header(SMFICTX *ctx, char *name, char *value)
{
	PcmMsg *msg = pcm_msg(ctx, "header");

	if (msg == NULL)
		return SMFIS_TEMPFAIL;
	pcm_msg_note_header(msg, name, value);
	pcm_spool_header(msg, pcm_conn(ctx)->steps, name, value);
	return pcm_continue(ctx, SMFIP_NR_HDR);
}

/* At end-of-message: a message that must not be scanned is tempfailed,
 * and counted as one: a full spool disk shows in the tempfail rate. */
static sfsistat
pcm_refuse(SMFICTX *ctx, PcmMsg *msg)
{
	PcmStatsMessage stats = { .action = PC_ACT_TEMPFAIL, .status = PC_STATUS_ERROR };

	if (msg->refused) {
		pcm_msg_log(msg, LOG_INFO, "shutting down: message tempfailed");
		smfi_setreply(ctx, "451", "4.3.2", "Mail filter restarting, try again later");
	} else {
		pcm_msg_log(msg, LOG_ERR, "%s; message tempfailed", msg->spool_error->message);
		smfi_setreply(ctx, "451", "4.3.0", "Temporary local problem, try again later");
		pcm_stats_error("spool");
	}
	stats.ms = (g_get_monotonic_time() - msg->start_us) / 1000.0;
	stats.stage_us[PCM_STAGE_SPOOL] = msg->spool_us;
	pcm_stats_message(&stats);
	pcm_end_message(pcm_conn(ctx));
	return SMFIS_TEMPFAIL;
}

static sfsistat
pcm_eoh(SMFICTX *ctx)
{
	PcmMsg *msg = pcm_msg(ctx, "end of headers");

	if (msg == NULL)
		return SMFIS_TEMPFAIL;
	pcm_msg_end_headers(msg);
	return pcm_continue(ctx, SMFIP_NR_EOH);
}

static sfsistat
pcm_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	PcmMsg *msg = pcm_msg(ctx, "body");

	if (msg == NULL)
		return SMFIS_TEMPFAIL;
	pcm_msg_end_headers(msg);
	pcm_msg_append(msg, chunk, len);
	return pcm_continue(ctx, SMFIP_NR_BODY);
}

static const char *
pcm_part_action(const PcObject *object, const PcDecision *decision)
{
	for (guint j = 0; decision->edits != NULL && j < decision->edits->len; j++) {
		const PcEdit *edit = &g_array_index(decision->edits, PcEdit, j);

		if (edit->object == object)
			return edit->action == PC_OBJ_REMOVE ? "remove" :
			       edit->action == PC_OBJ_RENAME ? "rename" :
			       edit->action == PC_OBJ_DISCLAIMER ? "disclaimer" : "placeholder";
	}
	return "pass";
}

/* Every part that is not clean, the first PCM_LOG_MAX_PARTS of them (then
 * how many more: the line stays one a syslog daemon keeps whole): path,
 * name, detected type, status, the names of its findings (signatures,
 * filter rules) and what was done.  Names and types come from the sender,
 * archive member names too: escaped. */
#define PCM_LOG_MAX_PARTS 20
static void
pcm_log_objects(GString *line, const PcVerdict *verdict, const PcDecision *decision)
{
	guint logged = 0, more = 0;

	for (guint i = 0; i < verdict->objects->len; i++) {
		const PcObject *object = g_ptr_array_index(verdict->objects, i);
		const char *sep = "";
		guint n;
		PcFinding *const *about;

		if (object->status == PC_STATUS_CLEAN)
			continue;
		if (logged == PCM_LOG_MAX_PARTS) {
			more++;
			continue;
		}
		logged++;
		g_string_append(line, " part=");
		pcm_log_append(line, object->path, TRUE);
		g_string_append(line, " name=\"");
		pcm_log_append(line, pc_object_name(object), FALSE);
		g_string_append(line, "\" type=");
		pcm_log_append(line, object->detected_type ? object->detected_type :
				object->declared_type, TRUE);
		g_string_append_printf(line, " status=%s names=", pc_status_name(object->status));
		about = pc_verdict_findings_about(verdict, object->path, &n);
		for (guint f = 0; f < n; f++) {
			if (about[f]->names->len == 0)
				continue;
			g_string_append(line, sep);
			pcm_log_append(line, g_ptr_array_index(about[f]->names, 0), TRUE);
			sep = ",";
		}
		g_string_append_printf(line, " part_action=%s", pcm_part_action(object, decision));
	}
	if (more > 0)
		g_string_append_printf(line, " parts_more=%u", more);
}

/* spam=SCORE/THRESHOLD and the five rules that scored most. */
static void
pcm_log_spam(GString *line, const PcVerdict *verdict, const PcDecision *decision)
{
	g_auto(GStrv) tests = g_strsplit(verdict->spam_tests, ",", 6);
	const char *sep = "(";

	g_string_append_printf(line, " spam=%.1f/%.1f", decision->spam_score,
			       decision->spam_required);
	if (decision->spam_list != NULL) {
		g_string_append_printf(line, "(%s", decision->spam_list);
		sep = ",";
	}
	for (guint i = 0; tests[i] != NULL && *tests[i] != '\0'; i++, sep = ",")
		g_string_append_printf(line, "%s%s", sep, i < 5 ? tests[i] : "...");
	if (*sep == ',')
		g_string_append_c(line, ')');
}

/* from=<...> to=<...,...>: each address escaped on its own, so a long
 * one cannot hide the others. */
static void
pcm_log_envelope(GString *line, const PcmMsg *msg)
{
	g_string_append(line, "from=<");
	pcm_log_append(line, msg->sender, TRUE);
	g_string_append(line, "> to=<");
	for (guint i = 0; i < msg->recipients->len; i++) {
		if (i > 0)
			g_string_append_c(line, ',');
		pcm_log_append(line, g_ptr_array_index(msg->recipients, i), TRUE);
	}
	g_string_append_c(line, '>');
}

/* The one line per message, returned for the history.  Every value a
 * sender or client chose goes through pcm_log_append(); the rest are our
 * own words and config names. */
static char *
pcm_log_result(const PcmConn *conn, const PcmMsg *msg, const PcmOutcome *outcome,
	       const char *extra)
{
	const PcVerdict *verdict = outcome->verdict;
	const PcDecision *decision = &outcome->decision;
	/* A released message was not scanned: "clean" would say it was. */
	g_autofree char *what = outcome->released != NULL ? g_strdup("unscanned")
				: pc_verdict_describe_only(verdict, PC_STATUSES_NOT_SPAM);
	double ms = (g_get_monotonic_time() - msg->start_us) / 1000.0;
	g_autoptr(GString) line = g_string_new(NULL);

	pcm_log_envelope(line, msg);
	g_string_append_printf(line, " size=%" G_GUINT64_FORMAT " client=", msg->size);
	pcm_log_append(line, conn->client_name, TRUE);
	g_string_append_c(line, '[');
	pcm_log_append(line, conn->client_addr, TRUE);
	g_string_append_printf(line, "] group=%s av=", outcome->groups);
	pcm_log_append(line, what, TRUE);
	g_string_append_printf(line, " action=%s%s", pc_action_name(decision->action), extra);
	if (decision->reason != NULL && decision->action != PC_ACT_ACCEPT) {
		g_string_append(line, " reason=\"");
		pcm_log_append(line, decision->reason, FALSE);
		g_string_append_c(line, '"');
	}
	if (verdict->mode != NULL)
		g_string_append_printf(line, " scan=%s", verdict->mode);
	if (verdict->spam_scanned)
		pcm_log_spam(line, verdict, decision);
	if (verdict->auth != NULL) {
		g_autofree char *auth = pc_auth_describe(verdict->auth);

		g_string_append_printf(line, " auth=\"%s\"", auth);	/* domains escaped */
	}
	if (verdict->dns_unanswered != NULL) {
		g_string_append(line, " dns_unanswered=");
		pcm_log_append(line, verdict->dns_unanswered, TRUE);
	}
	pcm_log_objects(line, verdict, decision);
	g_string_append_printf(line, " time=%.1fms", ms);
	pcm_msg_log(msg, LOG_INFO, "%s", line->str);
	return g_strdup(line->str);
}

/* Each message's line names its unanswered queries; this warning, at most
 * every 5 minutes, is for the operator who watches warnings: a list or a
 * resolver that stopped answering costs a message the whole budget every
 * 30 seconds (failures are cached that long). */
static void
pcm_warn_dns(const PcVerdict *verdict)
{
	static PcmLogLimit limit;

	g_autofree char *queries = NULL;

	if (verdict->dns_unanswered == NULL)
		return;
	queries = pcm_log_str(verdict->dns_unanswered, TRUE);
	pcm_log_limited(&limit, 300, LOG_WARNING, "DNS lists: no answer within dns_budget_ms "
			"for %s; is the list or the resolver (dns_servers) down?", queries);
}

/* The quarantine entry is durable before the MTA hears the answer; if it
 * cannot be written the message is tempfailed, never lost.  The MTA's own
 * quarantine (store = mta) is applied with the answer (actions.c). */
static gboolean
pcm_keep_quarantined(const PcmConn *conn, const PcmMsg *msg, PcmOutcome *outcome,
		     GString *extra, char **id)
{
	const PcmConfig *conf = msg->rt->conf;
	PcDecision *decision = &outcome->decision;
	g_autoptr(GError) error = NULL;

	if ((decision->action != PC_ACT_QUARANTINE && !decision->keep_copy) ||
	    conf->quarantine_store == PCM_QUARANTINE_MTA)
		return TRUE;
	if (!pcm_quarantine_store(conf->quarantine_dir, conn, msg, outcome, id, &error)) {
		pcm_msg_log(msg, LOG_ERR, "%s; message tempfailed", error->message);
		pcm_stats_error("quarantine");
		pc_decision_tempfail(decision, "Temporary local problem, try again later");
		return FALSE;
	}
	g_string_append_printf(extra, " quarantine=%s", *id);
	return TRUE;
}

/* The archive keeps what arrived; a failure there is logged, not fatal:
 * it is a record, not the mail itself. */
static void
pcm_keep_archived(const PcmConn *conn, const PcmMsg *msg, const PcmOutcome *outcome,
		  GString *extra)
{
	const char *dir = msg->rt->conf->archive_dir;
	g_autoptr(GError) error = NULL;
	g_autofree char *id = NULL;

	if (*dir == '\0' || msg->spool == NULL)
		return;
	if (pcm_quarantine_store(dir, conn, msg, outcome, &id, &error))
		g_string_append_printf(extra, " archive=%s", id);
	else {
		pcm_msg_log(msg, LOG_ERR, "archive: %s", error->message);
		pcm_stats_error("archive");
	}
}

/* The message's figures for the counters: the engine's stages summed over
 * its scans (one per distinct group policy), then the milter's. */
static void
pcm_count(const PcmMsg *msg, const PcmOutcome *outcome, gint64 actions_us)
{
	PcmStatsMessage stats = {
		.action = outcome->decision.action,
		.status = pcm_outcome_status(outcome),
		.ms = (g_get_monotonic_time() - msg->start_us) / 1000.0,
		.verdict = outcome->verdict,
	};

	for (guint i = 0; outcome->verdicts != NULL && i < outcome->verdicts->len; i++) {
		const PcVerdict *v = g_ptr_array_index(outcome->verdicts, i);

		for (guint s = 0; s < PC_STAGE_COUNT; s++)
			stats.stage_us[s] += v->stage_us[s];
	}
	stats.stage_us[PCM_STAGE_SPOOL] = msg->spool_us;
	stats.stage_us[PCM_STAGE_DECISION] = outcome->decision_us;
	stats.stage_us[PCM_STAGE_ACTIONS] = actions_us;
	pcm_stats_message(&stats);
}

static sfsistat
pcm_eom(SMFICTX *ctx)
{
	PcmConn *conn = pcm_conn(ctx);
	PcmMsg *msg = pcm_msg(ctx, "end of message");
	g_autoptr(GString) extra = g_string_new(NULL);
	g_autofree char *quarantine_id = NULL;
	g_autofree char *logged = NULL;
	PcmOutcome outcome;
	sfsistat status;
	gint64 actions_start;

	if (msg == NULL)
		return SMFIS_TEMPFAIL;
	pcm_msg_set_queue_id(msg, smfi_getsymval(ctx, "i"));
	pcm_msg_end_headers(msg);
	if (msg->refused || msg->spool_error != NULL)
		return pcm_refuse(ctx, msg);
	pcm_outcome_decide(msg, &outcome);
	actions_start = g_get_monotonic_time();
	if (outcome.released != NULL)
		g_string_append_printf(extra, " released=%s", outcome.released);
	if (pcm_keep_quarantined(conn, msg, &outcome, extra, &quarantine_id))
		pcm_keep_archived(conn, msg, &outcome, extra);
	status = pcm_apply(ctx, msg, outcome.verdict, &outcome.decision,
			   (conn->steps & SMFIP_HDR_LEADSPC) != 0);
	if (status != SMFIS_TEMPFAIL) {
		pcm_notices_send(conn, msg, &outcome, quarantine_id);
		pcm_autolearn(msg, outcome.verdict, extra);
	}
	actions_start = g_get_monotonic_time() - actions_start;
	logged = pcm_log_result(conn, msg, &outcome, extra->str);
	pcm_history_record(conn, msg, &outcome, quarantine_id, logged);
	pcm_count(msg, &outcome, actions_start);
	pcm_warn_dns(outcome.verdict);
	pcm_outcome_clear(&outcome);
	pcm_end_message(conn);
	return status;
}

static sfsistat
pcm_abort(SMFICTX *ctx)
{
	PcmConn *conn = pcm_conn(ctx);

	if (conn->msg != NULL)
		pcm_msg_log(conn->msg, LOG_DEBUG, "aborted by MTA");
	pcm_end_message(conn);
	return SMFIS_CONTINUE;
}

static sfsistat
pcm_close(SMFICTX *ctx)
{
	PcmConn *conn = smfi_getpriv(ctx);

	if (conn != NULL) {
		pcm_end_message(conn);
		pcm_conn_free(conn);
		smfi_setpriv(ctx, NULL);
		g_atomic_int_dec_and_test(&pcm_connections);
	}
	return SMFIS_CONTINUE;
}

struct smfiDesc pcm_milter_desc = {
	.xxfi_name = PACKAGE_NAME,
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = PCM_ACTIONS,
	.xxfi_connect = pcm_connect,
	.xxfi_helo = pcm_helo,
	.xxfi_envfrom = pcm_envfrom,
	.xxfi_envrcpt = pcm_envrcpt,
	.xxfi_header = pcm_header,
	.xxfi_eoh = pcm_eoh,
	.xxfi_body = pcm_body,
	.xxfi_eom = pcm_eom,
	.xxfi_abort = pcm_abort,
	.xxfi_close = pcm_close,
	.xxfi_negotiate = pcm_negotiate,
};
