/*
 * report.c - what a grade says: on the terminal, and in the files other
 * tools read (docs/grading.md): grade.json, JUnit XML for any CI,
 * Gradescope's results.json, and a static index.html with the servers as
 * columns and the cases as rows.
 *
 * Every report reads the same results: a case that was not asked
 * (--case, or skip in the profile) is in none of them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "grade.h"

const char *grade_verdict_names[] = { "pass", "non-strict", "fail", "informational",
				      "not implemented" };
const char *grade_level_names[] = { "MUST", "SHOULD", "lesson" };
const char *grade_need_names[] = { "required", "optional", "skip", "level" };

/* A case the server lacks the route for costs nothing unless required
 * (and then it is a FAIL, not "not implemented"). */
static int max_points(const struct result *r)
{
	return r->verdict == NOT_IMPLEMENTED ? 0 : r->weight.points;
}

static int points(const struct result *r)
{
	return r->verdict == PASS ? r->weight.points : 0;
}

void grade_total(struct target *t)
{
	t->points = t->max_points = 0;
	t->required_failed = false;
	for (size_t i = 0; i < grade_case_count; i++) {
		const struct result *r = &t->results[i];

		if (!r->ran)
			continue;
		t->points += points(r);
		t->max_points += max_points(r);
		/* An optional case can fail (a MUST the profile lets go). */
		if (r->weight.need == NEED_REQUIRED && r->verdict == FAIL)
			t->required_failed = true;
	}
}

void grade_print(const struct target *t, const struct profile *profile)
{
	char sections[16][32];
	int passed[16] = { 0 }, counted[16] = { 0 }, nsections = 0, s;

	printf("\n== %s\n", t->spec);
	for (size_t i = 0; i < grade_case_count; i++) {
		const struct grade_case *gc = &grade_cases[i];
		const struct result *r = &t->results[i];
		char section[32];

		if (!r->ran)
			continue;
		grade_section(gc, section, sizeof(section));
		for (s = 0; s < nsections && strcmp(sections[s], section) != 0; s++)
			;
		if (s == nsections && nsections < 16)
			snprintf(sections[nsections++], sizeof(sections[0]), "%s", section);
		if (r->verdict != NOT_IMPLEMENTED) {
			counted[s]++;
			passed[s] += r->verdict == PASS;
		}
		printf("%-16s %-44s %s", grade_verdict_names[r->verdict], gc->id,
		       grade_level_names[gc->level]);
		if (profile->path)
			printf("%*s %d/%d %s", 6 - (int)strlen(grade_level_names[gc->level]), "",
			       points(r), max_points(r), grade_need_names[r->weight.need]);
		printf("\n");
		if (r->verdict == PASS && gc->measures) {
			printf("    measured:    %s\n", r->actual);
		} else if (r->verdict != PASS) {
			printf("    requirement: %s\n", gc->requirement);
			if (r->sent[0])
				printf("    sent:        %s\n", r->sent);
			if (r->expected[0])
				printf("    expected:    %s\n", r->expected);
			printf("    actual:      %s\n", r->actual);
		}
	}
	printf("-- score:");
	for (s = 0; s < nsections; s++)
		printf(" %s %d/%d", sections[s], passed[s], counted[s]);
	printf("%s\n", t->required_failed ? "; a required case failed" : "");
	printf("-- points: %d/%d%s%s, in %.1f s\n", t->points, t->max_points,
	       profile->path ? " by " : "", profile->path ? profile->path : "",
	       (double)t->ms / 1000);
}

/* ---------------------------------------------------------------- JSON */

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* "sent/expected/actual" as one text, for the reports with one field. */
static void explain(FILE *f, const struct grade_case *gc, const struct result *r,
		    void (*text)(FILE *, const char *))
{
	char line[1400];

	snprintf(line, sizeof(line), "%s: %s\nrequirement: %s\n%s%s%s%s%s%sactual: %s",
		 grade_verdict_names[r->verdict], gc->id, gc->requirement,
		 r->sent[0] ? "sent: " : "", r->sent, r->sent[0] ? "\n" : "",
		 r->expected[0] ? "expected: " : "", r->expected, r->expected[0] ? "\n" : "",
		 r->actual[0] ? r->actual : "as expected");
	text(f, line);
}

static FILE *open_report(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		perror(path);
	return f;
}

static void close_report(FILE *f, const char *path)
{
	if (ferror(f) | fclose(f))
		perror(path);
}

