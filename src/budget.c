/*
 * The shared request budget, one file per token scope under the store:
 * "budget-admin" for the admin's token, "budget-user-NAME" for a
 * user's own.  The file holds lines "SECOND COUNT" for the last five
 * minutes and "blocked UNTIL" after Cloudflare answered 429.  It is
 * read, changed and written back under flock, without rename: a torn
 * write only loses counts, which the parser tolerates.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "budget.h"
#include "cf.h"
#include "log.h"
#include "store.h"

#define BUDGET_FILE_MAX	8192
#define BUDGET_SLOTS	(BUDGET_WINDOW / 10)	/* 10-second slots */

struct slots {
	long long	 t[BUDGET_SLOTS];
	unsigned	 n[BUDGET_SLOTS];
	long long	 blocked;
};

/* Count per slot in the window ending at now; returns the total. */
static unsigned
parse(const char *buf, long long now, struct slots *s)
{
	const char	*p = buf;
	long long	 t;
	unsigned long	 n;
	unsigned	 total = 0;
	int		 i, used;
	char		*end;

	memset(s, 0, sizeof(*s));
	while (p != NULL && *p != '\0') {
		if (strncmp(p, "blocked ", 8) == 0) {
			t = strtoll(p + 8, &end, 10);
			if (end != p + 8 && t > now && t < now + 86400)
				s->blocked = t;
		} else {
			t = strtoll(p, &end, 10);
			if (end != p && *end == ' ') {
				n = strtoul(end + 1, &end, 10);
				/* t < 0 would index before the slots (a
				 * clock near the epoch lets one in). */
				used = t >= 0 && t > now - BUDGET_WINDOW &&
				    t <= now && n > 0 && n < 100000;
				if (used) {
					i = (int)((t / 10) % BUDGET_SLOTS);
					if (s->t[i] != t / 10 * 10) {
						total -= s->n[i];
						s->t[i] = t / 10 * 10;
						s->n[i] = 0;
					}
					s->n[i] += (unsigned)n;
					total += (unsigned)n;
				}
			}
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return total;
}

unsigned
budget_parse(const char *buf, long long now, long long *blocked)
{
	struct slots	 s;
	unsigned	 total = parse(buf, now, &s);

	*blocked = s.blocked;
	return total;
}

static int
open_locked(const char *scope)
{
	char	 path[1024];
	int	 fd;

	if (cf_snprintf(path, sizeof(path), "%s/budget-%s", store_dir(),
	    scope) == -1)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1)
		return -1;
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

static void
load(int fd, char *buf, size_t sz)
{
	ssize_t	 r;

	r = pread(fd, buf, sz - 1, 0);
	buf[r > 0 ? r : 0] = '\0';
}

static void
save(int fd, const struct slots *s)
{
	char	 buf[BUDGET_FILE_MAX];
	size_t	 len = 0;
	int	 i, n;

	for (i = 0; i < BUDGET_SLOTS; i++) {
		if (s->n[i] == 0)
			continue;
		n = snprintf(buf + len, sizeof(buf) - len, "%lld %u\n",
		    s->t[i], s->n[i]);
		if (n < 0 || (size_t)n >= sizeof(buf) - len)
			break;
		len += (size_t)n;
	}
	if (s->blocked) {
		n = snprintf(buf + len, sizeof(buf) - len, "blocked %lld\n",
		    s->blocked);
		if (n > 0 && (size_t)n < sizeof(buf) - len)
			len += (size_t)n;
	}
	if (pwrite(fd, buf, len, 0) != (ssize_t)len ||
	    ftruncate(fd, (off_t)len) == -1)
		log_warn("budget: cannot write: %s", strerror(errno));
}

/*
 * Take n requests from the scope's budget, or refuse all of them.
 * A store we cannot open does not stop the request: Cloudflare's own
 * limit still holds, and the error is logged.
 */
int
budget_take(const char *scope, unsigned n, struct err *err)
{
	char		 buf[BUDGET_FILE_MAX];
	struct slots	 s;
	long long	 now = (long long)time(NULL), wait;
	unsigned	 used;
	int		 fd, i, rc = 0;

	if (scope == NULL || n == 0)
		return 0;
	if ((fd = open_locked(scope)) == -1) {
		log_warn("budget: cannot open the %s budget: %s", scope,
		    strerror(errno));
		return 0;
	}
	load(fd, buf, sizeof(buf));
	used = parse(buf, now, &s);
	if (s.blocked > now) {
		err_set(err, "ratelimit", "", T("Cloudflare has paused this "
		    "token for too many requests. Try again in %lld s.",
		    "Cloudflare приостановил этот токен из-за слишком частых "
		    "запросов. Повторите через %lld с."), s.blocked - now);
		rc = -1;
		goto out;
	}
	if (used + n > BUDGET_LIMIT) {
		/* The oldest slot frees up first. */
		wait = BUDGET_WINDOW;
		for (i = 0; i < BUDGET_SLOTS; i++)
			if (s.n[i] && s.t[i] + BUDGET_WINDOW - now < wait)
				wait = s.t[i] + BUDGET_WINDOW - now;
		log_warn("budget: %s refused %u requests (%u of %d used)",
		    scope, n, used, BUDGET_LIMIT);
		/* The admin's token is everybody's; a user's own is theirs. */
		if (strcmp(scope, "admin") == 0)
			err_set(err, "ratelimit", "", T("This server has used %u "
			    "of its %d Cloudflare requests for the last 5 "
			    "minutes, and this action needs %u more. To keep "
			    "Cloudflare from blocking the token for every user, "
			    "it was not started. Try again in %lld s.", "Сервер "
			    "уже использовал %u из %d запросов к Cloudflare за "
			    "последние 5 минут, а этому действию нужно ещё %u. "
			    "Чтобы Cloudflare не заблокировал токен для всех "
			    "пользователей, действие не запущено. Повторите через "
			    "%lld с."), used, BUDGET_LIMIT, n, wait > 0 ? wait : 1);
		else
			err_set(err, "ratelimit", "", T("Your API token has made "
			    "%u of its %d Cloudflare requests for the last 5 "
			    "minutes, and this action needs %u more. To keep "
			    "Cloudflare from blocking the token, it was not "
			    "started. Try again in %lld s.", "Ваш API-токен уже "
			    "сделал %u из %d запросов к Cloudflare за последние 5 "
			    "минут, а этому действию нужно ещё %u. Чтобы Cloudflare "
			    "не заблокировал токен, действие не запущено. "
			    "Повторите через %lld с."), used, BUDGET_LIMIT, n,
			    wait > 0 ? wait : 1);
		rc = -1;
		goto out;
	}
	i = (int)((now / 10) % BUDGET_SLOTS);
	if (s.t[i] != now / 10 * 10) {
		s.t[i] = now / 10 * 10;
		s.n[i] = 0;
	}
	s.n[i] += n;
	save(fd, &s);
out:
	close(fd);
	return rc;
}

/* Cloudflare said 429: nobody on this server asks again until then. */
void
budget_blocked(const char *scope, long seconds)
{
	char		 buf[BUDGET_FILE_MAX];
	struct slots	 s;
	long long	 now = (long long)time(NULL);
	int		 fd;

	if (scope == NULL || seconds <= 0 || (fd = open_locked(scope)) == -1)
		return;
	load(fd, buf, sizeof(buf));
	parse(buf, now, &s);
	if (now + seconds > s.blocked)
		s.blocked = now + (seconds < 86400 ? seconds : 86400);
	save(fd, &s);
	close(fd);
}
