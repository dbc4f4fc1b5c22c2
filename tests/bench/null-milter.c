/*
 * null-milter: the benchmark's floor.  A libmilter filter that does no work:
 * it negotiates the same actions and steps as portcullis, adds one header at
 * end of message and accepts.  Whatever CPU it uses per message is the cost
 * of libmilter and the milter protocol alone, which every libmilter-based
 * filter (portcullis and clamav-milter alike) pays before scanning anything.
 * The negotiated actions and steps are portcullis's own (callbacks.h).
 *
 *   null-milter unix:/path/to/socket
 */
#include <stdio.h>
#include <sys/stat.h>

#include "callbacks.h"

static sfsistat
null_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
	       unsigned long f3, unsigned long *pf0, unsigned long *pf1,
	       unsigned long *pf2, unsigned long *pf3)
{
	(void)ctx;
	(void)f2;
	(void)f3;
	*pf0 = f0 & PCM_ACTIONS;
	*pf1 = f1 & PCM_STEPS;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat
null_connect(SMFICTX *ctx, char *name, _SOCK_ADDR *addr)
{
	(void)ctx;
	(void)name;
	(void)addr;
	return SMFIS_NOREPLY;
}

static sfsistat
null_string(SMFICTX *ctx, char *arg)
{
	(void)ctx;
	(void)arg;
	return SMFIS_NOREPLY;
}

static sfsistat
null_args(SMFICTX *ctx, char **argv)
{
	(void)ctx;
	(void)argv;
	return SMFIS_NOREPLY;
}

static sfsistat
null_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx;
	(void)name;
	(void)value;
	return SMFIS_NOREPLY;
}

static sfsistat
null_event(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_NOREPLY;
}

static sfsistat
null_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	(void)ctx;
	(void)chunk;
	(void)len;
	return SMFIS_NOREPLY;
}

static sfsistat
null_eom(SMFICTX *ctx)
{
	smfi_addheader(ctx, "X-Null-Milter", " yes");
	return SMFIS_CONTINUE;
}

int
main(int argc, char **argv)
{
	struct smfiDesc desc = {
		.xxfi_name = "null-milter",
		.xxfi_version = SMFI_VERSION,
		.xxfi_flags = PCM_ACTIONS,
		.xxfi_connect = null_connect,
		.xxfi_helo = null_string,
		.xxfi_envfrom = null_args,
		.xxfi_envrcpt = null_args,
		.xxfi_header = null_header,
		.xxfi_eoh = null_event,
		.xxfi_body = null_body,
		.xxfi_eom = null_eom,
		.xxfi_negotiate = null_negotiate,
	};

	if (argc != 2 || smfi_setconn(argv[1]) == MI_FAILURE) {
		fprintf(stderr, "usage: null-milter unix:/path/to/socket\n");
		return 2;
	}
	/* Postfix's smtpd runs as another user. */
	umask(0);
	if (smfi_register(desc) == MI_FAILURE || smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "null-milter: cannot open %s\n", argv[1]);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
