/*
 * The functions the panel calls, the context a handler runs in, and
 * the helpers handlers share (token, client, domains, zones).
 */
#ifndef FN_H
#define FN_H

#include <stddef.h>

#include "cf.h"
#include "cfapi.h"
#include "panel.h"
#include "request.h"
#include "store.h"

struct reply;

enum toksrc { TOK_NONE, TOK_ADMIN, TOK_USER };

struct ctx {
	const struct request	*req;
	struct reply		*reply;
	struct err		 err;
	const char		*apiurl;
	enum toksrc		 toksrc;
	struct tokrec		 tok;		/* the effective token */
	struct cf		*cf;		/* opened on first use */
	struct domlist		 domains;	/* the user's, or all for admins */
	int			 have_domains;
};

#define F_TOKEN		0x01	/* needs the effective token */
#define F_ZONELIST	0x02	/* the zone parameter is "a, b" */
#define F_PARENT_ELID	0x04	/* a sublist: the zone may come as elid */

struct func {
	const char		*name;
	int			(*run)(struct ctx *);
	int			 minlevel;
	const char		*zone;		/* parameter naming the zone(s) */
	unsigned		 flags;
	const struct param_spec	*params;	/* ends with { NULL } */
};

const struct func *func_find(const char *);
extern const struct func functab[];

/* ctx.c */
int		 ctx_is_admin(const struct ctx *);
int		 ctx_token(struct ctx *);
struct cf	*ctx_cf(struct ctx *);
const struct domlist *ctx_domains(struct ctx *);
int		 ctx_access(struct ctx *);
int		 ctx_nomem(struct ctx *);
int		 ctx_group(struct ctx *, struct cf_req *, size_t, char *const *,
		    const char *);
int		 ctx_delete_ids(struct ctx *, const char *, enum perm,
		    const char *);
void		 ctx_free(struct ctx *);

/* zone.c: a zone by its name, as Cloudflare knows it. */
struct zone {
	char	 id[33];
	char	 name[254];
	char	 status[32];
	char	 account_id[33];
	char	 account_name[128];
	char	 plan[64];
	int	 paused;
	char	 ns[4][254];
	size_t	 nns;
};

int	 zone_parse(const struct json *, struct zone *);
int	 zone_find(struct ctx *, const char *, struct zone *);
void	 zone_forget(struct ctx *, const char *);
void	 zone_cache_drop(const char *);
int	 zone_find_many(struct ctx *, char *const *, size_t, struct zone *,
	    int *);

/* The handlers, one file per menu. */
int	 fn_settings(struct ctx *);
int	 fn_profile(struct ctx *);
int	 fn_zone_list(struct ctx *);
int	 fn_zone_edit(struct ctx *);
int	 fn_zone_delete(struct ctx *);
int	 fn_dns_list(struct ctx *);
int	 fn_dns_edit(struct ctx *);
int	 fn_dns_delete(struct ctx *);
int	 fn_dns_export(struct ctx *);
int	 fn_dns_import(struct ctx *);
/* fn_dnsio.c: the panel's DNS into zone z; notice says what was done. */
int	 dns_copy_from_panel(struct ctx *, const struct zone *, char *,
	    size_t);
int	 fn_zone_settings(struct ctx *);
int	 zsettings_check(char *, const char *, struct err *); /* validator */
int	 fn_purge(struct ctx *);
int	 fn_stats(struct ctx *);
int	 fn_pagerule_list(struct ctx *);
int	 fn_pagerule_edit(struct ctx *);
int	 fn_pagerule_delete(struct ctx *);
int	 v_pagerule_action(char *, const char *, struct err *); /* validator */
int	 fn_account(struct ctx *);
int	 fn_fw_list(struct ctx *);
int	 fn_fw_edit(struct ctx *);
int	 fn_fw_delete(struct ctx *);
int	 fn_cr_list(struct ctx *);
int	 fn_cr_edit(struct ctx *);
int	 fn_cr_delete(struct ctx *);

/* fn_token.c, also used by the account page. */
int	 token_verify(const char *, const char *, struct tokrec *,
	    struct err *);
const char *token_status_text(const char *);

#endif /* FN_H */
