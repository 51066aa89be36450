package io.lethe.mail;

/**
 * A mail the SMTP server did not take. {@code permanent}: a 5xx reply or an address that cannot be used (retrying the
 * same message cannot succeed); otherwise the server was unreachable or answered 4xx, and a later attempt may pass.
 * The message holds the reply code and the kind of failure only: SMTP replies often quote the refused address.
 */
public final class MailFailure extends RuntimeException {

    private final boolean permanent;
    private final Integer replyCode;

    MailFailure(String message, boolean permanent, Integer replyCode, Throwable cause) {
        super(message, cause, false, false);
        this.permanent = permanent;
        this.replyCode = replyCode;
    }

    public boolean permanent() {
        return permanent;
    }

    /** The SMTP reply code, or null when none came (connection failure). */
    public Integer replyCode() {
        return replyCode;
    }
}
