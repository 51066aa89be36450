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

    /** The longest request URI (path and query) the org received. */
    int longestUri() {
        return sandbox.requests().stream()
                .mapToInt(r -> r.path().length() + (r.rawQuery() == null ? 0 : 1 + r.rawQuery().length())).max().orElse(0);
    }
}
