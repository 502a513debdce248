/*
 * What the panel knows: a user's domains and the panel's own DNS
 * records, asked through mgrctl.
 *
 * mgrctl runs through execve with a fixed argument vector and a fixed,
 * minimal environment: nothing of ours (the request's PARAM_* values,
 * a token among them) reaches the child.  Its output is bounded in
 * size and time.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpsl.h>

#include "cf.h"
#include "json.h"
#include "log.h"
#include "panel.h"
#include "validate.h"

#define MGRCTL_MAX_OUT	(16 * 1024 * 1024)
#define MGRCTL_TIMEOUT	10	/* seconds */

static char	 mgrctl[512] = CF_DEF_MGRCTL;

void
panel_init(const char *path)
{
	if (path != NULL && *path != '\0')
		cf_strlcpy(mgrctl, path, sizeof(mgrctl));
}

static int
panel_fail(struct err *err, const char *why)
{
	log_error("mgrctl: %s", why);
	err_set(err, "internal", "", T("Could not ask the panel for the "
	    "list of domains (%s). Try again; if it persists, the "
	    "administrator will find details in the plugin's log.",
	    "Не удалось получить список доменов от панели (%s). Повторите "
	    "попытку; если ошибка повторяется, подробности — в журнале "
	    "модуля."), why);
	return -1;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* closefrom(3) came with glibc 2.34; EL8 has 2.28. */
static void
close_from(int lowfd)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	closefrom(lowfd);
#else
	long	 fd, max = sysconf(_SC_OPEN_MAX);

	for (fd = lowfd; fd < (max > 0 ? max : 1024); fd++)
		close((int)fd);
#endif
}

