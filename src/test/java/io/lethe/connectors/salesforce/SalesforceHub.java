package io.lethe.connectors.salesforce;

import java.util.Properties;

import io.lethe.demo.sandbox.SalesforceBehaviour;
import io.lethe.demo.sandbox.SandboxServer;
import io.lethe.support.HubTestSupport;
import org.junit.jupiter.api.AfterAll;

/** A hub with only the Salesforce connector, against the Salesforce sandbox (refresh-token login). */
abstract class SalesforceHub extends HubTestSupport {

    static final String API = "/services/data/v62.0";
    SalesforceBehaviour org;
    SandboxServer sandbox;

    @Override
    protected Properties extraProperties() {
        org = new SalesforceBehaviour();
        sandbox = SandboxServer.start(org);
        Properties p = new Properties();
        p.put("lethe.connectors", "salesforce");
        p.putAll(org.hubSettings(sandbox.baseUrl()));
        return p;
    }

    @AfterAll
    void stopSandbox() {
        if (context != null) {
            context.stop(); // before the org goes: camel-salesforce logs out on stop
        }
        sandbox.close();
    }

    /** The Composite sub-requests the org received with this method and URL path (query left off). */
    java.util.List<com.fasterxml.jackson.databind.JsonNode> subrequests(String method, String path) {
        java.util.List<com.fasterxml.jackson.databind.JsonNode> out = new java.util.ArrayList<>();
        for (var r : sandbox.requests("POST", API + "/composite")) {
            try {
                for (var sub : new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.bodyText()).path("compositeRequest")) {
                    String url = sub.path("url").asText();
                    if (sub.path("method").asText().equals(method) && url.replaceAll("\\?.*", "").equals(path)) {
                        out.add(sub);
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The API calls the org received (log-ins left out). */
    java.util.List<io.lethe.demo.sandbox.SandboxRequest> apiCalls() {
        return sandbox.requests().stream().filter(r -> !r.path().startsWith("/services/oauth2")).toList();
    }

    /** The longest request URI (path and query) the org received. */
    int longestUri() {
        return sandbox.requests().stream()
                .mapToInt(r -> r.path().length() + (r.rawQuery() == null ? 0 : 1 + r.rawQuery().length())).max().orElse(0);
    }
}
