package io.lethe.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.register.ConsentStatus;
import io.lethe.register.Evidence;
import io.lethe.register.IdentityKind;
import io.lethe.register.LawfulBasis;
import io.lethe.register.NewConsent;
import io.lethe.register.Purposes;

/** Turns a consent event body into a {@link NewConsent}, or into the list of every field at fault. */
public final class ConsentRequests {

    static final Set<String> EVENT_FIELDS = Set.of("subject", "purpose", "status", "lawfulBasis", "source", "capturedAt",
            "evidence");
    static final Set<String> SUBJECT_FIELDS = Set.of("email", "externalId", "phone");
    static final Set<String> EVIDENCE_FIELDS = Set.of("noticeVersion", "ip", "userAgent");
    /** Clients' clocks drift; a capture a little ahead of ours is not "in the future". */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    /** No consent register predates the web: an earlier capture is a typo or a forged date, not evidence. */
    static final Instant EARLIEST_CAPTURE = Instant.parse("1990-01-01T00:00:00Z");
    private static final Pattern IPV4 = Pattern.compile(
            "^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
    private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");

    private final Purposes purposes;
    private final Clock clock;

    public ConsentRequests(Purposes purposes, Clock clock) {
        this.purposes = purposes;
        this.clock = clock;
    }

    /** Parses one event; {@code prefix} is the JSON path of the event ("" or "events[3]."). */
    Optional<NewConsent> parse(JsonNode event, String prefix, String defaultSource, FieldErrors errors) {
        int before = errors.size();
        if (!event.isObject()) {
            errors.add(prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1), "must be a JSON object");
            return Optional.empty();
        }
        errors.rejectUnknown(event, prefix, EVENT_FIELDS);
        Map<IdentityKind, String> identities = identities(event.get("subject"), prefix + "subject", errors);

        String purpose = errors.text(event, "purpose", prefix, true, 64);
        if (purpose != null && !purposes.contains(purpose)) {
            errors.add(prefix + "purpose", "unknown purpose; configured purposes are " + String.join(", ",
                    purposes.names().stream().sorted().toList()));
        }
        String statusText = errors.text(event, "status", prefix, true, 16);
        ConsentStatus status = statusText == null ? null : ConsentStatus.ofWire(statusText).orElse(null);
        if (statusText != null && status == null) {
            errors.add(prefix + "status", "must be granted, denied or withdrawn");
        }
        String lawfulBasis = errors.text(event, "lawfulBasis", prefix, false, 32);
        if (lawfulBasis != null && !LawfulBasis.ALL.contains(lawfulBasis)) {
            errors.add(prefix + "lawfulBasis", "must be one of " + String.join(", ", LawfulBasis.ALL.stream().sorted().toList()));
        }
        String source = errors.text(event, "source", prefix, false, 128);
        Instant capturedAt = capturedAt(event, prefix, errors);
        Evidence evidence = evidence(event.get("evidence"), prefix + "evidence", errors);

        if (errors.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new NewConsent(identities, purpose, status,
                lawfulBasis == null ? LawfulBasis.CONSENT : lawfulBasis, source == null ? defaultSource : source,
                capturedAt, evidence, source != null));
    }

    /** Parses a {@code subject} object (also the lookup body): at least one identity, each valid. */
    /**
     * The one identity of a body such as {@code {"email": …}} (look-up, explicit link); a 400 naming the field when
     * it is invalid, or when there is not exactly one.
     */
    static Map.Entry<IdentityKind, String> singleIdentity(JsonNode body) {
        FieldErrors errors = new FieldErrors();
        Map<IdentityKind, String> identities = identities(body, "", errors);
        if (errors.isEmpty() && identities.size() != 1) {
            errors.add("body", "give exactly one of email, externalId, phone");
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.list());
        }
        return identities.entrySet().iterator().next();
    }

    static Map<IdentityKind, String> identities(JsonNode subject, String field, FieldErrors errors) {
        Map<IdentityKind, String> identities = new EnumMap<>(IdentityKind.class);
        if (subject == null || subject.isNull()) {
            errors.add(field, "is required");
            return identities;
        }
        if (!subject.isObject()) {
            errors.add(field, "must be an object with email, externalId or phone");
            return identities;
        }
        String prefix = field.isEmpty() ? "" : field + ".";
        int before = errors.size();
        errors.rejectUnknown(subject, prefix, SUBJECT_FIELDS);
        for (IdentityKind kind : IdentityKind.values()) {
            String raw = errors.text(subject, kind.field(), prefix, false, 320);
            if (raw != null) {
                kind.normalise(raw).ifPresentOrElse(v -> identities.put(kind, v),
                        () -> errors.add(prefix + kind.field(), "is not a valid " + describe(kind)));
            }
        }
        if (identities.isEmpty() && errors.size() == before) {
            errors.add(field.isEmpty() ? "body" : field, "needs at least one of email, externalId, phone");
        }
        return identities;
    }

    private static String describe(IdentityKind kind) {
        return switch (kind) {
            case EMAIL -> "e-mail address";
            case EXTERNAL_ID -> "external id (1-200 visible characters)";
            case PHONE -> "phone number in E.164 form (+4915123456789)";
        };
    }

    private Instant capturedAt(JsonNode event, String prefix, FieldErrors errors) {
        String text = errors.text(event, "capturedAt", prefix, false, 64);
        Instant now = clock.instant();
        if (text == null) {
            return now;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(prefix + "capturedAt", "must be an ISO-8601 date-time with offset, e.g. 2026-11-28T10:00:00Z");
            return null;
        }
        if (at.isAfter(now.plus(CLOCK_SKEW))) {
            errors.add(prefix + "capturedAt", "must not be in the future");
            return null;
        }
        if (at.isBefore(EARLIEST_CAPTURE)) {
            errors.add(prefix + "capturedAt", "must not be before " + EARLIEST_CAPTURE);
            return null;
        }
        return at;
    }

    private static Evidence evidence(JsonNode evidence, String field, FieldErrors errors) {
        if (evidence == null || evidence.isNull()) {
            return Evidence.NONE;
        }
        if (!evidence.isObject()) {
            errors.add(field, "must be an object with noticeVersion, ip, userAgent");
            return Evidence.NONE;
        }
        String prefix = field + ".";
        errors.rejectUnknown(evidence, prefix, EVIDENCE_FIELDS);
        String notice = errors.text(evidence, "noticeVersion", prefix, false, 64);
        String ip = errors.text(evidence, "ip", prefix, false, 45);
        if (ip != null && !isIpLiteral(ip)) {
            errors.add(prefix + "ip", "must be an IPv4 or IPv6 address");
        }
        String userAgent = errors.text(evidence, "userAgent", prefix, false, 1024);
        return new Evidence(notice, ip, userAgent);
    }

    static boolean isIpLiteral(String ip) {
        if (IPV4.matcher(ip).matches()) {
            return true;
        }
        if (!ip.contains(":") || !IPV6_CHARS.matcher(ip).matches()) {
            return false; // never let a host name reach InetAddress: that would be a DNS lookup
        }
        try {
            InetAddress.getByName(ip);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
