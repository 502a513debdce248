/*
 * Unit tests for src/store.c in a scratch directory: token files,
 * their modes, atomic writes that never follow a planted link, and
 * the token mask.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cf.h"
#include "store.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define TOK40		"abcdefghijABCDEFGHIJ0123456789-_abcdefgh"
#define X64		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define X256		X64 X64 X64 X64

static char	 top[64];	/* scratch: holds store/ and outside/ */
static char	 sdir[128];	/* the store */
static char	 odir[128];	/* somewhere a link could point to */

static void
rm_tree(const char *path)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	char		 sub[1024];

	if (lstat(path, &st) == -1)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			rm_tree(sub);
		}
		closedir(d);
		rmdir(path);
	} else
		unlink(path);
}

static int
setup(void **state)
{
	strcpy(top, "/tmp/test_store.XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	snprintf(sdir, sizeof(sdir), "%s/store", top);
	snprintf(odir, sizeof(odir), "%s/outside", top);
	if (mkdir(sdir, 0700) == -1 || mkdir(odir, 0700) == -1)
		return -1;
	store_init(sdir);
	return 0;
}

static int
teardown(void **state)
{
	rm_tree(top);
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void
read_file(const char *path, char *buf, size_t sz)
{
	FILE	*f;
	size_t	 n;

	assert_non_null(f = fopen(path, "r"));
	n = fread(buf, 1, sz - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static mode_t
mode_of(const char *path)
{
	struct stat	 st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode;
}

static void
fill(struct tokrec *t, const char *token)
{
	memset(t, 0, sizeof(*t));
	cf_strlcpy(t->token, token, sizeof(t->token));
	cf_strlcpy(t->id, "ed17574386854bf78a67040be0a770b0", sizeof(t->id));
	cf_strlcpy(t->status, "active", sizeof(t->status));
	cf_strlcpy(t->expires, "2030-01-01T00:00:00Z", sizeof(t->expires));
	cf_strlcpy(t->kind, "user", sizeof(t->kind));
	cf_strlcpy(t->account, "", sizeof(t->account));
	cf_strlcpy(t->verified, "2024-05-01T10:00:00Z", sizeof(t->verified));
}

static void
test_round_trip(void **state)
{
	struct tokrec	 in, out;
	struct err	 err;
	char		 path[256];

	assert_string_equal(store_dir(), sdir);
	fill(&in, TOK40);
	err_clear(&err);
	assert_int_equal(store_put_token("alice", &in, &err), 0);
	assert_false(err_isset(&err));
	assert_int_equal(store_get_token("alice", &out, &err), 1);
	assert_string_equal(out.token, in.token);
	assert_string_equal(out.id, in.id);
	assert_string_equal(out.status, in.status);
	assert_string_equal(out.expires, in.expires);
	assert_string_equal(out.kind, in.kind);
	assert_string_equal(out.account, in.account);
	assert_string_equal(out.verified, in.verified);

	/* Modes: the users directory 0700, the file 0600. */
	snprintf(path, sizeof(path), "%s/users", sdir);
	assert_true(S_ISDIR(mode_of(path)));
	assert_int_equal(mode_of(path) & 07777, 0700);
	snprintf(path, sizeof(path), "%s/users/alice.json", sdir);
	assert_true(S_ISREG(mode_of(path)));
	assert_int_equal(mode_of(path) & 07777, 0600);

	/* Another user's token is another file. */
	assert_int_equal(store_get_token("bob", &out, &err), 0);
	assert_false(err_isset(&err));
	assert_string_equal(out.token, "");

	/* The admin's token. */
	fill(&in, "ADMINTOKEN0123456789abcdefghijklmnopqrs");
	cf_strlcpy(in.kind, "account", sizeof(in.kind));
	cf_strlcpy(in.account, "0123456789abcdef0123456789abcdef",
	    sizeof(in.account));
	assert_int_equal(store_put_token(NULL, &in, &err), 0);
	snprintf(path, sizeof(path), "%s/global.json", sdir);
	assert_int_equal(mode_of(path) & 07777, 0600);
	assert_int_equal(store_get_token(NULL, &out, &err), 1);
	assert_string_equal(out.token, in.token);
	assert_string_equal(out.account, in.account);
	assert_string_equal(out.kind, "account");

	/* Replacing a token. */
	fill(&in, "replacedtoken0123456789abcdefghijklmnop");
	assert_int_equal(store_put_token("alice", &in, &err), 0);
	assert_int_equal(store_get_token("alice", &out, &err), 1);
	assert_string_equal(out.token, in.token);
}

static void
test_remove(void **state)
{
	struct tokrec	 in, out;
	struct err	 err;
	char		 path[256];

	fill(&in, TOK40);
	err_clear(&err);
	assert_int_equal(store_put_token("carol", &in, &err), 0);
	assert_int_equal(store_put_token("carol", NULL, &err), 0);
	snprintf(path, sizeof(path), "%s/users/carol.json", sdir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(store_get_token("carol", &out, &err), 0);
	assert_false(err_isset(&err));
	/* Removing what is not there is fine. */
	assert_int_equal(store_put_token("carol", NULL, &err), 0);
	assert_int_equal(store_put_token("nobody", NULL, &err), 0);
	assert_false(err_isset(&err));
}

/* The directory is tightened to 0700 when found looser. */
static void
test_dir_mode(void **state)
{
	struct tokrec	 in;
	struct err	 err;
	char		 path[256];

	assert_int_equal(chmod(sdir, 0755), 0);
	snprintf(path, sizeof(path), "%s/users", sdir);
	mkdir(path, 0700);
	assert_int_equal(chmod(path, 0777), 0);
	fill(&in, TOK40);
	err_clear(&err);
	assert_int_equal(store_put_token("dave", &in, &err), 0);
	assert_int_equal(mode_of(sdir) & 07777, 0700);
	assert_int_equal(mode_of(path) & 07777, 0700);
}

static void
test_parse_token(void **state)
{
	static const struct {
		const char	*in;
		int		 rc;
		const char	*token, *id;
	} c[] = {
		{ "{\"token\":\"" TOK40 "\"}", 0, TOK40, "" },
		{ "{\"token\":\"" TOK40 "\",\"id\":\"abc\",\"extra\":[1]}", 0,
		    TOK40, "abc" },
		{ "{\"token\":\"" X256 "\"}", 0, X256, "" },
		/* A field too long for its place is left empty. */
		{ "{\"token\":\"t\",\"id\":\"" X64 "\"}", 0, "t", X64 },
		{ "{\"token\":\"t\",\"id\":\"" X64 "x\"}", 0, "t", "" },
		{ "{\"token\":\"t\",\"id\":5}", 0, "t", "" },
		{ "{\"token\":\"t\",\"id\":null}", 0, "t", "" },
		/* Damaged files. */
		{ "{\"token\":\"" X256 "x\"}", -1, NULL, NULL },
		{ "{}", -1, NULL, NULL },
		{ "{\"token\":\"\"}", -1, NULL, NULL },
		{ "{\"token\":5}", -1, NULL, NULL },
		{ "{\"token\":null}", -1, NULL, NULL },
		{ "{\"Token\":\"" TOK40 "\"}", -1, NULL, NULL },
		{ "[\"" TOK40 "\"]", -1, NULL, NULL },
		{ "\"" TOK40 "\"", -1, NULL, NULL },
		{ "{\"token\":\"" TOK40 "\"", -1, NULL, NULL },
		{ "{", -1, NULL, NULL },
		{ "", -1, NULL, NULL },
		{ "\x00\x00\x00", -1, NULL, NULL },
		{ TOK40, -1, NULL, NULL },
	};
	struct tokrec	 rec;
	struct err	 err;
	size_t		 i;
	int		 rc, bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		err_clear(&err);
		memset(&rec, 'Z', sizeof(rec));
		rc = store_parse_token(c[i].in, strlen(c[i].in), &rec, &err);
		if (rc != c[i].rc || (rc == 0 &&
		    (strcmp(rec.token, c[i].token) != 0 ||
		    strcmp(rec.id, c[i].id) != 0 || rec.status[0] != '\0')) ||
		    (rc == -1 && (rec.token[0] != '\0' ||
		    strcmp(err.type, "internal") != 0 ||
		    strstr(err.msg, "damaged") == NULL))) {
			print_error("store_parse_token case %zu: input '%.80s': "
			    "rc %d, error type '%s' msg '%s'\n", i, c[i].in, rc,
			    err.type, err.msg);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* A damaged file on disk is an error, not "no token". */
static void
test_get_damaged(void **state)
{
	struct tokrec	 out;
	struct err	 err;
	char		 path[256];

	snprintf(path, sizeof(path), "%s/users", sdir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/users/erin.json", sdir);
	write_file(path, "{\"token\":");
	err_clear(&err);
	assert_int_equal(store_get_token("erin", &out, &err), -1);
	assert_true(err_isset(&err));
	write_file(path, "");
	err_clear(&err);
	assert_int_equal(store_get_token("erin", &out, &err), -1);
	assert_true(err_isset(&err));
	unlink(path);
}

/* After a write, only the file itself is left: no temporary beside it. */
static void
test_write_leaves_no_temp(void **state)
{
	struct err	 err;
	struct dirent	*de;
	DIR		*d;
	char		 path[256], buf[64];
	size_t		 len;
	char		*got;
	int		 n = 0;

	snprintf(path, sizeof(path), "%s/cache", sdir);
	mkdir(path, 0700);
	err_clear(&err);
	assert_int_equal(store_write("cache/a.json", "{\"v\":1}", 7, &err), 0);
	assert_int_equal(store_write("cache/a.json", "{\"v\":22}", 8, &err), 0);
	assert_non_null(d = opendir(path));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (strcmp(de->d_name, "a.json") != 0)
			print_error("left behind: %s\n", de->d_name);
		n++;
	}
	closedir(d);
	assert_int_equal(n, 1);
	snprintf(path, sizeof(path), "%s/cache/a.json", sdir);
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "{\"v\":22}");
	assert_int_equal(mode_of(path) & 07777, 0600);

	assert_non_null(got = store_read("cache/a.json", 100, &len, &err));
	assert_int_equal(len, 8);
	assert_string_equal(got, "{\"v\":22}");
	free(got);
	/* Bigger than the caller allows. */
	assert_null(store_read("cache/a.json", 4, &len, &err));
	assert_true(err_isset(&err));
	/* Missing: NULL and no error. */
	err_clear(&err);
	assert_null(store_read("cache/none.json", 100, &len, &err));
	assert_false(err_isset(&err));
	assert_int_equal(len, 0);

	assert_int_equal(store_remove("cache/a.json", &err), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(store_remove("cache/a.json", &err), 0);

	/* The cache writer, without fsync, is just as atomic and private. */
	assert_int_equal(store_write_cache("cache/b.json", "{}", 2, &err), 0);
	assert_int_equal(store_write_cache("cache/b.json", "[1]", 3, &err), 0);
	snprintf(path, sizeof(path), "%s/cache", sdir);
	n = 0;
	assert_non_null(d = opendir(path));
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			if (strcmp(de->d_name, "b.json") != 0)
				print_error("left behind: %s\n", de->d_name);
			n++;
		}
	closedir(d);
	assert_int_equal(n, 1);
	snprintf(path, sizeof(path), "%s/cache/b.json", sdir);
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "[1]");
	assert_int_equal(mode_of(path) & 07777, 0600);
	assert_int_equal(store_write_cache("../b.json", "x", 1, &err), -1);
}

/* Names that leave the store are refused. */
static void
test_bad_names(void **state)
{
	static const char *const c[] = {
		"../escape.json", "users/../../escape.json", "/etc/passwd",
		"..", "a/..",
	};
	struct err	 err;
	size_t		 i, len;
	char		 path[256];

	for (i = 0; i < NELEM(c); i++) {
		err_clear(&err);
		assert_int_equal(store_write(c[i], "x", 1, &err), -1);
		assert_true(err_isset(&err));
		err_clear(&err);
		assert_null(store_read(c[i], 100, &len, &err));
		assert_true(err_isset(&err));
		err_clear(&err);
		assert_int_equal(store_remove(c[i], &err), -1);
	}
	snprintf(path, sizeof(path), "%s/escape.json", top);
	assert_int_equal(access(path, F_OK), -1);
}

/* A link planted at a token's path is replaced, never written through. */
static void
test_symlink_target(void **state)
{
	struct tokrec	 in, out;
	struct err	 err;
	char		 path[256], victim[256], buf[256];

	snprintf(path, sizeof(path), "%s/users", sdir);
	mkdir(path, 0700);
	snprintf(victim, sizeof(victim), "%s/victim", odir);
	write_file(victim, "original\n");
	snprintf(path, sizeof(path), "%s/users/x.json", sdir);
	assert_int_equal(symlink(victim, path), 0);

	/* Reading through the link is refused. */
	err_clear(&err);
	assert_int_equal(store_get_token("x", &out, &err), -1);
	assert_string_equal(out.token, "");

	fill(&in, TOK40);
	err_clear(&err);
	assert_int_equal(store_put_token("x", &in, &err), 0);
	read_file(victim, buf, sizeof(buf));
	assert_string_equal(buf, "original\n");
	assert_true(S_ISREG(mode_of(path)));
	assert_int_equal(mode_of(path) & 07777, 0600);
	assert_int_equal(store_get_token("x", &out, &err), 1);
	assert_string_equal(out.token, TOK40);
}

/* A link planted at the temporary name is not followed either. */
static void
test_symlink_temp(void **state)
{
	struct tokrec	 in, out;
	struct err	 err;
	struct stat	 st;
	char		 path[256], tmp[300], victim[256], buf[256];
	mode_t		 vmode;
	int		 rc;

	snprintf(path, sizeof(path), "%s/users", sdir);
	mkdir(path, 0700);
	snprintf(victim, sizeof(victim), "%s/victim2", odir);
	write_file(victim, "untouched\n");
	snprintf(path, sizeof(path), "%s/users/y.json", sdir);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	assert_int_equal(chmod(victim, 0644), 0);
	vmode = mode_of(victim);
	assert_int_equal(symlink(victim, tmp), 0);

	fill(&in, TOK40);
	err_clear(&err);
	rc = store_put_token("y", &in, &err);
	read_file(victim, buf, sizeof(buf));
	assert_string_equal(buf, "untouched\n");
	assert_int_equal(mode_of(victim), vmode);	/* no fchmod through it */
	if (rc == 0) {
		/* Succeeding is fine, if the real file got the token. */
		assert_true(S_ISREG(mode_of(path)));
		assert_int_equal(store_get_token("y", &out, &err), 1);
		assert_string_equal(out.token, TOK40);
	} else {
		assert_true(err_isset(&err));
		assert_int_equal(lstat(path, &st), -1);
	}
	unlink(tmp);
}

/* A users directory that is a link is refused, nothing written there. */
static void
test_symlink_dir(void **state)
{
	struct tokrec	 in;
	struct err	 err;
	char		 path[256], other[256], file[300];

	snprintf(path, sizeof(path), "%s/users", sdir);
	rm_tree(path);
	snprintf(other, sizeof(other), "%s/otherusers", odir);
	assert_int_equal(mkdir(other, 0700), 0);
	assert_int_equal(symlink(other, path), 0);
	fill(&in, TOK40);
	err_clear(&err);
	assert_int_equal(store_put_token("zed", &in, &err), -1);
	assert_true(err_isset(&err));
	snprintf(file, sizeof(file), "%s/zed.json", other);
	assert_int_equal(access(file, F_OK), -1);
	unlink(path);
}

static void
test_lock(void **state)
{
	struct err	 err;
	int		 fd;

	err_clear(&err);
	assert_true((fd = store_lock(".lock", &err)) >= 0);
	store_unlock(fd);
	store_unlock(-1);
	assert_int_equal(store_lock("../x.lock", &err), -1);
}

static void
test_token_mask(void **state)
{
	static const struct {
		const char	*in, *out;
	} c[] = {
		{ TOK40, "••••efgh" },
		{ "12345678", "••••5678" },
		{ "1234567", "••••" },
		{ "abc", "••••" },
		{ "", "••••" },
		{ "abcdefghijklmnopqrstuvwxyz", "••••wxyz" },
	};
	char	 out[64];
	size_t	 i;
	int	 bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		memset(out, 'Z', sizeof(out));
		token_mask(c[i].in, out, sizeof(out));
		if (strcmp(out, c[i].out) != 0) {
			print_error("token_mask case %zu: '%s' gave '%s', "
			    "expected '%s'\n", i, c[i].in, out, c[i].out);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_dir_mode),
		cmocka_unit_test(test_parse_token),
		cmocka_unit_test(test_get_damaged),
		cmocka_unit_test(test_write_leaves_no_temp),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_symlink_target),
		cmocka_unit_test(test_symlink_temp),
		cmocka_unit_test(test_symlink_dir),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_token_mask),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
