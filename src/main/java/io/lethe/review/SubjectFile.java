package io.lethe.review;

import java.util.List;
import java.util.Optional;

import io.lethe.dispatch.Outbox;
import io.lethe.register.ConsentEvent;
import io.lethe.register.ConsentRegister;
import io.lethe.register.ConsentState;
import io.lethe.register.IdentityKind;
import io.lethe.requests.DataSubjectRequest;
import io.lethe.requests.RequestService;

/**
 * A subject as the console shows it. Look-up by e-mail or external id goes through the register's keyed hash (the
 * same as {@code POST /subjects/lookup}); current consent is what a marketer may see; everything else (history with
 * evidence, each vendor's last command, the requests) is opened only with a reason, written to the
 * {@link PersonalDataAccessLog} first, so there is no look without its log line.
 */
public final class SubjectFile {

    /** The requests shown per subject: a person files few; more would be a sign of abuse, listed on the requests page. */
    static final int MAX_REQUESTS = 100;

    private final ConsentRegister register;
    private final Outbox outbox;
    private final RequestService requests;
    private final PersonalDataAccessLog accessLog;

    public SubjectFile(ConsentRegister register, Outbox outbox, RequestService requests, PersonalDataAccessLog accessLog) {
        this.register = register;
        this.outbox = outbox;
        this.requests = requests;
        this.accessLog = accessLog;
    }

    /** Everything opened about one subject; the identities themselves are not shown (they are what was typed). */
    public record Opened(String subjectId, List<ConsentState> current, List<ConsentEvent> history,
            List<Outbox.LastCommand> vendors, List<DataSubjectRequest> requests, PersonalDataAccessLog.Entry logged) {
    }

    /** The subject the typed identity names; empty when the value is no valid identity of that kind, or unknown. */
    public Optional<String> find(IdentityKind kind, String typed) {
        if (typed == null) {
            return Optional.empty();
        }
        return kind.normalise(typed.strip()).flatMap(value -> register.findSubject(kind, value));
    }

    /** Current consent per purpose (no evidence): what every console role may see. Empty when unknown. */
    public Optional<List<ConsentState>> current(String subjectId) {
        return register.currentConsents(subjectId);
    }

    /**
     * Writes the opening to the access log, then reads the subject's file. Empty (and nothing logged) for an unknown
     * subject; {@link IllegalArgumentException} for a missing reason.
     */
    public Optional<Opened> open(String subjectId, String viewer, String viewerRole, String reason) {
        PersonalDataAccessLog.reasonProblem(reason).ifPresent(p -> {
            throw new IllegalArgumentException("reason " + p);
        });
        if (subjectId == null || !register.exists(subjectId)) {
            return Optional.empty();
        }
        PersonalDataAccessLog.Entry logged = accessLog.record(viewer, viewerRole, subjectId, reason);
        List<ConsentState> current = register.currentConsents(subjectId).orElse(List.of());
        List<ConsentEvent> history = register.history(subjectId).orElse(List.of());
        return Optional.of(new Opened(subjectId, current, history, outbox.lastCommands(subjectId),
                requests.ofSubject(subjectId, MAX_REQUESTS), logged));
    }
}
