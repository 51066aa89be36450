package io.lethe.requests;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.support.VendorFakes;

/** Reads what the hub sent to the fakes. */
final class OptOutBodies {

    private OptOutBodies() {
    }

    /** The addresses HubSpot was asked to GDPR-delete. */
    static List<String> hubspotDeletes(VendorFakes fakes) throws Exception {
        List<String> ids = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (SandboxRequest r : fakes.hubspotPosts(VendorFakes.HUBSPOT_GDPR_DELETE)) {
            var body = json.readTree(r.bodyText());
            if (body.path("idProperty").asText().equals("email")) {
                ids.add(body.path("objectId").asText());
            }
        }
        return ids;
    }
}
