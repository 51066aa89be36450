package io.lethe.support;

import java.util.Properties;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.junit.jupiter.api.AfterAll;

/**
 * A hub on H2 with the vendor fakes and an SMTP server whose mail to the DPO the test reads: the set-up of tests
 * that check a failure reaches a person.
 */
public abstract class HubWithVendorsAndDpo extends HubTestSupport {

    public static final String DPO = "data.protection.officer@example-company.co.uk";
    protected VendorFakes fakes;
    protected GreenMail mail;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    /** This test's settings on top of the fakes', the SMTP server's and the DPO's address. */
    protected abstract void settings(Properties p);

    @Override
    protected final Properties extraProperties() {
        fakes = new VendorFakes();
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        Properties p = fakes.hubProperties();
        p.put("lethe.smtp.url", "smtp://localhost:" + mail.getSmtp().getPort());
        p.put("lethe.dpo.email", DPO);
        settings(p);
        return p;
    }

    @AfterAll
    void stopVendorsAndMail() {
        fakes.close();
        mail.stop();
    }
}