void grade_write_json(const char *path, const struct target *targets, int ntargets)
{
	FILE *f = open_report(path);

	if (f == NULL)
		return;
	fprintf(f, "{\"targets\": [");
	for (int t = 0; t < ntargets; t++) {
		const struct target *tg = &targets[t];
		bool first = true;

		fprintf(f, "%s\n {\"target\": ", t ? "," : "");
		json_string(f, tg->spec);
		fprintf(f,
			", \"points\": %d, \"max_points\": %d, \"required_failed\": %s, "
			"\"seconds\": %.1f, \"cases\": [",
			tg->points, tg->max_points, tg->required_failed ? "true" : "false",
			(double)tg->ms / 1000);
		for (size_t i = 0; i < grade_case_count; i++) {
			const struct grade_case *gc = &grade_cases[i];
			const struct result *r = &tg->results[i];
			char section[32];

			if (!r->ran)
				continue;
			grade_section(gc, section, sizeof(section));
			fprintf(f,
				"%s\n  {\"id\": \"%s\", \"section\": \"%s\", \"level\": \"%s\", "
				"\"verdict\": \"%s\", \"need\": \"%s\", \"points\": %d, "
				"\"max_points\": %d, \"ms\": %ld, \"requirement\": ",
				first ? "" : ",", gc->id, section, grade_level_names[gc->level],
				grade_verdict_names[r->verdict], grade_need_names[r->weight.need],
				points(r), max_points(r), r->ms);
			json_string(f, gc->requirement);
			fprintf(f, ", \"sent\": ");
			json_string(f, r->sent);
			fprintf(f, ", \"expected\": ");
			json_string(f, r->expected);
			fprintf(f, ", \"actual\": ");
			json_string(f, r->actual);
			fprintf(f, "}");
			first = false;
		}
		fprintf(f, "]}");
	}
	fprintf(f, "\n]}\n");
	close_report(f, path);
}

/* Gradescope's autograder contract: results.json with the score and one
 * test per case, for one submission (so one target). */
void grade_write_gradescope(const char *path, const struct target *t)
{
	FILE *f = open_report(path);
	bool first = true;
	int number = 0;
	char summary[200];

	if (f == NULL)
		return;
	snprintf(summary, sizeof(summary), "%d of %d points%s", t->points, t->max_points,
		 t->required_failed ? "; a required case failed" : "");
	fprintf(f, "{\"score\": %d, \"execution_time\": %ld, \"output\": ", t->points,
		(t->ms + 999) / 1000);
	json_string(f, summary);
	fprintf(f, ", \"visibility\": \"visible\", \"tests\": [");
	for (size_t i = 0; i < grade_case_count; i++) {
		const struct grade_case *gc = &grade_cases[i];
		const struct result *r = &t->results[i];
		char section[32];

		if (!r->ran)
			continue;
		grade_section(gc, section, sizeof(section));
		fprintf(
		    f,
		    "%s\n {\"name\": \"%s\", \"number\": \"%d\", \"score\": %d, \"max_score\": %d",
		    first ? "" : ",", gc->id, ++number, points(r), max_points(r));
		/* A case that costs nothing is neither: Gradescope shows 0/0. */
		if (max_points(r) > 0 || r->verdict == PASS)
			fprintf(f, ", \"status\": \"%s\"",
				r->verdict == PASS ? "passed" : "failed");
		fprintf(f,
			", \"tags\": [\"%s\", \"%s\"], \"visibility\": \"visible\", \"output\": ",
			section, grade_level_names[gc->level]);
		explain(f, gc, r, json_string);
		fprintf(f, "}");
		first = false;
	}
	fprintf(f, "\n]}\n");
	close_report(f, path);
}

/* ---------------------------------------------------------------- XML, HTML */

/* Escaped for an element's text or an attribute; control bytes (which a
 * case's bytes are shown without: grade_escape) are dropped. */
static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else if ((unsigned char)*s >= 0x20 || *s == '\n')
			fputc(*s, f);
	}
}

