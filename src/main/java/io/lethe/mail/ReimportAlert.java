package io.lethe.mail;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.lethe.notify.Templates;
import io.lethe.register.ConsentRegister;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the DPO, once per recording, of subjects a consent event recreated for an identity in the suppression register:
 * the person was erased and a sync may be re-importing them. Ids only, never the identities themselves.
 */
public final class ReimportAlert implements ConsentRegister.ReimportListener {

    private static final Logger LOG = LoggerFactory.getLogger(ReimportAlert.class);

    private final io.lethe.notify.MailOutbox mail;
    private final Templates templates;
    private final String dpoEmail;

    public ReimportAlert(io.lethe.notify.MailOutbox mail, Templates templates, String dpoEmail) {
        this.mail = mail;
        this.templates = templates;
        this.dpoEmail = dpoEmail;
    }

    @Override
    public void onReimported(List<ConsentRegister.Reimport> reimports) {
        LOG.warn("{} subject(s) recreated by consent events after their erasure: {}", reimports.size(),
                reimports.stream().map(ConsentRegister.Reimport::subjectId).collect(Collectors.joining(", ")));
        try {
            Templates.Message m = templates.render("dpo-reimport", Map.of("count", String.valueOf(reimports.size()),
                    "subjects", reimports.stream().map(r -> "  subject " + r.subjectId() + " (erased by request "
                            + r.erasureRequestId() + ")").collect(Collectors.joining("\n"))));
            mail.enqueue("dpo-reimport", io.lethe.notify.MailOutbox.Recipient.DPO, null,
                    new io.lethe.notify.OutgoingMail(dpoEmail, m.subject(), m.body()));
        } catch (RuntimeException e) {
            LOG.error("Could not e-mail the DPO about re-imported subjects: {}", e.getClass().getSimpleName());
        }
    }
}
