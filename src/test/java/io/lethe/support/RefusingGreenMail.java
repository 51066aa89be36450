package io.lethe.support;

import java.util.Map;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.smtp.SmtpManager;
import com.icegreen.greenmail.smtp.SmtpState;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * GreenMail whose SMTP server refuses, at RCPT time and for good (550, quoting the address as real servers do), every
 * recipient whose address starts with {@code refused}. Everything else is delivered as usual.
 */
public final class RefusingGreenMail extends GreenMail {

    public RefusingGreenMail(ServerSetup setup) {
        super(setup);
    }

    @Override
    protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers ignored) {
        managers = new RefusingManagers();
        return super.createServices(config, managers);
    }

    private static final class RefusingManagers extends Managers {
        private SmtpManager smtp;

        @Override
        public synchronized SmtpManager getSmtpManager() {
            if (smtp == null) {
                smtp = new SmtpManager(getImapHostManager(), getUserManager()) {
                    @Override
                    public String checkRecipient(SmtpState state, MailAddress rcpt) {
                        return rcpt.getEmail().startsWith("refused")
                                ? "550 5.1.1 <" + rcpt.getEmail() + ">: Recipient address rejected: User unknown" : null;
                    }
                };
            }
            return smtp;
        }
    }
}
