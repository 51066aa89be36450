package io.lethe.connectors.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.lethe.connectors.ConnectorDescriptor.ErrorRule;
import io.lethe.connectors.ConnectorDescriptor.RetryAfter;
import io.lethe.connectors.VendorException;
import io.lethe.connectors.VendorText;

/**
 * What a vendor's answer means, by the file's {@code client.errors} rules and then the defaults (429, 408 and 5xx:
 * retry; other 4xx: permanent). A successful or not-found answer is returned; anything else is thrown as the
 * {@link VendorException} dispatch acts on. Messages hold statuses and vendor codes only, never a body.
 */
public final class AnswerRules {

    /** What the answer is, when it is not a failure. */
    public enum Verdict { OK, NOT_FOUND }

    private static final List<ErrorRule> DEFAULTS = List.of(
            new ErrorRule(Set.of(429, 408), null, null, null, "retry", null, List.of()),
            new ErrorRule(range(500, 599), null, null, null, "retry", null, List.of()),
            new ErrorRule(range(400, 499), null, null, null, "permanent", null, List.of()));
    private final Clock clock;

    public AnswerRules(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param notFound statuses the operation declares as "not held"
     */
    public Verdict judge(String what, List<ErrorRule> rules, List<Integer> notFound, VendorAnswer answer) {
        int s = answer.status();
        if (notFound.contains(s)) {
            return Verdict.NOT_FOUND;
        }
        List<ErrorRule> all = new ArrayList<>(rules);
        all.addAll(DEFAULTS);
        for (ErrorRule rule : all) {
            if (matches(rule, answer)) {
                return apply(what, rule, answer);
            }
        }
        return Verdict.OK;
    }

    private static boolean matches(ErrorRule rule, VendorAnswer answer) {
        if (!rule.statuses().isEmpty() && !rule.statuses().contains(answer.status())) {
            return false;
        }
        if (rule.statuses().isEmpty() && answer.status() < 300 && rule.bodyPath() == null && rule.header() == null) {
            return false;
        }
        if (rule.header() != null && answer.header(rule.header()) == null) {
            return false;
        }
        if (rule.bodyPath() != null) {
            List<String> values = JsonPaths.texts(JsonPaths.parse(answer.body()), rule.bodyPath());
            java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(
                    rule.bodyMatches() == null ? ".+" : rule.bodyMatches(), java.util.regex.Pattern.DOTALL);
            return values.stream().anyMatch(v -> pattern.matcher(v).matches());
        }
        return true;
    }

    private Verdict apply(String what, ErrorRule rule, VendorAnswer answer) {
        int s = answer.status();
        String code = rule.bodyPath() == null ? "" : " (" + VendorText.code(
                JsonPaths.first(JsonPaths.parse(answer.body()), rule.bodyPath())) + ")";
        return switch (rule.action()) {
            case "ok" -> Verdict.OK;
            case "notFound" -> Verdict.NOT_FOUND;
            case "park" -> {
                Duration until = rule.retryAfter().isEmpty() ? null : retryAfter(rule.retryAfter(), answer);
                throw new VendorException.LimitExhausted(what + " answered " + s + code + ": limit reached", s,
                        until != null ? until : rule.parkFor() != null ? rule.parkFor() : Duration.ofHours(1));
            }
            case "retry" -> throw new VendorException.Transient(what + " answered " + s + code, s,
                    retryAfter(rule.retryAfter(), answer), null);
            default -> throw new VendorException.Permanent(what + " refused the call with " + s + code, s);
        };
    }

    /** Retry-After first (seconds or HTTP date), then the rule's own headers; null when the vendor did not say. */
    Duration retryAfter(List<RetryAfter> sources, VendorAnswer answer) {
        List<RetryAfter> all = new ArrayList<>();
        all.add(new RetryAfter("Retry-After", "seconds"));
        all.addAll(sources);
        for (RetryAfter source : all) {
            String value = answer.header(source.header());
            if (value == null || value.isBlank()) {
                continue;
            }
            Duration d = read(value.strip(), source.unit());
            if (d != null) {
                return d.isNegative() ? Duration.ZERO : d;
            }
        }
        return null;
    }

    private Duration read(String value, String unit) {
        try {
            return switch (unit) {
                case "millis" -> Duration.ofMillis(Long.parseLong(value));
                case "epochSeconds" -> Duration.between(clock.instant(), Instant.ofEpochSecond(Long.parseLong(value)));
                case "httpDate" -> httpDate(value);
                default -> value.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(value)) : httpDate(value);
            };
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private Duration httpDate(String value) {
        return Duration.between(clock.instant(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    }

    private static Set<Integer> range(int from, int to) {
        Set<Integer> s = new java.util.HashSet<>();
        for (int i = from; i <= to; i++) {
            s.add(i);
        }
        return Set.copyOf(s);
    }
}
