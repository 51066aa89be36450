package io.lethe.notify;

/**
 * One plain-text e-mail as the hub sends it. {@code messageId} is the full Message-ID header ({@code <id@domain>});
 * null lets the sender make one ({@link MessageIds}). {@code inReplyTo}, when set, threads it under an earlier mail
 * (In-Reply-To and References), as a vendor reminder under the first request. Never log a field of it but the ids.
 */
public record OutgoingMail(String to, String subject, String body, String messageId, String inReplyTo) {

    public OutgoingMail(String to, String subject, String body) {
        this(to, subject, body, null, null);
    }

    public OutgoingMail(String to, String subject, String body, String messageId) {
        this(to, subject, body, messageId, null);
    }

    public OutgoingMail withMessageId(String id) {
        return new OutgoingMail(to, subject, body, id, inReplyTo);
    }

    @Override
    public String toString() { // keeps addresses and text out of any log line that prints the record
        return "OutgoingMail[" + (messageId == null ? "no Message-ID yet" : messageId) + "]";
    }
}
