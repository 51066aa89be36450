package io.lethe.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.StringJoiner;

/** Formatting helpers for the templates: times in UTC, days left, query strings of opaque filter values. */
public final class Fmt {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private Fmt() {
    }

    /** "2026-12-01 22:13 UTC", or a dash. */
    public static String time(Instant t) {
        return t == null ? "–" : TIME.format(t) + " UTC";
    }

    public static String day(Instant t) {
        return t == null ? "–" : DAY.format(t);
    }

    /** Whole days until {@code due} (negative: overdue), rounded towards the deadline's side. */
    public static long daysLeft(Instant due, Instant now) {
        long hours = Duration.between(now, due).toHours();
        return hours >= 0 ? hours / 24 : -((-hours + 23) / 24);
    }

    /** "3 days left", "due today", "2 days overdue". */
    public static String left(Instant due, Instant now) {
        long d = daysLeft(due, now);
        if (due.isBefore(now)) {
            return (d == 0 ? 1 : -d) + (d == -1 || d == 0 ? " day" : " days") + " overdue";
        }
        return d == 0 ? "due today" : d + (d == 1 ? " day" : " days") + " left";
    }

    /** The first characters of an opaque id, for tables (the full id is the link's target and title). */
    public static String shortId(String id) {
        return id == null ? "–" : id.length() <= 8 ? id : id.substring(0, 8) + "…";
    }

    public static String orDash(Object value) {
        return value == null || value.toString().isEmpty() ? "–" : value.toString();
    }

    /** A query string ("?a=1&b=2") of the non-empty values, URL-encoded; empty when there are none. */
    public static String query(Map<String, ?> params) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        params.forEach((k, v) -> {
            if (v != null && !v.toString().isEmpty()) {
                q.add(k + "=" + URLEncoder.encode(v.toString(), StandardCharsets.UTF_8));
            }
        });
        return q.toString();
    }
}
