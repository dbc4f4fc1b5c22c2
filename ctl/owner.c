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
 *
 *	The Bayes store is the daemon's too, but learn reads the
 *	administrator's own files (root's mbox): there root takes the owner's
 *	ids only while the store is opened (pcc_owner_enter/leave), and the
 *	open files are all it keeps of it.
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
pcc_owner_fail(GError **error, const char *key, const char *dir, const char *what)
{
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		    "running as root, and %s %s %s: %s; run portcullisctl as the user that owns "
		    "it (the one portcullis runs as)", what, key, dir, g_strerror(errno));
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

/* The owner of a directory root is about to work in, in st; FALSE when it
 * is a link someone else could have put there. */
static gboolean
pcc_owner_of(const char *key, const char *dir, struct stat *st, GError **error)
{
	if (lstat(dir, st) != 0)
		return pcc_owner_fail(error, key, dir, "cannot read");
	/* A link the daemon's user could have made in place of the directory. */
	if (S_ISLNK(st->st_mode) && st->st_uid != 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_PERM,
			    "running as root, and %s %s is a symbolic link of uid %u, "
			    "not root's: refused (set %s to the directory itself)",
			    key, dir, (guint)st->st_uid, key);
		return FALSE;
	}
	if (stat(dir, st) != 0)
		return pcc_owner_fail(error, key, dir, "cannot read");
	return TRUE;
}

gboolean
pcc_become_owner(const char *key, const char *dir, GError **error)
{
	struct stat st;

	if (geteuid() != 0)
		return TRUE;
	if (!pcc_owner_of(key, dir, &st, error))
		return FALSE;
	if (st.st_uid == 0)
		return TRUE;
	if (!pcc_switch_to(st.st_uid, st.st_gid))
		return pcc_owner_fail(error, key, dir, "cannot switch to the owner of");
	return TRUE;
}

gboolean
pcc_owner_enter(const char *key, const char *dir, PccOwnerIds *saved, GError **error)
{
	struct stat st;

	memset(saved, 0, sizeof(*saved));
	/* A store not made yet has no owner to become: root makes it. */
	if (geteuid() != 0 || (lstat(dir, &st) != 0 && errno == ENOENT))
		return TRUE;
	if (!pcc_owner_of(key, dir, &st, error))
		return FALSE;
	if (st.st_uid == 0)
		return TRUE;
	saved->ngroups = getgroups(G_N_ELEMENTS(saved->groups), saved->groups);
	if (saved->ngroups < 0 || setgroups(1, &st.st_gid) != 0 || setegid(st.st_gid) != 0 ||
	    seteuid(st.st_uid) != 0) {
		pcc_owner_leave(saved);
		return pcc_owner_fail(error, key, dir, "cannot switch to the owner of");
	}
	saved->switched = TRUE;
	return TRUE;
}

void
pcc_owner_leave(PccOwnerIds *saved)
{
	/* Back to root for the administrator's own files; failing that, stop. */
	if (seteuid(0) != 0 || setegid(0) != 0 ||
	    (saved->ngroups >= 0 && setgroups((size_t)saved->ngroups, saved->groups) != 0))
		g_error("portcullisctl: cannot return to root's ids: %s", g_strerror(errno));
	saved->switched = FALSE;
}
