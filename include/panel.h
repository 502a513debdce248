/*
 * The panel side: what ispmanager knows about a user's domains,
 * asked through mgrctl (execv, never a shell) and reduced to
 * registrable domains with the Public Suffix List.
 */
#ifndef PANEL_H
#define PANEL_H

#include <stddef.h>

struct err;

struct domain {
	char	*name;		/* registrable domain, lower case */
	char	*owner;		/* panel user, or NULL */
};

struct domlist {
	struct domain	*v;
	size_t		 n;
};

struct precord {		/* a record of the panel's own DNS */
	char	*name, *type, *value;
	long	 ttl;
};

struct precords {
	struct precord	*v;
	size_t		 n;
};

void	 panel_init(const char *);
/* user NULL: every user's domains, with owners (admins). */
int	 panel_domains(const char *, struct domlist *, struct err *);
int	 panel_records(const char *, struct precords *, struct err *);
void	 domlist_free(struct domlist *);
void	 precords_free(struct precords *);
const struct domain *domlist_find(const struct domlist *, const char *);

/* Exposed for tests and fuzzing. */
struct json;
int	 panel_parse_list(const char *, size_t,
	    int (*)(void *, const struct json *), void *, struct err *);
const char *panel_value(const struct json *, const char *);
int	 domlist_add(struct domlist *, const char *, const char *);
char	*registrable_domain(const char *);

#endif /* PANEL_H */
