package io.lethe.support.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.atlassian.oai.validator.report.ValidationReport;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.demo.sandbox.SandboxResponse;
import io.lethe.demo.sandbox.VendorBehaviour;

/**
 * A behaviour that first checks each request against the vendor's official description: a request the spec refuses
 * gets {@code refusal} (the vendor's 400) and is recorded, so the hub's command fails visibly and
 * {@link #assertNoViolations()} names the rule. {@code tolerated} lets through known differences between a derived
 * spec and the vendor's current one (each documented where the check is built).
 */
public final class SpecCheckedBehaviour implements VendorBehaviour {

    private final VendorBehaviour inner;
    private final VendorSpec spec;
    private final Predicate<ValidationReport.Message> tolerated;
    private final SandboxResponse refusal;
    private final List<String> violations = new CopyOnWriteArrayList<>();

    public SpecCheckedBehaviour(VendorBehaviour inner, VendorSpec spec, Predicate<ValidationReport.Message> tolerated,
            SandboxResponse refusal) {
        this.inner = inner;
        this.spec = spec;
        this.tolerated = tolerated;
        this.refusal = refusal;
    }

    /** The messages of the spec's report that are not tolerated. */
    public List<String> check(SandboxRequest r) {
        List<String> refused = new ArrayList<>();
        for (ValidationReport.Message m : spec.check(r).getMessages()) {
            if (m.getLevel() == ValidationReport.Level.ERROR && !tolerated.test(m)) {
                refused.add(m.getKey() + ": " + m.getMessage());
            }
        }
        return refused;
    }

    @Override
    public SandboxResponse handle(SandboxRequest r) {
        List<String> refused = check(r);
        if (!refused.isEmpty()) {
            violations.add(r.method() + " " + r.path() + " -> " + refused);
            return refusal;
        }
        return inner.handle(r);
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    public void clearViolations() {
        violations.clear();
    }

    public void assertNoViolations() {
        if (!violations.isEmpty()) {
            throw new AssertionError(inner.vendor() + "'s spec refuses " + violations.size() + " request(s): " + violations);
        }
    }

    @Override
    public String vendor() {
        return inner.vendor();
    }

    @Override
    public void seed(String email, String externalId) {
        inner.seed(email, externalId);
    }

    @Override
    public Map<String, Object> state() {
        return inner.state();
    }
}
