/*
 * The settings store.  Tokens are secrets belonging to other people:
 * the directory is 0700, files are 0600 and never followed through
 * symbolic links, and every write is atomic, so a crash or a second
 * writer never leaves a half-written file or loses a saved value.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cf.h"
#include "json.h"
#include "log.h"
#include "store.h"

#define TOKEN_FILE_MAX	8192

static char	 dir[512] = CF_DEF_ETC_DIR;

void
store_init(const char *path)
{
	if (path != NULL && *path != '\0')
		cf_strlcpy(dir, path, sizeof(dir));
}

const char *
store_dir(void)
{
	return dir;
}

static int
fail(struct err *err, const char *what, const char *path)
{
	int	 e = errno;

	log_error("store: %s %s: %s", what, path, strerror(e));
	err_set(err, "internal", "", T("Could not %s the plugin's settings "
	    "(%s). Ask the administrator to check %s.", "Не удалось %s "
	    "настройки модуля (%s). Попросите администратора проверить %s."),
	    T(what, strcmp(what, "read") == 0 ? "прочитать" : "записать"),
	    strerror(e), dir);
	return -1;
}

/* Make dir (and sub) exist, owned by us, 0700, not a link. */
static int
ensure_dir(const char *path, struct err *err)
{
	struct stat	 st;

	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return fail(err, "write", path);
	if (lstat(path, &st) == -1)
		return fail(err, "write", path);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
		errno = ENOTDIR;
		return fail(err, "write", path);
	}
	if ((st.st_mode & 077) != 0 && chmod(path, 0700) == -1)
		return fail(err, "write", path);
	return 0;
}

static int
full_path(char *buf, size_t sz, const char *name, struct err *err)
{
	/* Names come from our own code and validated user names only. */
	if (strstr(name, "..") != NULL || name[0] == '/' ||
	    cf_snprintf(buf, sz, "%s/%s", dir, name) == -1) {
		err_set(err, "internal", "", "%s", T("Bad settings file name.",
		    "Некорректное имя файла настроек."));
		return -1;
	}
	return 0;
}

int
store_lock(const char *name, struct err *err)
{
	char	 path[1024];
	int	 fd;

	if (ensure_dir(dir, err) == -1 ||
	    full_path(path, sizeof(path), name, err) == -1)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1)
		return fail(err, "write", path);
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			close(fd);
			return fail(err, "write", path);
		}
	}
	return fd;
}

void
store_unlock(int fd)
{
	if (fd != -1)
		close(fd);	/* drops the flock */
}

/*
 * Read a whole file of at most max bytes.  NULL with *len 0 and no
 * error set when it does not exist.
 */