/* Run mgrctl with argv; its stdout into *out (NUL-terminated). */
static int
run_mgrctl(char *const argv[], char **out, size_t *outlen, struct err *err)
{
	static char *const envp[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		    "/sbin:/bin",
		"LANG=C",
		NULL
	};
	struct timespec	 t0;
	struct pollfd	 pfd;
	char		*buf = NULL, *nbuf;
	size_t		 len = 0, cap = 0;
	ssize_t		 r;
	pid_t		 pid;
	int		 fds[2], status, rc = -1, fd;
	long		 left;

	*out = NULL;
	*outlen = 0;
	if (pipe2(fds, O_CLOEXEC) == -1)
		return panel_fail(err, strerror(errno));
	if ((pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		return panel_fail(err, strerror(errno));
	}
	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		if (fd == -1 || dup2(fd, 0) == -1 || dup2(fds[1], 1) == -1 ||
		    dup2(fd, 2) == -1)
			_exit(127);
		close_from(3);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(fds[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	for (;;) {
		left = MGRCTL_TIMEOUT * 1000L - ms_since(&t0);
		if (left > deadline_left())
			left = deadline_left();
		if (left <= 0) {
			panel_fail(err, T("mgrctl did not answer in time",
			    "mgrctl не ответил вовремя"));
			goto out;
		}
		if (poll(&pfd, 1, (int)left) == -1) {
			if (errno == EINTR)
				continue;
			panel_fail(err, strerror(errno));
			goto out;
		}
		if (len + 65536 + 1 > cap) {
			if (cap >= MGRCTL_MAX_OUT) {
				panel_fail(err, T("mgrctl printed too much",
				    "mgrctl вывел слишком много данных"));
				goto out;
			}
			cap = cap ? cap * 2 : 131072;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				panel_fail(err, strerror(errno));
				goto out;
			}
			buf = nbuf;
		}
		r = read(fds[0], buf + len, cap - len - 1);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r == -1) {
			panel_fail(err, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	rc = 0;
out:
	close(fds[0]);
	if (rc == -1)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		/* mgrctl reports errors on stdout too; keep the text. */
		rc = -1;
		panel_fail(err, T("mgrctl failed", "mgrctl завершился с "
		    "ошибкой"));
	}
	if (rc == 0) {
		*out = buf;
		*outlen = len;
	} else
		free(buf);
	return rc;
}

/* mgr5 JSON values are {"$": "text"}; accept a bare string too. */
const char *
panel_value(const struct json *elem, const char *key)
{
	const struct json	*v = json_get(elem, key);
	const char		*s;

	if (v == NULL)
		return NULL;
	if (json_as_str(v, &s) == 0)
		return s;
	if (json_str(v, "$", &s) == 0)
		return s;
	return NULL;
}

/*
 * {"doc":{"elem":[...]}}; mgr5 converts from XML, so one row arrives
 * as an object and no rows as no "elem" at all.
 */
int
panel_parse_list(const char *buf, size_t len,
    int (*each)(void *, const struct json *), void *arg, struct err *err)
{
	struct json		*root;
	const struct json	*doc, *elem, *e;
	int			 rc = -1;

	if ((root = json_parse(buf, len, err)) == NULL)
		return panel_fail(err, T("its answer is not JSON",
		    "её ответ — не JSON"));
	if ((doc = json_get(root, "doc")) == NULL || !json_is_obj(doc)) {
		panel_fail(err, T("its answer has no document",
		    "в её ответе нет документа"));
		goto out;
	}
	if (json_get(doc, "error") != NULL) {
		panel_fail(err, T("the panel refused the request",
		    "панель отклонила запрос"));
		goto out;
	}
	elem = json_get(doc, "elem");
	if (elem == NULL) {
		rc = 0;
		goto out;
	}
	if (json_is_obj(elem)) {
		if ((rc = each(arg, elem)) == -1)
			panel_fail(err, strerror(ENOMEM));
		goto out;
	}
	if (!json_is_arr(elem)) {
		panel_fail(err, T("its list has an unexpected shape",
		    "её список имеет неожиданный вид"));
		goto out;
	}
	for (e = json_first(elem); e != NULL; e = json_next(e)) {
		if (!json_is_obj(e))
			continue;
		if (each(arg, e) == -1) {
			panel_fail(err, strerror(ENOMEM));
			goto out;
		}
	}
	rc = 0;
out:
	json_free(root);
	return rc;
}

static const psl_ctx_t *
psl(void)
{
	static const psl_ctx_t	*ctx;

	/* The system list is newer than the one built into the library. */
	if (ctx == NULL && (ctx = psl_latest(NULL)) == NULL)
		ctx = psl_builtin();
	return ctx;
}

/* example.co.uk for www.example.co.uk; NULL for a suffix or bad name. */
char *
registrable_domain(const char *host)
{
	char		 buf[256], *p;
	const char	*reg;
	size_t		 len;

	if ((len = strlen(host)) == 0 || len >= sizeof(buf))
		return NULL;
	memcpy(buf, host, len + 1);
	if (buf[len - 1] == '.')
		buf[--len] = '\0';
	for (p = buf; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (!is_hostname(buf, 0) || psl() == NULL)
		return NULL;
	if ((reg = psl_registrable_domain(psl(), buf)) == NULL)
		return NULL;
	return strdup(reg);
}

const struct domain *
domlist_find(const struct domlist *l, const char *name)
{
	size_t	 i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* Add a host's registrable domain once; owner may be NULL. */
int
domlist_add(struct domlist *l, const char *host, const char *owner)
{
	struct domain	*nv;
	char		*reg, *own = NULL;

	if ((reg = registrable_domain(host)) == NULL)
		return 0;	/* not a domain we could connect: skip it */
	if (domlist_find(l, reg) != NULL) {
		free(reg);
		return 0;
	}
	if (owner != NULL && (own = strdup(owner)) == NULL) {
		free(reg);
		return -1;
	}
	if ((nv = reallocarray(l->v, l->n + 1, sizeof(*nv))) == NULL) {
		free(reg);
		free(own);
		return -1;
	}
	l->v = nv;
	l->v[l->n].name = reg;
	l->v[l->n].owner = own;
	l->n++;
	return 0;
}

void
domlist_free(struct domlist *l)
{
	size_t	 i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].owner);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
add_elem(void *arg, const struct json *elem)
{
	const char	*name = panel_value(elem, "name");

	if (name == NULL)
		return 0;
	return domlist_add(arg, name, panel_value(elem, "owner"));
}

static int
cmp_domain(const void *a, const void *b)
{
	return strcmp(((const struct domain *)a)->name,
	    ((const struct domain *)b)->name);
}

int
panel_domains(const char *user, struct domlist *l, struct err *err)
{
	static const char *const funcs[] = { "domain", "webdomain" };
	char		 su[128], *out;
	char		*argv[8];
	size_t		 i, len;
	int		 rc;

	memset(l, 0, sizeof(*l));
	if (user != NULL && cf_snprintf(su, sizeof(su), "su=%s", user) == -1)
		return panel_fail(err, T("the user name is too long",
		    "имя пользователя слишком длинное"));
	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
		argv[0] = mgrctl;
		argv[1] = "-m";
		argv[2] = "ispmgr";
		argv[3] = "-o";
		argv[4] = "json";
		argv[5] = (char *)funcs[i];
		argv[6] = user != NULL ? su : NULL;
		argv[7] = NULL;
		if (run_mgrctl(argv, &out, &len, err) == -1)
			goto fail;
		rc = panel_parse_list(out, len, add_elem, l, err);
		free(out);
		if (rc == -1)
			goto fail;
	}
	if (l->n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(l->v, l->n, sizeof(l->v[0]), cmp_domain);
	return 0;
fail:
	domlist_free(l);
	return -1;
}

static int
add_record(void *arg, const struct json *elem)
{
	struct precords	*r = arg;
	struct precord	*nv, *p;
	const char	*name = panel_value(elem, "name"),
			*type = panel_value(elem, "rtype"),
			*value = panel_value(elem, "value"),
			*ttl = panel_value(elem, "ttl");
	unsigned long long t = 0;

	if (name == NULL || type == NULL || value == NULL)
		return 0;
	if (ttl == NULL || parse_uint(ttl, 86400 * 7, &t) == -1)
		t = 1;
	if ((nv = reallocarray(r->v, r->n + 1, sizeof(*nv))) == NULL)
		return -1;
	r->v = nv;
	p = &r->v[r->n];
	p->name = strdup(name);
	p->type = strdup(type);
	p->value = strdup(value);
	p->ttl = (long)t;
	if (p->name == NULL || p->type == NULL || p->value == NULL) {
		free(p->name);
		free(p->type);
		free(p->value);
		return -1;
	}
	r->n++;
	return 0;
}

int
panel_records(const char *domain, struct precords *r, struct err *err)
{
	char	 elid[300], *out, *argv[8];
	size_t	 len;
	int	 rc;

	memset(r, 0, sizeof(*r));
	if (cf_snprintf(elid, sizeof(elid), "elid=%s", domain) == -1)
		return panel_fail(err, T("the domain name is too long",
		    "доменное имя слишком длинное"));
	argv[0] = mgrctl;
	argv[1] = "-m";
	argv[2] = "ispmgr";
	argv[3] = "-o";
	argv[4] = "json";
	argv[5] = "domain.record";
	argv[6] = elid;
	argv[7] = NULL;
	if (run_mgrctl(argv, &out, &len, err) == -1)
		return -1;
	rc = panel_parse_list(out, len, add_record, r, err);
	free(out);
	if (rc == -1)
		precords_free(r);
	return rc;
}

void
precords_free(struct precords *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].type);
		free(r->v[i].value);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
}
