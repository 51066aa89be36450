package io.lethe.requests;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.lethe.support.VendorFakes;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/** Reads what the hub sent to the fakes. */
final class OptOutBodies {

    private OptOutBodies() {
    }

    /** The addresses HubSpot was asked to GDPR-delete. */
    static List<String> hubspotDeletes(VendorFakes fakes) throws Exception {
        List<String> ids = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (LoggedRequest r : fakes.hubspot.findAll(postRequestedFor(urlPathEqualTo(VendorFakes.HUBSPOT_GDPR_DELETE)))) {
            var body = json.readTree(r.getBodyAsString());
            if (body.path("idProperty").asText().equals("email")) {
                ids.add(body.path("objectId").asText());
            }
        }
        return ids;
    }
}
