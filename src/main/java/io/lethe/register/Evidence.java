package io.lethe.register;

/**
 * How a consent was captured (GDPR Art. 7(1)): which notice the person saw, from where; or, for a change seen inside
 * a vendor, what was observed there. Personal data: stored sealed.
 */
public record Evidence(String noticeVersion, String ip, String userAgent, String observed) {

    public static final Evidence NONE = new Evidence(null, null, null, null);

    public Evidence(String noticeVersion, String ip, String userAgent) {
        this(noticeVersion, ip, userAgent, null);
    }

    public static Evidence observed(String what) {
        return new Evidence(null, null, null, what);
    }

    public boolean isEmpty() {
        return noticeVersion == null && ip == null && userAgent == null && observed == null;
    }
}
