package io.lethe.register;

/** How a consent was captured (GDPR Art. 7(1)): which notice the person saw, from where. Personal data: stored sealed. */
public record Evidence(String noticeVersion, String ip, String userAgent) {

    public static final Evidence NONE = new Evidence(null, null, null);

    public boolean isEmpty() {
        return noticeVersion == null && ip == null && userAgent == null;
    }
}
