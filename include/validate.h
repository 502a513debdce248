/*
 * Validators.  A panel parameter validator checks (and may normalise,
 * in place) one value and names the field in its error.  The content
 * checks below them look at several fields together (a DNS record's
 * content depends on its type) and run before any Cloudflare call.
 */
#ifndef VALIDATE_H
#define VALIDATE_H

#include <stddef.h>

struct err;

typedef int (*validator)(char *, const char *, struct err *);

/* Parameter validators: value, field name, error. 0 ok, -1 bad. */
int	 v_text(char *, const char *, struct err *);	/* one line */
int	 v_multiline(char *, const char *, struct err *); /* textarea */
int	 v_onoff(char *, const char *, struct err *);
int	 v_uint(char *, const char *, struct err *);
int	 v_domain(char *, const char *, struct err *);	/* a zone name */
int	 v_domains(char *, const char *, struct err *);	/* "a, b" */
int	 v_cfid(char *, const char *, struct err *);	/* 32 hex */
int	 v_cfid_opt(char *, const char *, struct err *); /* empty = new */
int	 v_cfids(char *, const char *, struct err *);	/* "id, id" */
int	 v_token(char *, const char *, struct err *);	/* empty = clear */
int	 v_user(char *, const char *, struct err *);	/* panel user name */
int	 v_func(char *, const char *, struct err *);
int	 v_dnstype(char *, const char *, struct err *);
int	 v_dnsname(char *, const char *, struct err *);
int	 v_ttl(char *, const char *, struct err *);
int	 v_priority(char *, const char *, struct err *);
int	 v_comment(char *, const char *, struct err *);
int	 v_content(char *, const char *, struct err *);

/* Building blocks, also used on data from Cloudflare and the panel. */
int	 utf8_valid(const char *, size_t);
int	 is_hostname(const char *, int);	/* 1 = allow '_' and '*.' */
int	 is_cfid(const char *);
int	 is_ipv4(const char *);
int	 is_ipv6(const char *);
int	 parse_uint(const char *, unsigned long long, unsigned long long *);
int	 split_list(char *, char **, size_t);	/* "a, b" in place */

/* DNS content for a type; fqdn of the zone for CNAME/MX targets. */
int	 dns_check_record(const char *, const char *, const char *,
	    const char *, struct err *);
int	 dns_name_fqdn(const char *, const char *, char *, size_t,
	    struct err *);
int	 dns_proxiable(const char *);
int	 dns_has_priority(const char *);

/* Page rules (the action fields' validator is in fn_pagerule.c). */
int	 v_pagerule_url(char *, const char *, struct err *);
int	 v_pagerule_status(char *, const char *, struct err *);
int	 v_pagerule_priority(char *, const char *, struct err *);
int	 v_always_online(char *, const char *, struct err *);

/* IP access rules and cache rules. */
int	 v_fwtarget(char *, const char *, struct err *);
int	 v_fwmode(char *, const char *, struct err *);
int	 v_crmatch(char *, const char *, struct err *);
int	 v_text500(char *, const char *, struct err *);
int	 v_cachettl(char *, const char *, struct err *);
int	 v_expression(char *, const char *, struct err *);
int	 expr_check(const char *, const char *, struct err *);
int	 fw_check_value(const char *, const char *, char *, size_t, char *,
	    size_t, struct err *);

#endif /* VALIDATE_H */
