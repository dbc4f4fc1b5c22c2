/*
 * NAME
 *	quarantine.c - the milter's side of the quarantine store
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "quarantine.h"
#include "store.h"

static gboolean
pcm_quarantine_write_message(int fd, gpointer data, GError **error)
{
	return pcm_spool_copy_to(data, fd, error);
}

/* "PATH STATUS NAME" per finding, for list and show. */
static char **
pcm_quarantine_findings(const PcVerdict *verdict)
{
	GStrvBuilder *out = g_strv_builder_new();
	char **lines;

	for (guint i = 0; i < verdict->findings->len; i++) {
		const PcFinding *f = g_ptr_array_index(verdict->findings, i);
		g_autofree char *line = g_strdup_printf("%s %s %s", f->object,
			pc_status_name(f->status), f->names->len ?
			(char *)g_ptr_array_index(f->names, 0) : f->detail ? f->detail : "-");

		g_strv_builder_add(out, line);
	}
	lines = g_strv_builder_end(out);
	g_strv_builder_unref(out);
	return lines;
}

/* "PATH\tDECLARED\tDETECTED\tSIZE\tSTATUS\tNAME" per object: the tree
 * portcullisctl shows without parsing the message again. */
static char **
pcm_quarantine_objects(const PcVerdict *verdict)
{
	GStrvBuilder *out = g_strv_builder_new();
	char **lines;

	for (guint i = 0; i < verdict->objects->len; i++) {
		const PcObject *o = g_ptr_array_index(verdict->objects, i);
		g_autofree char *line = g_strdup_printf(
			"%s\t%s\t%s\t%" G_GUINT64_FORMAT "\t%s\t%s", o->path,
			o->declared_type ? o->declared_type : "",
			o->detected_type ? o->detected_type : "", o->size,
			pc_status_name(o->status), pc_object_name(o) ? pc_object_name(o) : "");

		g_strv_builder_add(out, line);
	}
	lines = g_strv_builder_end(out);
	g_strv_builder_unref(out);
	return lines;
}

gboolean
pcm_quarantine_store(const char *dir, const PcmConn *conn, const PcmMsg *msg,
		     const PcmOutcome *outcome, char **id, GError **error)
{
	g_autofree char *warning = NULL;
	g_autofree char *reason = outcome->decision.reason ? NULL
						: pc_verdict_describe(outcome->verdict);
	g_autofree const char **rcpts = g_new0(const char *, msg->recipients->len + 1);
	g_auto(GStrv) findings = pcm_quarantine_findings(outcome->verdict);
	g_auto(GStrv) objects = pcm_quarantine_objects(outcome->verdict);
	PcqEntry entry = {
		.received = g_get_real_time() / G_USEC_PER_SEC,
		.queue_id = msg->queue_id,
		.client_address = conn->client_addr,
		.client_name = conn->client_name,
		.helo = conn->helo ? conn->helo : "",
		.sender = msg->sender,
		.group = outcome->group ? outcome->group->name : "default",
		.status = (char *)pc_status_name(pcm_outcome_status(outcome)),
		.action = (char *)pc_action_name(outcome->decision.action),
		.reason = outcome->decision.reason ? outcome->decision.reason : reason,
		.findings = findings,
		.objects = objects,
	};

	if (msg->spool == NULL) {
		g_set_error(error, PCQ_ERROR, PCQ_ERROR_FAILED,
			    "quarantine: message content was not kept");
		return FALSE;
	}
	memcpy(rcpts, msg->recipients->pdata, msg->recipients->len * sizeof(char *));
	entry.recipients = (char **)rcpts;
	if (!pcq_store(dir, &entry, pcm_quarantine_write_message, msg->spool, id, &warning,
		       error))
		return FALSE;
	if (warning != NULL)
		pcm_msg_log(msg, LOG_WARNING, "quarantine index: %s (the entry is stored; "
			    "portcullisctl quarantine reindex)", warning);
	return TRUE;
}
