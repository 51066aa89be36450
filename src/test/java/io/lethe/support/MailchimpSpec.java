package io.lethe.support;

import java.util.Map;

import com.atlassian.oai.validator.report.ValidationReport;
import io.lethe.demo.sandbox.MailchimpBehaviour;
import io.lethe.demo.sandbox.SandboxResponse;
import io.lethe.support.spec.SpecCheckedBehaviour;
import io.lethe.support.spec.VendorSpec;

/**
 * Mailchimp's published Marketing API description (src/test/resources/vendor-specs/mailchimp, derived from
 * Mailchimp's own spec) in front of the Mailchimp behaviour. Loaded once per test JVM (3 MB).
 */
public final class MailchimpSpec {

    private static VendorSpec spec;

    private MailchimpSpec() {
    }

    static synchronized VendorSpec spec() {
        if (spec == null) {
            spec = VendorSpec.load("mailchimp/marketing-openapi.json", "/3.0");
        }
        return spec;
    }

    /**
     * What the spec refuses except two known faults of the derived file (vendor-specs/SOURCES.md): it still declares
     * HTTP Basic, while Mailchimp's current official description (mailchimp-marketing-cli openapi0.json) declares
     * Bearer, which the behaviour enforces, so security messages are the behaviour's to judge; and its flattening
     * typed every merge-field value as an object, where Mailchimp takes strings (FNAME, LNAME), so the type of a value
     * under merge_fields is not judged here either (the behaviour checks the merge tags).
     */
    public static boolean tolerated(ValidationReport.Message m) {
        return m.getKey().startsWith("validation.request.security")
                || m.getKey().equals("validation.request.body.schema.type") && m.getMessage().startsWith("[Path '/merge_fields/");
    }

    public static SpecCheckedBehaviour checking(MailchimpBehaviour behaviour) {
        return new SpecCheckedBehaviour(behaviour, spec(), MailchimpSpec::tolerated, new SandboxResponse(400,
                Map.of("Content-Type", "application/problem+json"), "{\"type\":\"https://mailchimp.com/developer/"
                        + "marketing/docs/errors/\",\"title\":\"Invalid Resource\",\"status\":400,\"detail\":"
                        + "\"The resource submitted could not be validated.\",\"instance\":\"spec\"}"));
    }
}
