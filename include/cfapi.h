/*
 * The Cloudflare client: the only module that sees libcurl.
 *
 * Requests run on one multi handle, so every call of a process shares
 * one connection pool, DNS cache and TLS session; independent requests
 * run concurrently (HTTP/2 multiplexed where offered).  The client
 * parses the v4 envelope and turns Cloudflare's errors into messages
 * the user can act on, naming the token permission an action needs.
 */
#ifndef CFAPI_H
#define CFAPI_H

#include <stddef.h>

#include "cf.h"

struct json;
struct cf;

/* The token permissions the plugin needs, as Cloudflare's UI names them. */
enum perm {
	PERM_NONE = 0,
	PERM_ACCOUNT_FW_READ,	/* Account · Account Firewall Access Rules · Read */
	PERM_CACHE_RULES,	/* Zone · Cache Rules · Edit */
	PERM_SETTINGS_READ,	/* Zone · Zone Settings · Read */
	PERM_SETTINGS_EDIT,	/* Zone · Zone Settings · Edit */
	PERM_DNS_READ,		/* Zone · Zone DNS · Read */
	PERM_DNS_EDIT,		/* Zone · Zone DNS · Edit */
	PERM_ZONE_READ,		/* named "Zone · Zone · Edit": the one the plugin asks for */
	PERM_ZONE_EDIT,		/* Zone · Zone · Edit */
	PERM_PURGE,		/* Zone · Cache Purge · Purge */
	PERM_FW_READ,		/* Zone · Firewall Services · Read */
	PERM_FW_EDIT,		/* Zone · Firewall Services · Edit */
	PERM__MAX
};

const char	*perm_name(enum perm);

struct cf_info {		/* result_info of a list page */
	long	page, per_page, count, total_count, total_pages;
	int	present;
};

struct cf_req {
	/* What to send. */
	const char		*method;
	char			 path[1024];	/* below the base, with query */
	const struct json	*body;		/* JSON body, or NULL */
	const char		*upload;	/* multipart "file" (DNS import) */
	size_t			 uploadlen;
	int			 upload_proxied; /* -1 none, 0 false, 1 true */
	enum perm		 perm;		/* named when Cloudflare refuses */
	int			 raw;		/* keep a non-JSON reply (export) */
	int			 notfound_ok;	/* a 404 is an answer, not an error */

	/* What came back. */
	long			 status;
	struct json		*root;		/* the envelope */
	const struct json	*result;	/* in root */
	struct cf_info		 info;
	char			*text;		/* raw reply when raw */
	size_t			 textlen;
	int			 code;		/* Cloudflare's first error code */
	long			 retry_after;	/* seconds, on a 429 */
	int			 failed;
	struct err		 err;

	void			*priv;		/* the engine's */
};

struct cf	*cf_new(const char *, const char *, struct err *);
void		 cf_free(struct cf *);
void		 cf_set_auth_hint(struct cf *, const char *);
void		 cf_set_budget(struct cf *, const char *);
unsigned	 cf_requests(const struct cf *);	/* sent so far */
unsigned	 cf_rounds(const struct cf *);		/* sequential waves */

void		 cf_req_init(struct cf_req *, const char *, enum perm);
void		 cf_req_clean(struct cf_req *);
int		 cf_path(struct cf_req *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 cf_query(struct cf_req *, const char *, const char *);
int		 cf_query_int(struct cf_req *, const char *, long);

/* Run n requests concurrently; 0 when all succeeded, else -1. */
int		 cf_run(struct cf *, struct cf_req *, size_t);
/* One request; its error copied to err. */
int		 cf_call(struct cf *, struct cf_req *, struct err *);

/*
 * Every item of a paginated list, in order, however many pages:
 * the first page gives the count, the rest are fetched concurrently.
 * base is a prepared request (path with its filters, perm).
 */
int		 cf_list(struct cf *, const struct cf_req *, long,
		    int (*)(void *, const struct json *), void *,
		    struct err *);

/* For the parsers' tests and fuzzers: the envelope of one reply. */
int		 cf_parse_reply(struct cf_req *, const char *, size_t);

#endif /* CFAPI_H */
