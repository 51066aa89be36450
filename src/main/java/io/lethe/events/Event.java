package io.lethe.events;

import java.time.Instant;

/** One sequenced event: {@code id} is its seq (the {@code ?after=} cursor), {@code data} its JSON object text. */
public record Event(long id, String type, Instant occurredAt, String subjectId, String data) {
}