char *
store_read(const char *name, size_t max, size_t *len, struct err *err)
{
	char		 path[1024], *buf = NULL;
	struct stat	 st;
	ssize_t		 r;
	size_t		 got = 0;
	int		 fd;

	*len = 0;
	if (full_path(path, sizeof(path), name, err) == -1)
		return NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno != ENOENT)
			fail(err, "read", path);
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max) {
		errno = EFBIG;
		fail(err, "read", path);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		fail(err, "read", path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	*len = got;
out:
	close(fd);
	return buf;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t	 w;

	while (len > 0) {
		if ((w = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Directory part of a path, for fsync after rename. */
static int
sync_dir_of(const char *path)
{
	char	 d[1024], *slash;
	int	 fd, rc;

	cf_strlcpy(d, path, sizeof(d));
	if ((slash = strrchr(d, '/')) == NULL)
		return 0;
	*slash = '\0';
	if ((fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Temporaries of writers that died (killed between open and rename).
 * Every writer holds the store lock, so under it any NAME.tmp.* is
 * stale: removed, a dead writer's copy of a token does not linger,
 * and a leftover with our pid (a link, say) cannot stop this save.
 */
static void
remove_stale(const char *path)
{
	char		 d[1024], pre[300], *slash;
	DIR		*dp;
	struct dirent	*de;
	int		 n;

	cf_strlcpy(d, path, sizeof(d));
	if ((slash = strrchr(d, '/')) == NULL)
		return;
	*slash = '\0';
	if ((n = cf_snprintf(pre, sizeof(pre), "%s.tmp.", slash + 1)) == -1 ||
	    (dp = opendir(d)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL)
		if (strncmp(de->d_name, pre, (size_t)n) == 0 &&
		    unlinkat(dirfd(dp), de->d_name, 0) == 0)
			log_warn("store: removed a stale %s/%s", d, de->d_name);
	closedir(dp);
}

/*
 * Write name atomically: a unique temporary file beside it, fsync,
 * rename over, fsync the directory.  Held under the store lock so
 * that writers of the same file queue up rather than race.
 */
static int
write_file(const char *name, const char *data, size_t len, int durable,
    struct err *err)
{
	char	 path[1024], tmp[1100], sub[1024], *slash;
	int	 fd = -1, lock, rc = -1;

	tmp[0] = '\0';	/* nothing to unlink until it is named */
	if (full_path(path, sizeof(path), name, err) == -1)
		return -1;
	if ((lock = store_lock(".lock", err)) == -1)
		return -1;
	cf_strlcpy(sub, path, sizeof(sub));
	if ((slash = strrchr(sub, '/')) != NULL && slash != sub) {
		*slash = '\0';
		if (strcmp(sub, dir) != 0 && ensure_dir(sub, err) == -1)
			goto out;
	}
	remove_stale(path);
	if (cf_snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path,
	    (long)getpid()) == -1) {
		tmp[0] = '\0';
		errno = ENAMETOOLONG;
		fail(err, "write", path);
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1) {
		fail(err, "write", tmp);
		goto out;
	}
	if (fchmod(fd, 0600) == -1 || write_all(fd, data, len) == -1 ||
	    (durable && fsync(fd) == -1)) {
		fail(err, "write", tmp);
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		fail(err, "write", tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		fail(err, "write", path);
		goto out;
	}
	if (durable && sync_dir_of(path) == -1) {
		fail(err, "write", path);
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc == -1 && tmp[0] != '\0')
		unlink(tmp);
	store_unlock(lock);
	return rc;
}

int
store_write(const char *name, const char *data, size_t len, struct err *err)
{
	return write_file(name, data, len, 1, err);
}

/* A cache: atomic still, but not worth an fsync. */
int
store_write_cache(const char *name, const char *data, size_t len,
    struct err *err)
{
	return write_file(name, data, len, 0, err);
}

int
store_remove(const char *name, struct err *err)
{
	char	 path[1024];
	int	 lock, rc = 0;

	if (full_path(path, sizeof(path), name, err) == -1)
		return -1;
	if ((lock = store_lock(".lock", err)) == -1)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT)
		rc = fail(err, "write", path);
	else
		sync_dir_of(path);
	store_unlock(lock);
	return rc;
}

static int
token_file(const char *user, char *buf, size_t sz)
{
	if (user == NULL)
		return cf_snprintf(buf, sz, "global.json");
	return cf_snprintf(buf, sz, "users/%s.json", user);
}

static void
copy_field(const struct json *j, const char *key, char *dst, size_t sz)
{
	const char	*s;

	if (json_str_opt(j, key, &s, "") == 0 && strlen(s) < sz)
		cf_strlcpy(dst, s, sz);
}

/* The token file: {"token":..., "id":..., "status":..., ...}. */
int
store_parse_token(const char *buf, size_t len, struct tokrec *rec,
    struct err *err)
{
	struct json	*j;
	const char	*tok;
	int		 rc = -1;

	memset(rec, 0, sizeof(*rec));
	if ((j = json_parse(buf, len, err)) == NULL ||
	    json_str(j, "token", &tok) == -1 || strlen(tok) == 0 ||
	    strlen(tok) >= sizeof(rec->token)) {
		err_set(err, "internal", "", "%s", T("A stored token file is "
		    "damaged; save the token again.", "Файл с сохранённым "
		    "токеном повреждён; сохраните токен заново."));
		goto out;
	}
	cf_strlcpy(rec->token, tok, sizeof(rec->token));
	copy_field(j, "id", rec->id, sizeof(rec->id));
	copy_field(j, "status", rec->status, sizeof(rec->status));
	copy_field(j, "expires_on", rec->expires, sizeof(rec->expires));
	copy_field(j, "kind", rec->kind, sizeof(rec->kind));
	copy_field(j, "account", rec->account, sizeof(rec->account));
	copy_field(j, "verified_at", rec->verified, sizeof(rec->verified));
	rc = 0;
out:
	json_free(j);
	return rc;
}

int
store_get_token(const char *user, struct tokrec *rec, struct err *err)
{
	char	 name[128], *buf;
	size_t	 len;
	int	 rc;

	memset(rec, 0, sizeof(*rec));
	if (token_file(user, name, sizeof(name)) == -1)
		return -1;
	if ((buf = store_read(name, TOKEN_FILE_MAX, &len, err)) == NULL)
		return err_isset(err) ? -1 : 0;
	rc = store_parse_token(buf, len, rec, err) == 0 ? 1 : -1;
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}

int
store_put_token(const char *user, const struct tokrec *rec, struct err *err)
{
	char		 name[128], *text = NULL;
	struct json	*j = NULL;
	int		 rc = -1;

	if (token_file(user, name, sizeof(name)) == -1)
		return -1;
	if (rec == NULL)
		return store_remove(name, err);
	if ((j = json_new_obj()) == NULL ||
	    json_set_str(j, "token", rec->token) == -1 ||
	    json_set_str(j, "id", rec->id) == -1 ||
	    json_set_str(j, "status", rec->status) == -1 ||
	    json_set_str(j, "expires_on", rec->expires) == -1 ||
	    json_set_str(j, "kind", rec->kind) == -1 ||
	    json_set_str(j, "account", rec->account) == -1 ||
	    json_set_str(j, "verified_at", rec->verified) == -1 ||
	    (text = json_print(j)) == NULL) {
		err_set(err, "internal", "", "%s", T("Out of memory.",
		    "Недостаточно памяти."));
		goto out;
	}
	rc = store_write(name, text, strlen(text), err);
out:
	if (text != NULL) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	json_free(j);
	return rc;
}

/* "••••abcd": enough to tell two tokens apart, not enough to use one. */
void
token_mask(const char *tok, char *out, size_t sz)
{
	size_t	 len = strlen(tok);

	if (len < 8) {
		cf_snprintf(out, sz, "••••");
		return;
	}
	cf_snprintf(out, sz, "••••%s", tok + len - 4);
}
