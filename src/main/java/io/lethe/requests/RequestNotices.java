package io.lethe.requests;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lethe.notify.MailOutbox;
import io.lethe.notify.MailOutbox.Recipient;
import io.lethe.notify.OutgoingMail;
import io.lethe.notify.Templates;
import io.lethe.register.ConsentRegister;

/**
 * The mails a request causes (receipt, link, extension, completion, DPO notices), rendered from config/mail and queued
 * in the caller's transaction: a mail goes out if and only if the change that causes it commits.
 */
final class RequestNotices {

    private final MailOutbox mail;
    private final Templates templates;
    private final ConsentRegister register;
    private final String dpoEmail;

    RequestNotices(MailOutbox mail, Templates templates, ConsentRegister register, String dpoEmail) {
        this.mail = mail;
        this.templates = templates;
        this.register = register;
        this.dpoEmail = dpoEmail;
    }

    /** The values every request mail can use. */
    Map<String, String> values(DataSubjectRequest r) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("requestId", r.id());
        v.put("type", r.type().wire());
        v.put("aType", Templates.withArticle(r.type().wire()));
        v.put("receivedAt", r.receivedAt().toString());
        v.put("dueAt", r.dueAt().toString());
        return v;
    }

    void toPerson(Connection c, String to, String template, Map<String, String> values) throws SQLException {
        queue(c, to, Recipient.PERSON, template, values);
    }

    void toDpo(Connection c, String template, Map<String, String> values) throws SQLException {
        queue(c, dpoEmail, Recipient.DPO, template, values);
    }

    /** A DPO reminder or notice about one request, with its status. */
    void dpoAbout(Connection c, DataSubjectRequest r, String template) throws SQLException {
        Map<String, String> values = values(r);
        values.put("status", r.status().wire());
        toDpo(c, template, values);
    }

    List<String> emails(String subjectId) {
        return register.emails(List.of(subjectId)).getOrDefault(subjectId, List.of());
    }

    /** The subject's first e-mail address on record, or null. */
    String emailOf(String subjectId) {
        return subjectId == null ? null : emails(subjectId).stream().findFirst().orElse(null);
    }

    private void queue(Connection c, String to, Recipient recipient, String template, Map<String, String> values)
            throws SQLException {
        if (to == null || to.isBlank()) {
            return;
        }
        Templates.Message m = templates.render(template, values);
        mail.enqueue(c, template, recipient, values.get("requestId"), new OutgoingMail(to, m.subject(), m.body()));
    }
}
