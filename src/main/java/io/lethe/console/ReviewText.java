package io.lethe.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Text helpers of the review pages' templates: times in UTC, a dash for nothing. */
public final class ReviewText {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private ReviewText() {
    }

    /** "2026-12-01 22:13 UTC", or a dash. */
    public static String time(Instant t) {
        return t == null ? "–" : TIME.format(t) + " UTC";
    }

    public static String orDash(Object value) {
        return value == null || value.toString().isEmpty() ? "–" : value.toString();
    }
}
