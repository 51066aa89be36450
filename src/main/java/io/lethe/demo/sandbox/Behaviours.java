package io.lethe.demo.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Every vendor behaviour by connector id: the demo starts one sandbox per entry, tests pick theirs. */
public final class Behaviours {

    private Behaviours() {
    }

    /** A fresh behaviour per call (each sandbox holds its own state). One line per vendor. */
    public static Map<String, Supplier<VendorBehaviour>> all() {
        Map<String, Supplier<VendorBehaviour>> all = new LinkedHashMap<>();
        all.put("hubspot", HubSpotBehaviour::new);
        all.put("mailchimp", MailchimpBehaviour::new);
        all.put("salesforce", SalesforceBehaviour::new);
        all.put("webhook", () -> new WebhookReceiverBehaviour("webhook", WebhookReceiverBehaviour.DEMO_SECRET));
        all.put("braze", BrazeBehaviour::new);
        all.put("klaviyo", KlaviyoBehaviour::new);
        all.put("sendgrid", SendGridBehaviour::new);
        all.put("intercom", IntercomBehaviour::new);
        all.put("segment", SegmentBehaviour::new);
        all.put("mixpanel", MixpanelBehaviour::new);
        all.put("amplitude", AmplitudeBehaviour::new);
        all.put("ga4", Ga4Behaviour::new);
        return all;
    }
}
