/*
 * The handler the panel runs for every cloudflare.* function.
 * Wiring only: request → access → handler → reply.  Whatever happens,
 * it prints one well-formed document and exits 0.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cf.h"
#include "fn.h"
#include "log.h"
#include "panel.h"
#include "reply.h"
#include "request.h"
#include "store.h"

static const char *
env_or(const char *name, const char *def)
{
	const char	*v = getenv(name);

	return (v != NULL && *v != '\0') ? v : def;
}

/* The panel may start us with 0, 1 or 2 closed; keep them taken. */
static void
hold_std_fds(void)
{
	int	 fd;

	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

int
main(void)
{
	struct rlimit	 nocore = { 0, 0 };
	struct request	 req;
	struct ctx	 c;
	struct reply	*reply;
	int		 rc = -1;

	deadline_start(CF_DEADLINE_MS);
#ifdef M_MMAP_THRESHOLD
	/*
	 * A fixed threshold: large buffers (a page of records, the reply)
	 * are mapped and given back when freed, instead of glibc raising
	 * the threshold after the first one and keeping the rest.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
	/* A core dump would hold tokens. */
	setrlimit(RLIMIT_CORE, &nocore);
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	hold_std_fds();

	store_init(env_or("CF_ETC_DIR", CF_DEF_ETC_DIR));
	panel_init(env_or("CF_MGRCTL", CF_DEF_MGRCTL));
	log_open(env_or("CF_LOG", CF_DEF_LOG));

	memset(&c, 0, sizeof(c));
	c.apiurl = env_or("CF_API_URL", CF_DEF_API_URL);
	c.req = &req;
	if ((reply = reply_new()) == NULL)
		goto print;	/* reply_write prints the fallback */
	c.reply = reply;

	if (request_parse(&req, &c.err) == -1)
		goto done;
	if (req.level < req.fn->minlevel) {
		log_warn("access: user %s (level %d) refused %s", req.user,
		    req.level, req.fn->name);
		err_set(&c.err, "access", "", "%s", T("Only the administrator "
		    "can use this.", "Это доступно только администратору."));
		goto done;
	}
	if (ctx_access(&c) == -1)
		goto done;
	if ((req.fn->flags & F_TOKEN) && ctx_token(&c) == -1)
		goto done;
	rc = req.fn->run(&c);
	/* A zone Cloudflare no longer knows must not stay in the cache. */
	if (rc == -1 && strcmp(c.err.type, "missed") == 0 && req.fn->zone &&
	    !(req.fn->flags & F_ZONELIST) && req_get(&req, req.fn->zone))
		zone_forget(&c, req_get(&req, req.fn->zone));
done:
	if (rc == -1) {
		if (!err_isset(&c.err))
			err_set(&c.err, "internal", "", "%s", T("Something went "
			    "wrong in the Cloudflare plugin.", "В модуле Cloudflare "
			    "произошла ошибка."));
		log_info("reply error %s: %s", c.err.type, c.err.msg);
		reply_error(reply, &c.err);
	}
	request_free(&req);
	ctx_free(&c);
print:
	reply_write(reply, STDOUT_FILENO);
	reply_free(reply);
	log_close();
	return 0;
}
