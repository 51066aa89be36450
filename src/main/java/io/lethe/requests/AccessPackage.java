package io.lethe.requests;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.connectors.Connectors;
import io.lethe.db.Sql;
import io.lethe.register.ConsentRegister;

/**
 * The access package (GDPR Art. 15/20): the register's own data about the subject and, per vendor, what it returned
 * with the data categories its descriptor declares. Personal data: built on demand, never stored in the clear.
 */
final class AccessPackage {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final RequestStore store;
    private final ConsentRegister register;
    private final Connectors connectors;
    private final Clock clock;

    AccessPackage(DataSource dataSource, RequestStore store, ConsentRegister register, Connectors connectors,
            Clock clock) {
        this.dataSource = dataSource;
        this.store = store;
        this.register = register;
        this.connectors = connectors;
        this.clock = clock;
    }

    Map<String, Object> of(DataSubjectRequest r) {
        Map<String, byte[]> sealed = Sql.transaction(dataSource, "reading access exports", c -> store.exports(c, r.id()));
        Map<String, Object> vendors = new LinkedHashMap<>();
        for (DataSubjectRequest.VendorProgress v : r.vendors()) {
            Map<String, Object> section = new LinkedHashMap<>();
            connectors.known().stream().filter(d -> d.id().equals(v.vendor())).findFirst().ifPresent(d -> {
                section.put("title", d.title());
                section.put("dataCategories", d.dataCategories());
            });
            section.put("status", v.status());
            byte[] data = sealed.get(v.vendor());
            Object records = List.of();
            if (data != null) {
                String opened = register.openFor(r.subjectId(), data, r.id() + "/" + v.vendor()).orElse("[]");
                try {
                    records = JSON.readTree(opened);
                } catch (Exception e) {
                    throw new IllegalStateException("stored export is not readable", e);
                }
            }
            section.put("records", records);
            vendors.put(v.vendor(), section);
        }
        Map<String, Object> pkg = new LinkedHashMap<>();
        pkg.put("requestId", r.id());
        pkg.put("subjectId", r.subjectId());
        pkg.put("generatedAt", clock.instant().toString());
        pkg.put("register", registerData(r.subjectId()));
        pkg.put("vendors", vendors);
        return pkg;
    }

    private Map<String, Object> registerData(String subjectId) {
        Map<String, Object> registerData = new LinkedHashMap<>();
        registerData.put("identities", register.identities(subjectId));
        registerData.put("consentHistory", register.history(subjectId).orElse(List.of()).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("eventId", e.eventId());
            m.put("purpose", e.purpose());
            m.put("status", e.status().wire());
            m.put("lawfulBasis", e.lawfulBasis());
            m.put("source", e.source());
            m.put("capturedAt", e.capturedAt().toString());
            m.put("recordedAt", e.recordedAt().toString());
            m.put("evidence", e.evidence());
            return m;
        }).toList());
        registerData.put("dataCategories", List.of("identities (e-mail, external id, phone)",
                "consent decisions with their evidence (notice version, IP address, user agent)"));
        return registerData;
    }
}
