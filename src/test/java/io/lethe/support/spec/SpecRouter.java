package io.lethe.support.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.atlassian.oai.validator.report.ValidationReport;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.demo.sandbox.SandboxServer;

/**
 * A vendor whose official description is split over several files (Klaviyo, SendGrid): each request is checked
 * against the file that holds its path (first matching path prefix), so no request escapes validation.
 */
public final class SpecRouter {

    private final Map<String, VendorSpec> byPrefix = new LinkedHashMap<>();
    private final List<String> unrouted = new ArrayList<>();
    /** Violations a test caused on purpose ({@link #refuses}); they do not fail {@link #assertNoViolations()}. */
    private final List<String> expected = new ArrayList<>();

    /** Requests whose path starts with {@code prefix} are checked against {@code spec} (first added wins). */
    public SpecRouter route(String prefix, VendorSpec spec) {
        byPrefix.put(prefix, spec);
        return this;
    }

    public SpecRouter attachTo(SandboxServer server) {
        server.onRequest(this::check);
        return this;
    }

    /** The report of the spec holding the request's path; a request no spec holds is a violation. */
    public ValidationReport check(SandboxRequest r) {
        for (Map.Entry<String, VendorSpec> e : byPrefix.entrySet()) {
            if (r.path().startsWith(e.getKey())) {
                return e.getValue().check(r);
            }
        }
        unrouted.add(r.method() + " " + r.path());
        return ValidationReport.singleton(ValidationReport.Message.create("unrouted", "no spec for " + r.path()).build());
    }

    /** True when the spec refuses the request; the refusal is expected, so it never fails {@link #assertNoViolations()}. */
    public synchronized boolean refuses(SandboxRequest r) {
        List<String> before = violations();
        boolean refused = check(r).hasErrors();
        List<String> after = new ArrayList<>(violations());
        before.forEach(after::remove);
        expected.addAll(after);
        unrouted.removeAll(after);
        return refused;
    }

    public List<String> violations() {
        List<String> all = new ArrayList<>(unrouted);
        byPrefix.values().stream().distinct().forEach(s -> all.addAll(s.violations()));
        expected.forEach(all::remove);
        return all;
    }

    public void assertNoViolations() {
        List<String> all = violations();
        if (!all.isEmpty()) {
            throw new AssertionError("the official spec refuses " + all.size() + " request(s): " + all);
        }
    }

    /** Klaviyo's profiles and data-privacy files. */
    public static SpecRouter klaviyo() {
        return new SpecRouter().route("/api/data-privacy", VendorSpec.load("klaviyo/data_privacy.json", ""))
                .route("/api/", VendorSpec.load("klaviyo/profiles.json", ""));
    }

    /** SendGrid's suppressions, recipients data erasure and marketing contacts files. */
    public static SpecRouter sendgrid() {
        return new SpecRouter().route("/v3/recipients/", VendorSpec.load("sendgrid/tsg_recipients_data_erasure_v3.json", ""))
                .route("/v3/marketing/contacts", VendorSpec.load("sendgrid/tsg_mc_contacts_v3.json", ""))
                .route("/v3/", VendorSpec.load("sendgrid/tsg_suppressions_v3.json", ""));
    }

    public static SpecRouter intercom() {
        return new SpecRouter().route("/", VendorSpec.load("intercom/2.14/api.intercom.io.yaml", ""));
    }
}
