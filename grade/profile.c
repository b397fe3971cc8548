/*
 * profile.c - a teacher's weights: which cases an exercise requires, which
 * count for points only, which it does not ask (docs/grading.md).
 *
 *   # step 3: a process per client
 *   *                           1  optional
 *   request/get                 5  required
 *   concurrency/second-client   5  required
 *   concurrency/idle-1000       0  skip
 *
 * One rule a line: an id or the start of ids ("*": every case), the points
 * a pass earns, and its need: required (anything but a pass fails the
 * grade), level (as without a profile: a MUST is required, a SHOULD with
 * --strict, a lesson is not), optional, or skip. The longest pattern that
 * matches a case is its rule, so a line for one case overrides its
 * section's, whatever their order.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"

#define MAX_POINTS 1000

static bool matches(const char *pattern, const char *id)
{
	return strcmp(pattern, "*") == 0 || strncmp(id, pattern, strlen(pattern)) == 0;
}

static bool matches_a_case(const char *pattern)
{
	for (size_t i = 0; i < grade_case_count; i++)
		if (matches(pattern, grade_cases[i].id))
			return true;
	return false;
}

static bool parse_need(const char *word, enum need *need)
{
	if (strcmp(word, "required") == 0)
		*need = NEED_REQUIRED;
	else if (strcmp(word, "optional") == 0)
		*need = NEED_OPTIONAL;
	else if (strcmp(word, "skip") == 0)
		*need = NEED_SKIP;
	else if (strcmp(word, "level") == 0)
		*need = NEED_LEVEL;
	else
		return false;
	return true;
}

/* One line into a rule: false with *why set if it is wrong; *blank for a
 * line with nothing on it but a comment. */
static bool parse_rule(char *line, struct profile_rule *rule, bool *blank, const char **why)
{
	char *hash = strchr(line, '#'), *words[4], *save = NULL, *end;
	int nwords = 0;
	long points;

	if (hash)
		*hash = '\0';
	for (char *w = strtok_r(line, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save))
		if (nwords < 4)
			words[nwords++] = w;
		else
			nwords = 5;
	*blank = nwords == 0;
	if (*blank)
		return true;
	if (nwords != 3) {
		*why = "want three words: CASE-OR-PREFIX POINTS required|level|optional|skip";
		return false;
	}
	if (strlen(words[0]) >= sizeof(rule->pattern)) {
		*why = "the pattern is longer than any case id";
		return false;
	}
	points = strtol(words[1], &end, 10);
	if (end == words[1] || *end != '\0' || !isdigit((unsigned char)words[1][0]) ||
	    points > MAX_POINTS) {
		*why = "the points must be a whole number from 0 to 1000";
		return false;
	}
	if (!parse_need(words[2], &rule->weight.need)) {
		*why = "the need must be required, level, optional or skip";
		return false;
	}
	if (!matches_a_case(words[0])) {
		*why = "no case has this id or starts with it (grade --list shows them)";
		return false;
	}
	snprintf(rule->pattern, sizeof(rule->pattern), "%s", words[0]);
	rule->weight.points = (int)points;
	rule->weight.by_profile = true;
	return true;
}

bool grade_profile_load(const char *path, struct profile *p)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int lineno = 0, cap = 0;
	bool ok = true;

	*p = (struct profile){ .path = path };
	if (f == NULL) {
		perror(path);
		return false;
	}
	while (ok && fgets(line, sizeof(line), f)) {
		struct profile_rule rule;
		const char *why = NULL;
		bool blank;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f))
			why = "the line is too long";
		else if (!parse_rule(line, &rule, &blank, &why))
			;
		else if (blank)
			continue;
		for (int r = 0; why == NULL && r < p->nrules; r++)
			if (strcmp(p->rules[r].pattern, rule.pattern) == 0)
				why = "a second rule for the same pattern";
		if (why) {
			fprintf(stderr, "%s:%d: %s\n", path, lineno, why);
			ok = false;
			break;
		}
		if (p->nrules == cap) {
			struct profile_rule *more;

			cap = cap ? cap * 2 : 16;
			more = realloc(p->rules, (size_t)cap * sizeof(*more));
			if (more == NULL) {
				fprintf(stderr, "%s: out of memory\n", path);
				ok = false;
				break;
			}
			p->rules = more;
		}
		p->rules[p->nrules++] = rule;
	}
	if (ok && ferror(f)) {
		perror(path);
		ok = false;
	}
	fclose(f);
	if (!ok)
		grade_profile_free(p);
	return ok;
}

void grade_profile_free(struct profile *p)
{
	free(p->rules);
	p->rules = NULL;
	p->nrules = 0;
}

struct weight grade_weight(const struct profile *p, const struct grade_case *gc, bool strict)
{
	bool by_level = gc->level == LEVEL_MUST || (strict && gc->level == LEVEL_SHOULD);
	struct weight w = { 1, by_level ? NEED_REQUIRED : NEED_OPTIONAL, false };
	size_t best = 0;
	bool found = false;

	for (int r = 0; p && r < p->nrules; r++) {
		const char *pattern = p->rules[r].pattern;
		size_t len = strcmp(pattern, "*") == 0 ? 0 : strlen(pattern);

		if (matches(pattern, gc->id) && (!found || len > best)) {
			w = p->rules[r].weight;
			best = len;
			found = true;
		}
	}
	if (w.need == NEED_LEVEL)
		w = (struct weight){ w.points, by_level ? NEED_REQUIRED : NEED_OPTIONAL, false };
	return w;
}

bool grade_profile_names(const struct profile *p, const struct grade_case *gc)
{
	bool named = false;

	for (int r = 0; p && r < p->nrules; r++)
		if (strcmp(p->rules[r].pattern, "*") != 0 && matches(p->rules[r].pattern, gc->id))
			named = true;
	return named && grade_weight(p, gc, false).need != NEED_SKIP;
}
