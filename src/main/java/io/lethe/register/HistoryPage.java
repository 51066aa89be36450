package io.lethe.register;

import java.util.List;

/** One page of a subject's consent history; {@code nextAfter} is the position to continue after, null at the end. */
public record HistoryPage(List<ConsentEvent> events, Long nextAfter) {
}
