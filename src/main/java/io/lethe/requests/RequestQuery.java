package io.lethe.requests;

import java.util.Locale;

/**
 * Filters of the request list (the console's Requests page); null means "any". {@code due}: {@link Due#OVERDUE} (open
 * and past its deadline) or {@link Due#SOON} (open, due within {@code soonDays}). Paged by offset, newest first.
 */
public record RequestQuery(RequestType type, Regulation regulation, RequestStatus status, Due due, int soonDays,
        int offset, int limit) {

    /** The deadline filter. */
    public enum Due {
        OVERDUE, SOON;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Statuses whose deadline still runs: the request waits on the hub, a vendor, the person or an operator. */
    public static final String OPEN_FOR_DEADLINE = "('identity_unverified', 'pending', 'in_progress', 'action_required')";
}