void grade_write_junit(const char *path, const struct target *targets, int ntargets)
{
	FILE *f = open_report(path);

	if (f == NULL)
		return;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	for (int t = 0; t < ntargets; t++) {
		int tests = 0, failures = 0;

		for (size_t i = 0; i < grade_case_count; i++)
			if (targets[t].results[i].ran) {
				tests++;
				failures += targets[t].results[i].verdict == FAIL;
			}
		fprintf(f, " <testsuite name=\"");
		xml_text(f, targets[t].spec);
		fprintf(f, "\" tests=\"%d\" failures=\"%d\" time=\"%.1f\">\n", tests, failures,
			(double)targets[t].ms / 1000);
		for (size_t i = 0; i < grade_case_count; i++) {
			const struct grade_case *gc = &grade_cases[i];
			const struct result *r = &targets[t].results[i];
			char section[32];

			if (!r->ran)
				continue;
			grade_section(gc, section, sizeof(section));
			fprintf(f, "  <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\">",
				section, gc->id, (double)r->ms / 1000);
			if (r->verdict == FAIL) {
				fprintf(f, "<failure message=\"");
				xml_text(f, gc->requirement);
				fprintf(f, "\">");
				explain(f, gc, r, xml_text);
				fprintf(f, "</failure>");
			} else if (r->verdict == NOT_IMPLEMENTED) {
				fprintf(f, "<skipped message=\"not implemented\"/>");
			}
			fprintf(f, "</testcase>\n");
		}
		fprintf(f, " </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
	close_report(f, path);
}

static const char *verdict_classes[] = { "pass", "nonstrict", "fail", "info", "notimpl" };

static void html_cell(FILE *f, const struct grade_case *gc, const struct result *r)
{
	if (!r->ran) {
		fprintf(f, "<td class=\"none\">-</td>");
		return;
	}
	fprintf(f, "<td class=\"%s\">", verdict_classes[r->verdict]);
	if (r->verdict == PASS && !gc->measures) {
		fprintf(f, "pass</td>");
		return;
	}
	fprintf(f, "<details><summary>%s</summary><pre>", grade_verdict_names[r->verdict]);
	explain(f, gc, r, xml_text);
	fprintf(f, "</pre></details></td>");
}

void grade_write_html(const char *path, const struct target *targets, int ntargets,
		      const struct profile *profile)
{
	FILE *f = open_report(path);
	char when[64], last_section[32] = "";
	time_t now = time(NULL);

	if (f == NULL)
		return;
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	fprintf(
	    f,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<title>c10k-lab grade</title>\n<style>\n"
	    "body { font-family: sans-serif; margin: 2em auto; padding: 0 1em; color: #222; "
	    "line-height: 1.45; max-width: 1400px; }\n"
	    "table { border-collapse: collapse; font-size: 0.85em; }\n"
	    "th, td { border: 1px solid #ccc; padding: 2px 6px; vertical-align: top; }\n"
	    "th.section { background: #eee; text-align: left; }\n"
	    "td.id { max-width: 32em; } td.id small { color: #555; }\n"
	    "td.pass { background: #d8f0d0; } td.fail { background: #f6c8c0; }\n"
	    "td.nonstrict { background: #f8ecb8; } td.info { background: #d8e4f4; }\n"
	    "td.notimpl { background: #eee; color: #666; } td.none { color: #aaa; }\n"
	    "pre { white-space: pre-wrap; max-width: 40em; margin: 0.3em 0; font-size: 0.95em; }\n"
	    "</style></head><body>\n<h1>c10k-lab: one grade</h1>\n<p>%s",
	    when);
	if (profile->path) {
		fprintf(f, ", weighed by the profile ");
		xml_text(f, profile->path);
	}
	fprintf(f, ". Verdicts: <b>pass</b>; <b>fail</b> (a MUST, or a case the profile "
		   "requires); <b>non-strict</b> (a SHOULD; --strict fails it); "
		   "<b>informational</b> (a lesson of the ladder); <b>not implemented</b> (the "
		   "server has no route the case needs; it costs nothing unless required). A "
		   "cell that did not pass opens to what was sent, expected and seen.</p>\n");
	fprintf(f, "<table>\n<tr><th>server</th><th>points</th><th>took</th></tr>\n");
	for (int t = 0; t < ntargets; t++) {
		fprintf(f, "<tr><td>");
		xml_text(f, targets[t].spec);
		fprintf(f, "</td><td class=\"%s\">%d/%d%s</td><td>%.1f s</td></tr>\n",
			targets[t].required_failed ? "fail" : "pass", targets[t].points,
			targets[t].max_points,
			targets[t].required_failed ? ", a required case failed" : "",
			(double)targets[t].ms / 1000);
	}
	fprintf(f, "</table>\n<table id=\"cases\">\n<tr><th>case</th><th>level</th>");
	for (int t = 0; t < ntargets; t++) {
		fprintf(f, "<th>");
		xml_text(f, targets[t].spec);
		fprintf(f, "</th>");
	}
	fprintf(f, "</tr>\n");
	for (size_t i = 0; i < grade_case_count; i++) {
		const struct grade_case *gc = &grade_cases[i];
		char section[32];
		bool asked = false;

		for (int t = 0; t < ntargets; t++)
			asked |= targets[t].results[i].ran;
		if (!asked)
			continue;
		grade_section(gc, section, sizeof(section));
		if (strcmp(section, last_section) != 0) {
			fprintf(f, "<tr><th class=\"section\" colspan=\"%d\">%s</th></tr>\n",
				ntargets + 2, section);
			snprintf(last_section, sizeof(last_section), "%s", section);
		}
		fprintf(f, "<tr id=\"%s\"><td class=\"id\"><code>%s</code><br><small>", gc->id,
			gc->id);
		xml_text(f, gc->requirement);
		fprintf(f, "</small></td><td>%s</td>", grade_level_names[gc->level]);
		for (int t = 0; t < ntargets; t++)
			html_cell(f, gc, &targets[t].results[i]);
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</table>\n</body></html>\n");
	close_report(f, path);
}
