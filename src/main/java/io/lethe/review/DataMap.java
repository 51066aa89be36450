package io.lethe.review;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lethe.connectors.ConnectorDescriptor;
import io.lethe.connectors.Connectors;

/**
 * The record of processing activities (GDPR Art. 30) as far as the connected vendors go, generated from the connector
 * declarations: which vendor, what kind, which data categories of whom, for which purposes, by which identity, and
 * where the data goes (the host calls go to, the region and transfer basis the file's {@code dataMap:} states).
 */
public final class DataMap {

    static final List<String> HEADER = List.of("vendor", "id", "enabled", "category", "dataCategories", "dataSubjects",
            "purposes", "identity", "destination", "region", "transfers");

    private final Connectors connectors;

    public DataMap(Connectors connectors) {
        this.connectors = connectors;
    }

    /** One row per known connector, the enabled ones first (they are the processing that takes place). */
    public Table table() {
        List<ConnectorDescriptor> known = new ArrayList<>(connectors.known());
        known.sort((a, b) -> Boolean.compare(connectors.isEnabled(b.id()), connectors.isEnabled(a.id())));
        List<List<String>> rows = new ArrayList<>();
        for (ConnectorDescriptor d : known) {
            ConnectorDescriptor.DataMap m = d.dataMap();
            rows.add(List.of(d.title(), d.id(), connectors.isEnabled(d.id()) ? "yes" : "no",
                    ConnectorDescriptions.category(d.category()), String.join("; ", d.dataCategories()),
                    m == null ? "not declared" : String.join("; ", m.dataSubjects()), purposes(d.purposes()),
                    ConnectorDescriptions.identity(d.identity()), Destinations.of(d, connectors),
                    m == null ? "not declared" : m.region(),
                    m == null || m.transfers() == null ? "not declared" : m.transfers()));
        }
        return new Table(HEADER, rows);
    }

    private static String purposes(Map<String, String> purposes) {
        List<String> out = new ArrayList<>();
        purposes.forEach((purpose, operation) -> out.add(purpose + (operation.equals("skip") ? " (held, no opt-out)" : "")));
        return String.join("; ", out);
    }
}
