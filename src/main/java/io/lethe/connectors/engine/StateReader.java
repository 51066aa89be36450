package io.lethe.connectors.engine;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import io.lethe.connectors.Connector;
import io.lethe.connectors.VendorContact;

/** Reads a vendor's contacts for reconciliation, page by page (what the connector file's readState declares). */
@FunctionalInterface
public interface StateReader {

    void readState(Connector connector, Instant since, Consumer<List<VendorContact>> page);
}
