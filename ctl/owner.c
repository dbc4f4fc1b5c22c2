/*
 * NAME
 *	owner.c - root works in the quarantine as the user who owns it
 * DESCRIPTION
 *	The daemon's user can write into the quarantine, so anything in it
 *	may have been planted: a symbolic link from ID.meta to a file of
 *	root's, a .meta naming an address to mail that file to.  Started as
 *	root, portcullisctl therefore becomes the owner of quarantine_dir
 *	(its uid and gid, and that user's groups) before touching anything
 *	in it: whatever is planted reaches only what that user could reach
 *	anyway, and the files it creates (the index) stay the daemon's.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ctl.h"

static gboolean
pcc_owner_fail(GError **error, const char *dir, const char *what)
{
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		    "running as root, and %s %s: %s; run portcullisctl as the user that owns "
		    "it (the one portcullis runs as)", what, dir, g_strerror(errno));
	return FALSE;
}

/* Groups first: after setuid there is no right to change them. */
static gboolean
pcc_switch_to(uid_t uid, gid_t gid)
{
	struct passwd *pw = getpwuid(uid);
	int groups = pw != NULL ? initgroups(pw->pw_name, gid) : setgroups(1, &gid);

	if (groups != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		return FALSE;
	/* Some kernels' setuid keeps a saved root id: make sure it is gone. */
	if (setuid(0) == 0 || geteuid() != uid || getegid() != gid) {
		errno = EPERM;
		return FALSE;
	}
	return TRUE;
}

gboolean
pcc_become_owner(const char *dir, GError **error)
{
	struct stat st;

	if (geteuid() != 0)
		return TRUE;
	if (lstat(dir, &st) != 0)
		return pcc_owner_fail(error, dir, "cannot read");
	/* A link the daemon's user could have made in place of the directory. */
	if (S_ISLNK(st.st_mode) && st.st_uid != 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_PERM,
			    "running as root, and quarantine_dir %s is a symbolic link of uid %u, "
			    "not root's: refused (set quarantine_dir to the directory itself)",
			    dir, (guint)st.st_uid);
		return FALSE;
	}
	if (stat(dir, &st) != 0)
		return pcc_owner_fail(error, dir, "cannot read");
	if (st.st_uid == 0)
		return TRUE;
	if (!pcc_switch_to(st.st_uid, st.st_gid))
		return pcc_owner_fail(error, dir, "cannot switch to the owner of");
	return TRUE;
}
