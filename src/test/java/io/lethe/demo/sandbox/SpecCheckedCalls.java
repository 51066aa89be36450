package io.lethe.demo.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.support.SandboxCalls;
import io.lethe.support.SandboxCalls.Answer;
import io.lethe.support.spec.SpecRouter;

/**
 * Calls to a sandbox where every request the fake accepts must also pass the vendor's official spec (a fake that
 * accepts what the vendor refuses would hide a bad call). Refusals are not checked against the spec: many of them
 * are exactly what the spec refuses too.
 */
final class SpecCheckedCalls {

    static final ObjectMapper JSON = new ObjectMapper();
    private final SandboxServer server;
    private final SandboxCalls calls;
    private final SpecRouter spec;

    SpecCheckedCalls(SandboxServer server, SpecRouter spec) {
        this.server = server;
        this.calls = new SandboxCalls(server);
        this.spec = spec;
    }

    Answer send(String method, String pathAndQuery, String body, String... headers) {
        Answer a = calls.send(method, pathAndQuery, body, headers);
        if (a.status() / 100 == 2 && spec != null) {
            List<SandboxRequest> journal = server.requests();
            ValidationReport report = spec.check(journal.get(journal.size() - 1));
            assertThat(report.getMessages()).as("the fake accepted %s %s, so the spec must too", method, pathAndQuery)
                    .isEmpty();
        }
        return a;
    }

    /** Sends and expects the fake to accept (2xx), spec-checked. */
    Answer ok(String method, String pathAndQuery, String body, String... headers) {
        Answer a = send(method, pathAndQuery, body, headers);
        assertThat(a.status()).as("%s %s -> %s", method, pathAndQuery, a.body()).isBetween(200, 299);
        return a;
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
