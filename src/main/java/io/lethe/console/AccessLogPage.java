package io.lethe.console;

import java.util.List;
import java.util.regex.Pattern;

import io.lethe.review.PersonalDataAccessLog;
import org.apache.camel.Exchange;

/**
 * {@code GET /console/access-log}: who opened whose personal data, when and why, newest first; filter by subject id
 * (opaque, so a GET), paged by seq ({@code before}).
 */
public final class AccessLogPage {

    static final int PAGE = 100;
    private static final Pattern SUBJECT_ID = Pattern.compile("^[0-9a-f-]{36}$");

    public record View(Frame frame, String subjectId, List<PersonalDataAccessLog.Entry> entries, Long nextBefore) {

        /** The next page's address: opaque values only. */
        public String older() {
            return "/console/access-log?before=" + nextBefore + (subjectId == null ? "" : "&subjectId=" + subjectId);
        }
    }

    private final PersonalDataAccessLog log;
    private final ConsoleView view;

    public AccessLogPage(PersonalDataAccessLog log, ConsoleView view) {
        this.log = log;
        this.view = view;
    }

    public void show(Exchange exchange) {
        String subjectId = exchange.getMessage().getHeader("subjectId", String.class);
        if (subjectId != null && (subjectId.isBlank() || !SUBJECT_ID.matcher(subjectId).matches())) {
            subjectId = null;
        }
        Long before = null;
        String b = exchange.getMessage().getHeader("before", String.class);
        if (b != null && b.matches("^[0-9]{1,18}$")) {
            before = Long.parseLong(b);
        }
        List<PersonalDataAccessLog.Entry> page = log.page(before, subjectId, PAGE + 1);
        Long next = page.size() > PAGE ? page.get(PAGE - 1).seq() : null;
        view.page(exchange, 200, "access-log", new View(Frame.of(exchange, "Access log", "/console/access-log"),
                subjectId, page.subList(0, Math.min(PAGE, page.size())), next));
    }
}
