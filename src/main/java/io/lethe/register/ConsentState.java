package io.lethe.register;

import java.time.Instant;

/** The current state of one purpose for one subject: the latest event by effective time; {@code since} is that time. */
public record ConsentState(String purpose, ConsentStatus status, Instant since, String lawfulBasis, String source) {
}
