package io.lethe.requests;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.dispatch.Outbox;
import io.lethe.register.ConsentRegister;
import io.lethe.register.ConsentStatus;
import io.lethe.register.LawfulBasis;

/**
 * A confirmed request starts: its vendor commands are queued in the outbox (or, for an objection or restriction, the
 * purposes are withdrawn in the register, which queues the opt-outs). Runs in the caller's transaction.
 */
final class RequestExecution {

    private final RequestStore store;
    private final ConsentRegister register;
    private final Outbox outbox;
    private final Connectors connectors;
    private final RequestCompletion completion;
    private final Clock clock;
    private LegalHolds holds;

    RequestExecution(RequestStore store, ConsentRegister register, Outbox outbox, Connectors connectors,
            RequestCompletion completion, Clock clock) {
        this.store = store;
        this.register = register;
        this.outbox = outbox;
        this.connectors = connectors;
        this.completion = completion;
        this.clock = clock;
    }

    /** Legal holds stop erasures at the start (see {@link LegalHolds#stopsErasure}). */
    void setHolds(LegalHolds holds) {
        this.holds = holds;
    }

    void start(Connection c, DataSubjectRequest r) throws SQLException {
        switch (r.type()) {
            case ERASURE -> {
                if (holds == null || !holds.stopsErasure(c, r)) {
                    startVendorCommands(c, r, "erase");
                }
            }
            case ACCESS -> startVendorCommands(c, r, "export");
            case RECTIFICATION -> startVendorCommands(c, r, "rectify");
            case OBJECTION, RESTRICTION -> withdraw(c, r, completion.purposesOf(r));
            default -> throw new IllegalStateException(r.type().wire() + " requests are not executed by this version");
        }
    }

    /**
     * Objection (Art. 21) and restriction (Art. 18): the purposes are withdrawn in the register, with the request as
     * the source, so every vendor mapping them gets the opt-out through the outbox like any withdrawal. The data
     * stays where it is. A restriction is lifted only by an admin (cancel); lifting grants nothing back.
     */
    private void withdraw(Connection c, DataSubjectRequest r, List<String> purposes) throws SQLException {
        List<String> events = register.recordForSubject(c, r.subjectId(), purposes, ConsentStatus.WITHDRAWN,
                LawfulBasis.CONSENT, "request:" + r.id());
        List<String> touched = outbox.attachToRequest(c, events, r.id());
        Instant now = clock.instant();
        for (Connector connector : connectors.enabled()) {
            if (!touched.contains(connector.id())) {
                store.setVendor(c, r.id(), connector.id(), "skipped", "no purpose of this request maps here", now);
            }
        }
        started(c, r, !touched.isEmpty());
    }

    /** Erasure, access and rectification: one command per enabled connector, through the outbox like every call. */
    private void startVendorCommands(Connection c, DataSubjectRequest r, String action) throws SQLException {
        List<Outbox.NewCommand> commands = new ArrayList<>();
        java.util.Optional<java.util.Set<String>> scope = store.scope(c, r.id()); // a retention policy's connectors
        for (Connector connector : connectors.enabled()) {
            if (scope.isPresent() && !scope.get().contains(connector.id())) {
                continue;
            }
            commands.add(new Outbox.NewCommand(connector.id(), r.subjectId(), action, null, null, r.id()));
        }
        outbox.enqueue(c, commands);
        started(c, r, !commands.isEmpty());
    }

    private void started(Connection c, DataSubjectRequest r, boolean anyVendor) throws SQLException {
        store.setStatus(c, r.id(), anyVendor ? RequestStatus.IN_PROGRESS : RequestStatus.PENDING, clock.instant());
        if (!anyVendor) { // nothing to wait for
            completion.finish(c, store.find(c, r.id()).orElseThrow());
        }
    }
}
