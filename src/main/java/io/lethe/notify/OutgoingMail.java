package io.lethe.notify;

/**
 * One plain-text e-mail as the hub sends it. {@code messageId} is the full Message-ID header ({@code <id@domain>});
 * null lets the sender make one ({@link MessageIds}). Never log a field of it but the Message-ID.
 */
public record OutgoingMail(String to, String subject, String body, String messageId) {

    public OutgoingMail(String to, String subject, String body) {
        this(to, subject, body, null);
    }

    public OutgoingMail withMessageId(String id) {
        return new OutgoingMail(to, subject, body, id);
    }

    @Override
    public String toString() { // keeps addresses and text out of any log line that prints the record
        return "OutgoingMail[" + (messageId == null ? "no Message-ID yet" : messageId) + "]";
    }
}
