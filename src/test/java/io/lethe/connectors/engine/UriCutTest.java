package io.lethe.connectors.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.lethe.connectors.Connectors;
import io.lethe.connectors.Target;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.demo.sandbox.SandboxServer;
import io.lethe.demo.sandbox.SendGridBehaviour;
import io.lethe.support.Addresses;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Calls cut for {@code maxUriLength} take as many identities as fit: SendGrid's contacts deletion carries 36-character
 * ids in the query under a 1,900-character cap, so 100 contacts fit in 3 calls (the erasure benchmark saw 4 per 100,
 * of 25 each, when the cut halved the list until it fit), and each call is one more job to poll.
 */
class UriCutTest extends HubTestSupport {

    SendGridBehaviour sendgrid;
    SandboxServer server;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        sendgrid = new SendGridBehaviour("SG.test", Clock.systemUTC(), null);
        server = SandboxServer.start(sendgrid);
        Properties p = new Properties();
        p.put("lethe.connectors", "sendgrid");
        p.putAll(sendgrid.hubSettings(server.baseUrl()));
        return p;
    }

    @AfterAll
    void stopSandbox() {
        server.close();
    }

    @Test
    void a_hundred_contact_ids_go_in_three_deletions_each_as_full_as_the_uri_allows() {
        List<String> emails = Addresses.realistic(100, "uricut");
        emails.forEach(e -> sendgrid.seed(e, null));
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < emails.size(); i++) {
            targets.add(new Target(80_000 + i, "subject-" + i, "erase", null, List.of(emails.get(i)), List.of(),
                    Map.of(), "req-" + i, "GDPR"));
        }
        ConnectorEngine engine = context.getRegistry().lookupByNameAndType("connectorEngine", ConnectorEngine.class);
        var connector = context.getRegistry().lookupByNameAndType("connectors", Connectors.class).enabled("sendgrid")
                .orElseThrow();
        assertThat(engine.run(connector, "erase", targets)).hasSize(100).allMatch(o -> o.outcome().equals("submitted"));
        List<SandboxRequest> deletions = server.requests("DELETE", "/v3/marketing/contacts");
        assertThat(deletions.stream().mapToInt(UriCutTest::ids).sum()).isEqualTo(100);
        assertThat(deletions).hasSize(3).allMatch(r -> (r.path() + "?" + r.rawQuery()).length() <= 1900);
        // every call but the last is full: one more id (36 characters and a separator) would pass the cap
        for (SandboxRequest r : deletions.subList(0, deletions.size() - 1)) {
            assertThat((r.path() + "?" + r.rawQuery()).length() + 37).isGreaterThan(1900);
        }
    }

    static int ids(SandboxRequest r) {
        String query = java.net.URLDecoder.decode(r.rawQuery(), java.nio.charset.StandardCharsets.UTF_8);
        String ids = query.replaceAll(".*ids=([^&]*).*", "$1");
        return ids.split(",").length;
    }
}
